// Ports the 32 AIS cases of the OB Functional Conformance Suite v1.9.1 manifest `ob_4.0_accounts_transactions_fca.json` that apply to the endpoints we implement, with the suite's consents, request headers and assertions.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import * as client from 'openid-client';
import { SchemaRegistry } from '../../src/validation/schema-registry.js';
import { authoriseConsent, customerToken } from '../support/authorise.js';
import { API, registerPartner, type ApiResponse, type Partner } from '../support/partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const schemas = SchemaRegistry.load();

/** `$consentedAccountId`: the account alice authorises in both consents. */
const ACCOUNT = 'acc_alice_current';
/** The suite's configured `x-fapi-financial-id` (any non-empty value). */
const FINANCIAL_ID = '0015800001041RHAAY';
/** The suite's User-Agent when no transport certificate names an OU/CN. */
const USER_AGENT = 'OpenBankingFCS/v1.9.1';
/** PSUConsentProviderComponentV4 posts every consent with this fixed (version-1) UUID. */
const CONSENT_INTERACTION_ID = 'c4405450-febe-11e8-80a5-0fcebb157400';
/** The x-fapi-interaction-id values the manifest sets (0.6 of the digest). */
const PLAYBACK_520C = 'f5a10e5e-0c46-41c5-a7b7-c8f56020520c';
const PLAYBACK_5200 = 'f5a10e5e-0c46-41c5-a7b7-c8f560205200';
const PLAYBACK_BAL = '93bac548-d2de-4546-b106-880a5018460d';
/** The two consents the suite's token grouping produces for our endpoint set. */
const T1_PERMISSIONS = ['ReadAccountsBasic', 'ReadBalances', 'ReadTransactionsBasic', 'ReadTransactionsCredits', 'ReadTransactionsDebits'];
const T2_PERMISSIONS = [
  'ReadAccountsBasic',
  'ReadAccountsDetail',
  'ReadTransactionsBasic',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
  'ReadTransactionsDetail',
];
/** The consent window the suite's discovery UI fills in by default. */
const TRANSACTION_FROM = '2016-01-01T10:40:00+02:00';
const TRANSACTION_TO = '2025-12-31T10:40:00+02:00';

interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * Sends exactly these headers (node:http adds only Host and Connection), as the suite's Go client does:
 * fetch would add `Accept: *\/*`, `Accept-Language` and `Sec-Fetch-Mode`, and the suite sends no Accept.
 */
function sendExactly(url: string, method: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const raw = Buffer.concat(chunks);
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          for (const item of [value ?? []].flat()) responseHeaders.append(name, item);
        }
        const text = (incoming.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        resolve({ status: incoming.statusCode ?? 0, headers: responseHeaders, text });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** openid-client's transport replaced by {@link sendExactly}, so DPoP-bound calls carry no Accept either. */
const exactFetch: client.CustomFetch = async (url, options) => {
  const { body } = options;
  if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof URLSearchParams)) {
    throw new TypeError('exactFetch sends string and form bodies only');
  }
  const response = await sendExactly(url, options.method, options.headers, body?.toString());
  return new Response(response.text === '' ? null : response.text, { status: response.status, headers: response.headers });
};

/** Which credential a case presents: a consent's customer token, the client-credentials token, or none at all. */
type Credential = 'T1' | 'T2' | 'CCG' | 'none';

/** A case's response, with the x-fapi-interaction-id the request carried. */
interface CaseResponse extends ApiResponse {
  readonly interactionId: string;
}

function assertPlayedBack(response: CaseResponse): void {
  assert.equal(response.headers.get('x-fapi-interaction-id'), response.interactionId, 'x-fapi-interaction-id is played back');
}

/** OB3GLOAssertOn200 + OB3GLOFAPIHeader (or OB3GLOAssertFAPIPlayBack) + schemaCheck: 200, JSON, id played back, body valid. */
function assertOk(response: CaseResponse, schema: string): void {
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assertPlayedBack(response);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json\s*(;|$)/);
  assert.deepEqual(schemas.validateResponse(schema, response.body), [], `${schema}: ${JSON.stringify(response.body)}`);
}

/** A refusal with one of the statuses the suite accepts, and an OBIE error body a partner can read. */
function assertRefused(response: CaseResponse, statuses: readonly number[]): void {
  assert.ok(statuses.includes(response.status), `expected ${statuses.join(' or ')}, got ${response.status}: ${JSON.stringify(response.body)}`);
  assertPlayedBack(response);
  assert.deepEqual(schemas.validateResponse('OBErrorResponse1', response.body), [], `OBErrorResponse1: ${JSON.stringify(response.body)}`);
}

/** OB3GLOAssertOn401, plus the DPoP challenge RFC 9449 §7.1 requires on a 401. */
function assertUnauthorised(response: CaseResponse): void {
  assertRefused(response, [401]);
  assert.match(response.headers.get('www-authenticate') ?? '', /^DPoP /);
}

/** One-of OB3GLOAssertOn400 / OB3GLOAssertOn403; a 400 must carry U002 or U011, as the sibling v4 cases require. */
function assertForbiddenOrBadRequest(response: CaseResponse): void {
  assertRefused(response, [400, 403]);
  if (response.status === 400) {
    const codes = (response.body.Errors as Array<{ ErrorCode: string }>).map((error) => error.ErrorCode);
    assert.ok(
      codes.some((code) => code === 'U002' || code === 'U011'),
      `400 needs ErrorCode U002 or U011, got ${codes.join(', ')}`,
    );
  }
}

function accountIds(body: { Data: Record<string, Array<{ AccountId: string }>> }, list: string): string[] {
  return [...new Set((body.Data[list] ?? []).map((item) => item.AccountId))];
}

describe('OB FCS v1.9.1 AIS (ob_4.0_accounts_transactions_fca.json)', () => {
  let server: TestServer;
  let partner: Partner;
  const tokens: Partial<Record<Exclude<Credential, 'none'>, string>> = {};

  /** The prerequisite traffic of PSUConsentProviderComponentV4: the consent POST exactly as the suite sends it. */
  async function createSuiteConsent(permissions: string[]): Promise<string> {
    const response = await partner.call(
      await partner.clientCredentialsToken(),
      'POST',
      `${API}/account-access-consents`,
      { Data: { Permissions: permissions, TransactionFromDateTime: TRANSACTION_FROM, TransactionToDateTime: TRANSACTION_TO }, Risk: {} },
      {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-fapi-interaction-id': CONSENT_INTERACTION_ID,
        'x-fapi-financial-id': FINANCIAL_ID,
        'user-agent': USER_AGENT,
        'accept-encoding': 'gzip',
      },
    );
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.Data.Status, 'AWAU');
    assert.equal(typeof response.body.Data.ConsentId, 'string');
    assert.equal(response.headers.get('x-fapi-interaction-id'), CONSENT_INTERACTION_ID);
    assert.deepEqual(schemas.validateResponse('OBReadConsentResponse1', response.body), []);
    return response.body.Data.ConsentId as string;
  }

  /** The PSU redirect (alice shares the configured account) and the authorization_code exchange. */
  async function authorise(consentId: string): Promise<string> {
    const { callback, start } = await authoriseConsent(server, partner, consentId, {
      username: 'alice',
      password: 'alice-sandbox-1',
      accountIds: [ACCOUNT],
    });
    return (await partner.exchangeCode(callback, start)).access_token;
  }

  /**
   * Sends one test-case request as `buildTestCase` does: GET, no Accept or Content-Type, x-fapi-financial-id,
   * x-fapi-interaction-id (a fresh v4 UUID unless the script sets one), x-fcs-testcase-id and the suite's
   * User-Agent. The suite presents tokens as `Bearer`; ours are DPoP-bound (FAPI 2.0), so partner.call
   * presents them as `DPoP` with a fresh proof.
   */
  async function send(
    caseId: string,
    credential: Credential,
    path: string,
    options: { interactionId?: string; removeFinancialId?: boolean } = {},
  ): Promise<CaseResponse> {
    const interactionId = options.interactionId ?? randomUUID();
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      'accept-encoding': 'gzip',
      'x-fapi-financial-id': FINANCIAL_ID,
      'x-fapi-interaction-id': interactionId,
      'x-fcs-testcase-id': caseId,
    };
    if (options.removeFinancialId) delete headers['x-fapi-financial-id'];
    if (credential === 'none') {
      const response = await sendExactly(new URL(`${API}${path}`, server.issuer).href, 'GET', headers);
      return { status: response.status, headers: response.headers, body: response.text ? JSON.parse(response.text) : undefined, interactionId };
    }
    const token = tokens[credential];
    assert.ok(token, `no ${credential} token`);
    return { ...(await partner.call(token, 'GET', `${API}${path}`, undefined, headers)), interactionId };
  }

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server, 'OB Functional Conformance Suite');
    partner.config[client.customFetch] = exactFetch;
    const [t1, t2] = await Promise.all([createSuiteConsent(T1_PERMISSIONS), createSuiteConsent(T2_PERMISSIONS)]);
    tokens.T1 = await authorise(t1);
    tokens.T2 = await authorise(t2);
    tokens.CCG = await partner.clientCredentialsToken();
  });
  after(async () => server.close());

  test('OB-313-ACC-000100 GET /accounts without x-fapi-financial-id → 200, OBReadAccount6', async () => {
    const response = await send('OB-313-ACC-000100', 'T1', '/accounts', { removeFinancialId: true });
    assertOk(response, 'OBReadAccount6');
    assert.deepEqual(accountIds(response.body, 'Account'), [ACCOUNT]);
  });

  test('OB-400-ACC-001000 GET /foobar with a valid customer token → 404', async () => {
    assertRefused(await send('OB-400-ACC-001000', 'T1', '/foobar'), [404]);
  });

  test('OB-400-ACC-100000 GET /accounts/{AccountId} with ReadAccountsBasic → 200, OBReadAccount6 without identifications', async () => {
    const response = await send('OB-400-ACC-100000', 'T1', `/accounts/${ACCOUNT}`);
    assertOk(response, 'OBReadAccount6');
    assert.deepEqual(accountIds(response.body, 'Account'), [ACCOUNT]);
    assert.equal(response.body.Data.Account[0].Account, undefined, 'identifications need ReadAccountsDetail');
  });

  test('OB-400-ACC-100200 GET /accounts/{AccountId} with ReadAccountsDetail → 200, OBReadAccount6 with identifications', async () => {
    const response = await send('OB-400-ACC-100200', 'T2', `/accounts/${ACCOUNT}`);
    assertOk(response, 'OBReadAccount6');
    assert.deepEqual(accountIds(response.body, 'Account'), [ACCOUNT]);
    assert.ok(response.body.Data.Account[0].Account?.length > 0, 'ReadAccountsDetail shows identifications');
  });

  test('OB-400-ACC-100300 GET /accounts with ReadAccountsBasic → 200, OBReadAccount6 without identifications', async () => {
    const response = await send('OB-400-ACC-100300', 'T1', '/accounts');
    assertOk(response, 'OBReadAccount6');
    assert.deepEqual(accountIds(response.body, 'Account'), [ACCOUNT]);
    assert.equal(response.body.Data.Account[0].Account, undefined, 'identifications need ReadAccountsDetail');
  });

  test('OB-400-ACC-100400 GET /accounts with ReadAccountsDetail → 200, OBReadAccount6 with identifications', async () => {
    const response = await send('OB-400-ACC-100400', 'T2', '/accounts');
    assertOk(response, 'OBReadAccount6');
    assert.deepEqual(accountIds(response.body, 'Account'), [ACCOUNT]);
    assert.ok(response.body.Data.Account[0].Account?.length > 0, 'ReadAccountsDetail shows identifications');
  });

  test('OB-400-ACC-100500 GET /accounts/{AccountId} without an Authorization header → 401', async () => {
    assertUnauthorised(await send('OB-400-ACC-100500', 'none', `/accounts/${ACCOUNT}`));
  });

  test('OB-400-ACC-100600 GET /accounts without an Authorization header → 401', async () => {
    assertUnauthorised(await send('OB-400-ACC-100600', 'none', '/accounts'));
  });

  test(`OB-400-ACC-100700 GET /accounts/{AccountId} with x-fapi-interaction-id ${PLAYBACK_520C} → 200, the id played back`, async () => {
    assertOk(await send('OB-400-ACC-100700', 'T2', `/accounts/${ACCOUNT}`, { interactionId: PLAYBACK_520C }), 'OBReadAccount6');
  });

  test(`OB-400-ACC-100800 GET /accounts/{AccountId} with x-fapi-interaction-id ${PLAYBACK_5200} → 200, the id played back`, async () => {
    assertOk(await send('OB-400-ACC-100800', 'T2', `/accounts/${ACCOUNT}`, { interactionId: PLAYBACK_5200 }), 'OBReadAccount6');
  });

  test('OB-400-ACC-101000 GET /accounts/{AccountId} without an Authorization header → 401', async () => {
    assertUnauthorised(await send('OB-400-ACC-101000', 'none', `/accounts/${ACCOUNT}`));
  });

  test('OB-400-ACC-101100 GET /accounts without an Authorization header → 401', async () => {
    assertUnauthorised(await send('OB-400-ACC-101100', 'none', '/accounts'));
  });

  test('OB-400-ACC-101101 GET /accounts/{AccountId}/foobar with a valid customer token → 404', async () => {
    assertRefused(await send('OB-400-ACC-101101', 'T1', `/accounts/${ACCOUNT}/foobar`), [404]);
  });

  test('OB-400-BAL-101200 GET /accounts/{AccountId}/balances with ReadBalances → 200, OBReadBalance1', async () => {
    const response = await send('OB-400-BAL-101200', 'T1', `/accounts/${ACCOUNT}/balances`);
    assertOk(response, 'OBReadBalance1');
    assert.deepEqual(accountIds(response.body, 'Balance'), [ACCOUNT]);
  });

  test('OB-400-BAL-101300 GET /balances with ReadBalances → 200, OBReadBalance1', async () => {
    const response = await send('OB-400-BAL-101300', 'T1', '/balances');
    assertOk(response, 'OBReadBalance1');
    assert.deepEqual(accountIds(response.body, 'Balance'), [ACCOUNT]);
  });

  test('OB-400-BAL-101400 GET /accounts/{AccountId}/balances with a consent without ReadBalances → 400 or 403', async () => {
    assertForbiddenOrBadRequest(await send('OB-400-BAL-101400', 'T2', `/accounts/${ACCOUNT}/balances`));
  });

  test('OB-400-BAL-101500 GET /balances without an Authorization header → 401', async () => {
    assertUnauthorised(await send('OB-400-BAL-101500', 'none', '/balances'));
  });

  test('OB-400-BAL-101600 GET /accounts/foobar/balances (not a consented account) → 400 or 403', async () => {
    assertForbiddenOrBadRequest(await send('OB-400-BAL-101600', 'T1', '/accounts/foobar/balances'));
  });

  test('OB-400-BAL-101700 GET /balances with a client-credentials token → 401', async () => {
    assertUnauthorised(await send('OB-400-BAL-101700', 'CCG', '/balances'));
  });

  test('OB-400-BAL-101701 GET /accounts/{AccountId}/balances/foobar with a valid customer token → 404', async () => {
    assertRefused(await send('OB-400-BAL-101701', 'T1', `/accounts/${ACCOUNT}/balances/foobar`), [404]);
  });

  test(`OB-400-BAL-101702 GET /accounts/{AccountId}/balances with x-fapi-interaction-id ${PLAYBACK_BAL} → 200, the id played back`, async () => {
    assertOk(await send('OB-400-BAL-101702', 'T1', `/accounts/${ACCOUNT}/balances`, { interactionId: PLAYBACK_BAL }), 'OBReadBalance1');
  });

  test(`OB-400-BAL-101703 GET /balances with x-fapi-interaction-id ${PLAYBACK_5200} → 200, the id played back`, async () => {
    assertOk(await send('OB-400-BAL-101703', 'T1', '/balances', { interactionId: PLAYBACK_5200 }), 'OBReadBalance1');
  });

  test(`OB-400-TRA-105000 GET /accounts/{AccountId}/transactions with ReadTransactionsBasic and the reused x-fapi-interaction-id ${PLAYBACK_5200} → 200, OBReadTransaction6`, async () => {
    const response = await send('OB-400-TRA-105000', 'T1', `/accounts/${ACCOUNT}/transactions`, { interactionId: PLAYBACK_5200 });
    assertOk(response, 'OBReadTransaction6');
    assert.ok(accountIds(response.body, 'Transaction').every((id) => id === ACCOUNT));
  });

  test('OB-400-TRA-105100 GET /accounts/{AccountId}/transactions with ReadTransactionsDetail → 200, OBReadTransaction6', async () => {
    const response = await send('OB-400-TRA-105100', 'T2', `/accounts/${ACCOUNT}/transactions`);
    assertOk(response, 'OBReadTransaction6');
    assert.ok(accountIds(response.body, 'Transaction').every((id) => id === ACCOUNT));
  });

  test('OB-400-TRA-105110 GET /accounts/{AccountId}/transactions?fromBookingDateTime&toBookingDateTime without a timezone → 200, OBReadTransaction6', async () => {
    const query = '?fromBookingDateTime=2020-04-23T15%3A47%3A00&toBookingDateTime=2020-04-23T15%3A48%3A00';
    assertOk(await send('OB-400-TRA-105110', 'T2', `/accounts/${ACCOUNT}/transactions${query}`), 'OBReadTransaction6');
  });

  test('OB-400-TRA-105120 GET /accounts/{AccountId}/transactions?fromBookingDateTime&toBookingDateTime with milliseconds → 200, OBReadTransaction6', async () => {
    const query = '?fromBookingDateTime=2020-04-23T15%3A47%3A00.999&toBookingDateTime=2020-04-23T15%3A48%3A00.999';
    assertOk(await send('OB-400-TRA-105120', 'T2', `/accounts/${ACCOUNT}/transactions${query}`), 'OBReadTransaction6');
  });

  test('OB-400-TRA-105200 GET /transactions with ReadTransactionsBasic → 200, OBReadTransaction6', async () => {
    const response = await send('OB-400-TRA-105200', 'T1', '/transactions');
    assertOk(response, 'OBReadTransaction6');
    assert.ok(accountIds(response.body, 'Transaction').every((id) => id === ACCOUNT));
  });

  test('OB-400-TRA-105300 GET /accounts/{AccountId}/transactions without an Authorization header → 401', async () => {
    assertUnauthorised(await send('OB-400-TRA-105300', 'none', `/accounts/${ACCOUNT}/transactions`));
  });

  test('OB-400-TRA-105400 GET /transactions without an Authorization header → 401', async () => {
    assertUnauthorised(await send('OB-400-TRA-105400', 'none', '/transactions'));
  });

  test(`OB-400-TRA-105500 GET /accounts/{AccountId}/transactions with x-fapi-interaction-id ${PLAYBACK_520C} → 200, the id played back`, async () => {
    assertOk(await send('OB-400-TRA-105500', 'T1', `/accounts/${ACCOUNT}/transactions`, { interactionId: PLAYBACK_520C }), 'OBReadTransaction6');
  });

  test(`OB-400-TRA-105600 GET /transactions with x-fapi-interaction-id ${PLAYBACK_5200} → 200, the id played back`, async () => {
    assertOk(await send('OB-400-TRA-105600', 'T1', '/transactions', { interactionId: PLAYBACK_5200 }), 'OBReadTransaction6');
  });

  test(`OB-400-TRA-105700 GET /accounts/foobar/transactions (not a consented account) with the reused x-fapi-interaction-id ${PLAYBACK_5200} → 400 or 403`, async () => {
    assertForbiddenOrBadRequest(await send('OB-400-TRA-105700', 'T2', '/accounts/foobar/transactions', { interactionId: PLAYBACK_5200 }));
  });

  test('not in the suite: GET /accounts/{AccountId}/transactions with a consent without a transaction window → 200, non-empty, OBReadTransaction6', async () => {
    const { accessToken } = await customerToken(server, partner, T1_PERMISSIONS, {
      username: 'alice',
      password: 'alice-sandbox-1',
      accountIds: [ACCOUNT],
    });
    const response = await partner.call(accessToken, 'GET', `${API}/accounts/${ACCOUNT}/transactions`);
    assert.equal(response.status, 200);
    assert.deepEqual(schemas.validateResponse('OBReadTransaction6', response.body), [], JSON.stringify(response.body));
    assert.ok(response.body.Data.Transaction.length > 0, 'the sandbox history is shown');
    assert.deepEqual(accountIds(response.body, 'Transaction'), [ACCOUNT]);
    // The sandbox history is dated relative to today, after the suite's TransactionToDateTime: that is why the
    // T1/T2 listings above may be empty, and T1's is.
    const windowEnd = Date.parse(TRANSACTION_TO);
    assert.ok(response.body.Data.Transaction.every((item: { BookingDateTime: string }) => Date.parse(item.BookingDateTime) > windowEnd));
    const clipped = await partner.call(tokens.T1 as string, 'GET', `${API}/accounts/${ACCOUNT}/transactions`);
    assert.equal(clipped.status, 200);
    assert.deepEqual(clipped.body.Data.Transaction, []);
  });
});
