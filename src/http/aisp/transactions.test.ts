// Proves the transaction listings as a partner sees them: newest-first keyset pages whose links walk every
// transaction exactly once in both directions (property-tested over random filters and page sizes), filters
// carried into the links, tampered or foreign cursors refused, permissions trimming fields and directions,
// and invalid input refused with the OBIE codes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { customerToken } from '../../../test/support/authorise.js';
import { API, registerPartner, type Partner } from '../../../test/support/partner.js';
import { startTestServer, type TestServer } from '../../../test/support/test-server.js';
import { SeededRandom } from '../../sandbox/seeded-random.js';
import { SchemaRegistry } from '../../validation/schema-registry.js';

const schemas = SchemaRegistry.load();
const ALL_TRANSACTIONS = ['ReadAccountsDetail', 'ReadTransactionsDetail', 'ReadTransactionsCredits', 'ReadTransactionsDebits'];

interface Item {
  TransactionId: string;
  BookingDateTime: string;
  CreditDebitIndicator: string;
  TransactionInformation?: string;
  Balance?: unknown;
  CreditorAccount?: unknown;
  DebtorAccount?: unknown;
  MerchantDetails?: unknown;
}

describe('transactions', () => {
  let server: TestServer;
  let partner: Partner;
  let token: string;

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server);
    ({ accessToken: token } = await customerToken(server, partner, ALL_TRANSACTIONS, {
      username: 'bob',
      password: 'bob-sandbox-2',
      accountIds: ['acc_bob_current', 'acc_bob_business'],
    }));
  });
  after(async () => server.close());

  async function get(path: string, withToken = token) {
    const response = await partner.call(withToken, 'GET', path);
    if (response.status === 200) assert.deepEqual(schemas.validateResponse('OBReadTransaction6', response.body), [], path);
    else assert.deepEqual(schemas.validateResponse('OBErrorResponse1', response.body), [], path);
    return response;
  }

  /** Follows `Links.Next` from `first`, checking each page's links; returns every item in order. */
  async function walk(first: string, pageSize: number): Promise<{ items: Item[]; pages: string[] }> {
    const items: Item[] = [];
    const pages: string[] = [];
    let next: string | undefined = first;
    while (next) {
      const response = await get(next);
      assert.equal(response.status, 200);
      const page = response.body;
      pages.push(page.Links.Self);
      assert.equal(page.Links.Prev !== undefined, pages.length > 1, 'Prev exactly when a previous page exists');
      if (page.Links.Next) assert.equal(page.Data.Transaction.length, pageSize, 'only the last page is short');
      items.push(...page.Data.Transaction);
      next = page.Links.Next;
    }
    return { items, pages };
  }

  function assertNewestFirst(items: Item[]) {
    for (let index = 1; index < items.length; index += 1) {
      const previous = items[index - 1] as Item;
      const current = items[index] as Item;
      const order = previous.BookingDateTime.localeCompare(current.BookingDateTime) || previous.TransactionId.localeCompare(current.TransactionId);
      assert.ok(order > 0, `not newest first at ${index}: ${previous.TransactionId} then ${current.TransactionId}`);
    }
  }

  test('walking all pages forward yields each transaction exactly once, newest first; walking back with Prev yields the same pages', async () => {
    const everything = await walk(`${API}/accounts/acc_bob_current/transactions?pageSize=1000`, 1000);
    assert.ok(everything.items.length > 100, 'the seed gives bob enough history to page through');
    const paged = await walk(`${API}/accounts/acc_bob_current/transactions?pageSize=25`, 25);
    assert.deepEqual(
      paged.items.map((item) => item.TransactionId),
      everything.items.map((item) => item.TransactionId),
    );
    assertNewestFirst(paged.items);
    assert.equal(new Set(paged.items.map((item) => item.TransactionId)).size, paged.items.length);

    const backwards: string[][] = [];
    let previous: string | undefined = paged.pages.at(-1);
    while (previous) {
      const response = await get(previous);
      backwards.unshift(response.body.Data.Transaction.map((item: Item) => item.TransactionId));
      previous = response.body.Links.Prev;
    }
    assert.deepEqual(
      backwards.flat(),
      paged.items.map((item) => item.TransactionId),
    );
  });

  test('property: for random date filters and page sizes, the pages partition exactly the transactions inside the filter', async () => {
    const everything = (await walk(`${API}/transactions?pageSize=1000`, 1000)).items;
    const times = everything.map((item) => Date.parse(item.BookingDateTime));
    const oldest = Math.min(...times);
    const newest = Math.max(...times);
    const random = new SeededRandom(20261122);
    const next = () => random.next();
    for (let round = 0; round < 12; round += 1) {
      const a = oldest + Math.floor(next() * (newest - oldest));
      const b = oldest + Math.floor(next() * (newest - oldest));
      const from = new Date(Math.min(a, b)).toISOString().slice(0, 19);
      const to = new Date(Math.max(a, b)).toISOString().slice(0, 19);
      const pageSize = 25 + Math.floor(next() * 60);
      const path = `${API}/transactions?fromBookingDateTime=${from}&toBookingDateTime=${to}&pageSize=${pageSize}`;
      const { items, pages } = await walk(path, pageSize);
      const expected = everything.filter((item) => {
        const at = Date.parse(item.BookingDateTime);
        return at >= Date.parse(`${from}Z`) && at <= Date.parse(`${to}.999Z`);
      });
      assert.deepEqual(
        items.map((item) => item.TransactionId),
        expected.map((item) => item.TransactionId),
        `round ${round}: ${path}`,
      );
      for (const self of pages) {
        const url = new URL(self);
        assert.equal(url.searchParams.get('fromBookingDateTime'), from, 'filters are carried into the links');
        assert.equal(url.searchParams.get('toBookingDateTime'), to);
        assert.equal(url.searchParams.get('pageSize'), String(pageSize));
      }
    }
  });

  test('a filter with a timezone → the zone is ignored; with milliseconds or a date only → accepted', async () => {
    const plain = await get(`${API}/transactions?fromBookingDateTime=2020-01-01T00:00:00&pageSize=25`);
    const zoned = await get(`${API}/transactions?fromBookingDateTime=2020-01-01T00:00:00%2B05:00&pageSize=25`);
    assert.deepEqual(zoned.body.Data, plain.body.Data);
    assert.equal((await get(`${API}/transactions?toBookingDateTime=2020-04-23T15:48:00.999`)).status, 200);
    assert.equal((await get(`${API}/transactions?fromBookingDateTime=2020-04-23`)).status, 200);
  });

  test('an invalid fromBookingDateTime → 400 U003', async () => {
    for (const value of ['yesterday', '2026-02-30T00:00:00', '2026-13-01T00:00:00']) {
      const response = await get(`${API}/transactions?fromBookingDateTime=${value}`);
      assert.equal(response.status, 400, value);
      assert.equal(response.body.Errors[0].ErrorCode, 'U003');
      assert.equal(response.body.Errors[0].Path, 'fromBookingDateTime');
    }
  });

  test('pageSize outside 25–1000 → 400 U002 at pageSize', async () => {
    for (const size of ['24', '1001', 'ten']) {
      const response = await get(`${API}/transactions?pageSize=${size}`);
      assert.equal(response.status, 400, size);
      assert.equal(response.body.Errors[0].Path, 'pageSize');
    }
  });

  test('a tampered cursor, a cursor of another listing, and a cursor of another consent → 400', async () => {
    const first = await get(`${API}/accounts/acc_bob_current/transactions?pageSize=25`);
    const next = new URL(first.body.Links.Next);
    const cursor = next.searchParams.get('cursor') as string;
    const tampered = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    assert.equal((await get(`${API}/accounts/acc_bob_current/transactions?pageSize=25&cursor=${tampered}`)).status, 400);
    assert.equal((await get(`${API}/accounts/acc_bob_business/transactions?pageSize=25&cursor=${cursor}`)).status, 400);
    assert.equal((await get(`${API}/accounts/acc_bob_current/transactions?pageSize=50&cursor=${cursor}`)).status, 400);
    const other = await customerToken(server, partner, ALL_TRANSACTIONS, {
      username: 'bob',
      password: 'bob-sandbox-2',
      accountIds: ['acc_bob_current'],
    });
    const foreign = await get(`${API}/accounts/acc_bob_current/transactions?pageSize=25&cursor=${cursor}`, other.accessToken);
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.Errors[0].Path, 'cursor');
  });

  test('ReadTransactionsBasic → no detail fields; ReadTransactionsDetail → information, balance and counterparty', async () => {
    const basic = await customerToken(
      server,
      partner,
      ['ReadAccountsBasic', 'ReadTransactionsBasic', 'ReadTransactionsCredits', 'ReadTransactionsDebits'],
      {
        username: 'bob',
        password: 'bob-sandbox-2',
        accountIds: ['acc_bob_current'],
      },
    );
    const basicItems: Item[] = (await get(`${API}/accounts/acc_bob_current/transactions?pageSize=200`, basic.accessToken)).body.Data.Transaction;
    assert.ok(basicItems.length > 0);
    for (const item of basicItems) {
      assert.equal(item.TransactionInformation, undefined);
      assert.equal(item.Balance, undefined);
      assert.equal(item.CreditorAccount ?? item.DebtorAccount ?? item.MerchantDetails, undefined);
    }
    const detailItems: Item[] = (await get(`${API}/accounts/acc_bob_current/transactions?pageSize=200`)).body.Data.Transaction;
    assert.ok(detailItems.every((item) => typeof item.TransactionInformation === 'string'));
    assert.ok(detailItems.some((item) => item.Balance));
    assert.ok(detailItems.some((item) => item.MerchantDetails));
    assert.ok(detailItems.some((item) => item.CreditorAccount ?? item.DebtorAccount));
  });

  test('ReadTransactionsCredits only → only credits; ReadTransactionsDebits only → only debits', async () => {
    for (const [permission, indicator] of [
      ['ReadTransactionsCredits', 'Credit'],
      ['ReadTransactionsDebits', 'Debit'],
    ] as const) {
      const { accessToken } = await customerToken(server, partner, ['ReadAccountsBasic', 'ReadTransactionsBasic', permission], {
        username: 'bob',
        password: 'bob-sandbox-2',
        accountIds: ['acc_bob_current'],
      });
      const items: Item[] = (await get(`${API}/accounts/acc_bob_current/transactions?pageSize=1000`, accessToken)).body.Data.Transaction;
      assert.ok(items.length > 0, permission);
      assert.ok(
        items.every((item) => item.CreditDebitIndicator === indicator),
        permission,
      );
    }
  });

  test("the consent's transaction window limits the listing", async () => {
    const everything = (await walk(`${API}/accounts/acc_bob_current/transactions?pageSize=1000`, 1000)).items;
    const middle = everything[Math.floor(everything.length / 2)] as Item;
    const { accessToken } = await customerToken(server, partner, ALL_TRANSACTIONS, {
      username: 'bob',
      password: 'bob-sandbox-2',
      accountIds: ['acc_bob_current'],
      consent: { TransactionToDateTime: middle.BookingDateTime },
    });
    const items: Item[] = (await get(`${API}/accounts/acc_bob_current/transactions?pageSize=1000`, accessToken)).body.Data.Transaction;
    assert.ok(items.length > 0);
    assert.ok(items.every((item) => item.BookingDateTime <= middle.BookingDateTime));
    assert.equal(items[0]?.TransactionId, middle.TransactionId);
  });

  test('card numbers: masked (first 6, last 4) without ReadPAN, in clear with it — in accounts and card transactions', async () => {
    for (const [withPan, pattern] of [
      [false, /^465858\*{6}\d{4}$/],
      [true, /^465858\d{10}$/],
    ] as const) {
      const { accessToken } = await customerToken(server, partner, [...ALL_TRANSACTIONS, ...(withPan ? ['ReadPAN'] : [])], {
        username: 'bob',
        password: 'bob-sandbox-2',
        accountIds: ['acc_bob_current'],
      });
      const account = (await partner.call(accessToken, 'GET', `${API}/accounts/acc_bob_current`)).body.Data.Account[0];
      const card = account.Account.find((identification: { SchemeName: string }) => identification.SchemeName === 'UK.OBIE.PAN');
      assert.match(card.Identification, pattern);
      assert.equal(account.Account[0].SchemeName, 'UK.OBIE.SortCodeAccountNumber', 'the sort code comes first');
      const items = (await get(`${API}/accounts/acc_bob_current/transactions?pageSize=200`, accessToken)).body.Data.Transaction;
      const cardItems = items.filter((item: { CardInstrument?: { Identification: string } }) => item.CardInstrument);
      assert.ok(cardItems.length > 0);
      for (const item of cardItems) assert.match(item.CardInstrument.Identification, pattern);
    }
  });

  test('transactions without a transactions permission → 403; of an account outside the consent → 403', async () => {
    const { accessToken } = await customerToken(server, partner, ['ReadAccountsBasic'], {
      username: 'bob',
      password: 'bob-sandbox-2',
      accountIds: ['acc_bob_current'],
    });
    assert.equal((await get(`${API}/accounts/acc_bob_current/transactions`, accessToken)).status, 403);
    assert.equal((await get(`${API}/transactions`, accessToken)).status, 403);
    assert.equal((await get(`${API}/accounts/acc_bob_savings/transactions`)).status, 403);
  });
});
