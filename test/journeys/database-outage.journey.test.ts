// Proves what partners and load balancers see while the database is down and after it comes back, without a restart: the resource API answers 503 U000 with Retry-After and a schema-valid (and, for payments, signed) OBErrorResponse1, the token endpoint, PAR and Dynamic Client Registration 503 temporarily_unavailable, the customer and partner log-in pages a 503 page, /health/live 200 and /health/ready 503; once the database is back, /health/ready 200 and the payment retried with its idempotency key is made exactly once. On MariaDB the outage is a TCP proxy that drops its connections and refuses new ones, then one that holds them open and lets nothing through (the statement timeout turns the wait into a 503); on SQLite another connection holds the write lock past the busy timeout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import * as client from 'openid-client';
import type { DatabaseConfig } from '../../src/config/database-config.js';
import { bookedBalance } from '../support/account-balances.js';
import { customerToken } from '../support/authorise.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { csrfOf, PortalClient } from '../support/portal-client.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import { API, type ApiResponse } from '../support/partner.js';
import {
  ACCOUNTS,
  consentRequest,
  paymentRequest,
  PISP,
  registerPaymentPartner,
  type PaymentPartner,
  type PisResponse,
} from '../support/payment-partner.js';
import { callRegistration, issueOwnStatement, registerPortalSoftware } from '../support/software-statements.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** How long the app's SQLite connection waits for the other connection's lock (the default 10 s would only slow the test). */
const BUSY_TIMEOUT_MS = 200;
const IDEMPOTENCY_KEY = 'outage-payment-1';
/** MySQL: how long the app's statements may take (serve sets 10 s; a short one keeps the test fast). */
const STATEMENT_TIMEOUT_MS = 1_500;

/** Takes the database away and gives it back: the proxy cut on MariaDB, a held write lock on SQLite. */
interface Outage {
  begin(): Promise<void>;
  end(): Promise<void>;
  close(): Promise<void>;
}

/** The resource API's outage answer: 503, `Retry-After: 5`, one U000 error (the body's schema is checked on every call). */
function assertUnavailable(response: ApiResponse): void {
  assert.equal(response.status, 503, JSON.stringify(response.body));
  assert.equal(response.headers.get('retry-after'), '5');
  assert.equal(response.body.Code, '503 ServiceUnavailable');
  assert.deepEqual(
    response.body.Errors.map((error: { ErrorCode: string }) => error.ErrorCode),
    ['U000'],
  );
  assert.match(response.body.Errors[0].Message, /retry after 5 seconds/);
}

/**
 * The authorization server's outage answer, as openid-client (a certified relying party) reports it: a 5xx is not a
 * conform response, so it gives the response itself, whose status, `Retry-After` and body the client reads.
 */
async function assertTemporarilyUnavailable(call: Promise<unknown>): Promise<void> {
  const refusal = await call.then(
    () => assert.fail('the authorization server answered as usual'),
    (error: unknown) => error,
  );
  assert.ok(refusal instanceof client.ClientError && refusal.cause instanceof Response, String(refusal));
  const response = refusal.cause;
  assert.equal(response.status, 503);
  assert.equal(response.headers.get('retry-after'), '5');
  assert.deepEqual(await response.json(), {
    error: 'temporarily_unavailable',
    error_description: 'the service is briefly unavailable; retry after 5 seconds',
  });
}

describe('a database outage', () => {
  let proxy: TcpProxy | null = null;
  let server: TestServer;
  let outage: Outage;
  let partner: PaymentPartner;
  let consentId: string;
  let request: ReturnType<typeof consentRequest>;
  let paymentToken: string;
  let aliceAis: string;
  let aliceBefore: bigint;
  let statement: string;

  before(async () => {
    const mysqlUrl = process.env.TEST_DATABASE_URL;
    if (mysqlUrl) {
      const target = new URL(mysqlUrl);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 3306) });
    }
    const port = proxy?.port;
    const via = (config: DatabaseConfig): DatabaseConfig => {
      if (config.kind !== 'mysql' || port === undefined) return config;
      const url = new URL(config.url);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return { ...config, url: url.href };
    };
    // One-time values in the database, so that every call of every surface reaches it: in memory or Redis, a read or
    // a token request needs no write, and SQLite's outage here (a held write lock) would not stop them.
    server = await startTestServer({
      env: { REPLAY_STORE: 'database' },
      database: { via, busyTimeoutMs: BUSY_TIMEOUT_MS, statementTimeoutMs: STATEMENT_TIMEOUT_MS },
    });
    outage = proxy ? proxyOutage(proxy) : sqliteOutage(server.testDatabase.config);

    partner = await registerPaymentPartner(server);
    request = consentRequest({ amount: '10.00', payee: ACCOUNTS.bobCurrent });
    const created = await partner.createConsent(request);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    consentId = created.body.Data.ConsentId as string;
    paymentToken = (await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' })).accessToken;
    aliceAis = (
      await customerToken(server, partner.ais, ['ReadAccountsBasic'], {
        username: 'alice',
        password: 'alice-sandbox-1',
        accountIds: ['acc_alice_current'],
      })
    ).accessToken;
    aliceBefore = await bookedBalance(server.database.dataSource, 'acc_alice_current');
    await PortalClient.signedUp(server, 'Outage Ltd', 'ops@outage.example');
    statement = await issueOwnStatement(server, (await registerPortalSoftware(server)).app.clientId);
  });
  after(async () => {
    await outage?.close();
    await server?.close();
    await proxy?.close();
  });

  const pay = (): Promise<PisResponse> =>
    partner.signedPost(paymentToken, `${PISP}/domestic-payments`, paymentRequest(consentId, request), { idempotencyKey: IDEMPOTENCY_KEY });

  describe('while the database is down', () => {
    before(() => outage.begin());
    after(() => outage.end());

    test('POST /domestic-payments → 503 U000 with Retry-After, an OBErrorResponse1 signed by the bank', async () => {
      assertUnavailable(await pay());
    });

    test('GET /accounts → 503 U000 with Retry-After, an OBErrorResponse1', async () => {
      assertUnavailable(await partner.ais.call(aliceAis, 'GET', `${API}/accounts`));
    });

    test('POST /token (client credentials) → 503 temporarily_unavailable with Retry-After', async () => {
      await assertTemporarilyUnavailable(partner.paymentsToken());
    });

    test('POST /request (PAR) → 503 temporarily_unavailable with Retry-After', async () => {
      await assertTemporarilyUnavailable(partner.pushAuthorizationRequest(consentId));
    });

    test('POST /register (Dynamic Client Registration) → 503 temporarily_unavailable with Retry-After, nothing registered', async () => {
      const answer = await callRegistration(server, 'POST', { body: { software_statement: statement } });
      assert.equal(answer.status, 503, JSON.stringify(answer.body));
      assert.equal(answer.headers.get('retry-after'), '5');
      assert.deepEqual(answer.body, {
        error: 'temporarily_unavailable',
        error_description: 'the service is briefly unavailable; retry after 5 seconds',
      });
    });

    test('a customer logging in to /account, a partner logging in to /portal → a 503 page saying to try again, with Retry-After', async () => {
      for (const [path, fields] of [
        ['/account', { username: 'bob', password: 'bob-sandbox-2' }],
        ['/portal/login', { email: 'ops@outage.example', password: 'a long sandbox password' }],
      ] as const) {
        const browser = new CustomerBrowser(server.issuer);
        const form = await browser.follow(path, 'never:');
        const action = path === '/account' ? '/account/login' : '/portal/login';
        const page = await browser.follow(action, 'never:', { form: { csrf: csrfOf(form.html, action), ...fields } });
        assert.equal(page.status, 503, `${action}: ${page.html.slice(page.html.indexOf('<main'), page.html.indexOf('<main') + 600)}`);
        assert.equal(page.response.headers.get('retry-after'), '5');
        assert.match(page.html, /<h1>Briefly unavailable<\/h1>/);
        assert.match(page.html, /The bank cannot answer for a moment\./);
      }
    });

    test('GET /health/live → 200 {"status":"live"}; GET /health/ready and GET /health → 503 JSON with the reason', async () => {
      const live = await fetch(`${server.issuer}/health/live`);
      assert.equal(live.status, 200);
      assert.deepEqual(await live.json(), { status: 'live' });
      for (const path of ['/health/ready', '/health']) {
        const ready = await fetch(`${server.issuer}${path}`);
        assert.equal(ready.status, 503, path);
        assert.match(ready.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal(ready.headers.get('cache-control'), 'no-store');
        assert.deepEqual(await ready.json(), { status: 'unavailable', reason: 'the database is unreachable' });
      }
    });
  });

  describe('once the database is back (no restart)', () => {
    test('GET /health/ready → 200 {"status":"ready"}', async () => {
      const ready = await fetch(`${server.issuer}/health/ready`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready' });
    });

    test('the payment retried with the same idempotency key → 201; again → the same payment; one payment, one debit, the ledger balanced', async () => {
      const first = await pay();
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const again = await pay();
      assert.equal(again.status, 201, JSON.stringify(again.body));
      assert.equal(again.body.Data.DomesticPaymentId, first.body.Data.DomesticPaymentId);
      const { dataSource } = server.database;
      const rows = await dataSource.query<Array<{ n: number | string }>>('SELECT COUNT(*) AS n FROM payment WHERE consent_id = ?', [consentId]);
      assert.equal(Number(rows[0]?.n), 1);
      assert.equal(await bookedBalance(dataSource, 'acc_alice_current'), aliceBefore - 1_000n);
      await assertLedgerInvariants(dataSource);
    });

    test('GET /accounts and a client-credentials token → 200 again', async () => {
      assert.ok(await partner.paymentsToken());
      assert.equal((await partner.ais.call(aliceAis, 'GET', `${API}/accounts`)).status, 200);
    });
  });

  describe('while the database stops answering, its connections warm in the pool (MariaDB: the proxy holds every connection open and lets nothing through)', () => {
    before(() => proxy?.freeze());
    after(() => proxy?.thaw());
    const onMariaDb = {
      skip: process.env.TEST_DATABASE_URL ? false : 'SQLite has no connection that can stop answering (its busy timeout covers a held lock)',
    };

    test('GET /accounts → 503 U000 with Retry-After once the statement timeout has passed, not a request that never ends', onMariaDb, async () => {
      const started = Date.now();
      assertUnavailable(await partner.ais.call(aliceAis, 'GET', `${API}/accounts`));
      assert.ok(Date.now() - started < 4 * STATEMENT_TIMEOUT_MS, `answered after ${Date.now() - started} ms`);
    });

    test('POST /domestic-payments → 503 U000 with Retry-After (a new idempotency key: nothing made)', onMariaDb, async () => {
      assertUnavailable(
        await partner.signedPost(paymentToken, `${PISP}/domestic-payments`, paymentRequest(consentId, request), {
          idempotencyKey: 'frozen-payment-1',
        }),
      );
    });

    test('POST /token (client credentials) → 503 temporarily_unavailable with Retry-After', onMariaDb, async () => {
      await assertTemporarilyUnavailable(partner.paymentsToken());
    });

    test('once it answers again → GET /accounts 200, without a restart', onMariaDb, async () => {
      proxy?.thaw();
      assert.equal((await partner.ais.call(aliceAis, 'GET', `${API}/accounts`)).status, 200);
    });
  });
});

/** MariaDB taken away: the proxy between the app and the server drops every connection and refuses new ones. */
function proxyOutage(proxy: TcpProxy): Outage {
  return { begin: () => proxy.cut(), end: () => proxy.restore(), close: async () => undefined };
}

/** SQLite taken away: another connection (another process, say) holds the write lock; the app's writes fail once their busy timeout has passed. */
function sqliteOutage(config: DatabaseConfig): Outage {
  if (config.kind !== 'sqlite') throw new Error('an SQLite outage needs an SQLite database');
  let holder: Sqlite.Database | null = null;
  const release = () => {
    holder?.exec('ROLLBACK');
    holder?.close();
    holder = null;
  };
  return {
    async begin() {
      holder = new Sqlite(config.file);
      holder.exec('BEGIN EXCLUSIVE');
    },
    async end() {
      release();
    },
    async close() {
      release();
    },
  };
}
