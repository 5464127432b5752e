// Proves the balances endpoints as a partner sees them: ITAV and CLBD derived from the ledger and reconciled
// with the transaction list, overdrafts shown as a credit line, ReadBalances required, accounts outside the
// consent refused, and every response schema-valid.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { customerToken } from '../../../test/support/authorise.js';
import { API, registerPartner, type Partner } from '../../../test/support/partner.js';
import { startTestServer, type TestServer } from '../../../test/support/test-server.js';
import { parseAmount } from '../../domain/money.js';
import { SchemaRegistry } from '../../validation/schema-registry.js';

const schemas = SchemaRegistry.load();

/** A signed minor-unit value from an OBIE amount and indicator. */
function signed(amount: { Amount: string; Currency: string }, indicator: string): bigint {
  const value = parseAmount(amount.Amount, amount.Currency);
  return indicator === 'Debit' ? -value : value;
}

describe('balances', () => {
  let server: TestServer;
  let partner: Partner;
  let token: string;

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server);
    ({ accessToken: token } = await customerToken(
      server,
      partner,
      ['ReadAccountsDetail', 'ReadBalances', 'ReadTransactionsDetail', 'ReadTransactionsCredits', 'ReadTransactionsDebits'],
      { username: 'alice', password: 'alice-sandbox-1', accountIds: ['acc_alice_current', 'acc_alice_eur'] },
    ));
  });
  after(async () => server.close());

  test('GET /accounts/{id}/balances → ITAV and CLBD, schema-valid, overdraft as a credit line', async () => {
    const response = await partner.call(token, 'GET', `${API}/accounts/acc_alice_current/balances`);
    assert.equal(response.status, 200);
    assert.deepEqual(schemas.validateResponse('OBReadBalance1', response.body), []);
    assert.deepEqual(
      response.body.Data.Balance.map((balance: { Type: string }) => balance.Type),
      ['ITAV', 'CLBD'],
    );
    const itav = response.body.Data.Balance[0];
    assert.deepEqual(itav.CreditLine, [{ Included: false, Type: 'Pre-Agreed', Amount: { Amount: '500.00', Currency: 'GBP' } }]);
    assert.match(itav.DateTime, /Z$/);
    assert.match(response.body.Data.Balance[1].DateTime, /T00:00:00\.000Z$/);
  });

  test('balances reconcile with the transactions: CLBD = sum of booked entries, ITAV = CLBD + today + pending debits', async () => {
    const balances = (await partner.call(token, 'GET', `${API}/accounts/acc_alice_current/balances`)).body.Data.Balance;
    const transactions: Array<{ Status: string; Amount: { Amount: string; Currency: string }; CreditDebitIndicator: string }> = [];
    let next: string | undefined = `${API}/accounts/acc_alice_current/transactions?pageSize=1000`;
    while (next) {
      const page = await partner.call(token, 'GET', next);
      assert.equal(page.status, 200);
      transactions.push(...page.body.Data.Transaction);
      next = page.body.Links.Next;
    }
    const booked = transactions
      .filter((item) => item.Status === 'BOOK')
      .reduce((sum, item) => sum + signed(item.Amount, item.CreditDebitIndicator), 0n);
    const pendingDebits = transactions
      .filter((item) => item.Status === 'PDNG' && item.CreditDebitIndicator === 'Debit')
      .reduce((sum, item) => sum + signed(item.Amount, item.CreditDebitIndicator), 0n);
    const [itav, clbd] = balances;
    assert.ok(
      transactions.some((item) => item.Status === 'PDNG'),
      'the seed has pending card authorisations',
    );
    assert.equal(signed(clbd.Amount, clbd.CreditDebitIndicator), booked, 'the seed books nothing today, so CLBD is every booked entry');
    assert.equal(signed(itav.Amount, itav.CreditDebitIndicator), booked + pendingDebits);
  });

  test('GET /balances (bulk) → the balances of every consented account, in consent order', async () => {
    const response = await partner.call(token, 'GET', `${API}/balances`);
    assert.equal(response.status, 200);
    assert.deepEqual(schemas.validateResponse('OBReadBalance1', response.body), []);
    assert.deepEqual([...new Set(response.body.Data.Balance.map((balance: { AccountId: string }) => balance.AccountId))].sort(), [
      'acc_alice_current',
      'acc_alice_eur',
    ]);
    assert.ok(response.body.Data.Balance.some((balance: { Amount: { Currency: string } }) => balance.Amount.Currency === 'EUR'));
  });

  test('balances of an account outside the consent → 403', async () => {
    const response = await partner.call(token, 'GET', `${API}/accounts/acc_alice_savings/balances`);
    assert.equal(response.status, 403);
    assert.deepEqual(schemas.validateResponse('OBErrorResponse1', response.body), []);
  });

  test('balances with a consent without ReadBalances → 403', async () => {
    const { accessToken } = await customerToken(server, partner, ['ReadAccountsBasic'], {
      username: 'bob',
      password: 'bob-sandbox-2',
      accountIds: ['acc_bob_current'],
    });
    for (const path of [`${API}/accounts/acc_bob_current/balances`, `${API}/balances`]) {
      const response = await partner.call(accessToken, 'GET', path);
      assert.equal(response.status, 403);
      assert.deepEqual(schemas.validateResponse('OBErrorResponse1', response.body), []);
    }
  });
});
