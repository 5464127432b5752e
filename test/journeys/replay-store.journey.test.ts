// Proves that one-time values are shared by every process of the bank: of two instances on one database (each with its
// own connection pool, provider and replay store connection, as two processes behind a load balancer), the second
// refuses a DPoP proof or a client assertion the first accepted — with the replay store in the database
// (REPLAY_STORE=database) and in Redis (REDIS_URL). And that Redis lost after start-up answers a payment 503 U000 with
// Retry-After (signed, schema-valid), never a 500 nor a payment, while an account read goes on; the same payment
// retried once Redis is back is made exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bookedBalance } from '../support/account-balances.js';
import { customerToken } from '../support/authorise.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { API, registerPartner } from '../support/partner.js';
import { ACCOUNTS, consentRequest, paymentRequest, PISP, registerPaymentPartner } from '../support/payment-partner.js';
import { recording } from '../support/recording.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const REDIS = new URL(process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379');

const STORES: ReadonlyArray<[name: string, env: Record<string, string>]> = [
  ['the database (REPLAY_STORE=database)', { REPLAY_STORE: 'database' }],
  ['Redis (REDIS_URL)', { REDIS_URL: `redis://${REDIS.host}/8` }],
];

for (const [name, env] of STORES) {
  describe(`two processes, one-time values in ${name}`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer({ instances: 2, env });
    });
    after(async () => server.close());

    test('a DPoP proof accepted by one process, presented to the other → 401 already used', async () => {
      const partner = await registerPartner(server);
      const consentId = await partner.createConsent(['ReadAccountsBasic']);
      const token = await partner.clientCredentialsToken();
      const [read] = await recording(partner.config, () => partner.call(token, 'GET', `${API}/account-access-consents/${consentId}`));
      assert.ok(read);
      const replay = await fetch(read.url, { headers: read.init.headers });
      assert.equal(replay.status, 401);
      assert.match(((await replay.json()) as { Errors: Array<{ Message: string }> }).Errors[0]?.Message ?? '', /already used/);
    });

    test('a client assertion (and DPoP proof) accepted at /token by one process, presented to the other → refused', async () => {
      const partner = await registerPartner(server);
      const [tokenRequest] = await recording(partner.config, () => partner.clientCredentialsToken());
      assert.ok(tokenRequest);
      const replay = await fetch(tokenRequest.url, { method: 'POST', headers: tokenRequest.init.headers, body: tokenRequest.init.body });
      assert.ok(replay.status === 400 || replay.status === 401, `status ${replay.status}`);
      const body = (await replay.json()) as { error: string; error_description: string };
      assert.match(`${body.error}: ${body.error_description}`, /replay|only be used once|one-time/i);
    });
  });
}

describe('Redis lost after start-up', () => {
  let proxy: TcpProxy;
  let server: TestServer;

  before(async () => {
    proxy = await startTcpProxy({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
    server = await startTestServer({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}/8` } });
  });
  after(async () => {
    await server.close();
    await proxy.close();
  });

  test('POST /domestic-payments → 503 U000 with Retry-After, no payment; GET balances → 200; Redis back → the payment made once', async () => {
    const partner = await registerPaymentPartner(server);
    const request = consentRequest({ amount: '10.00', payee: ACCOUNTS.bobCurrent });
    const created = await partner.createConsent(request);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const consentId = created.body.Data.ConsentId as string;
    const paymentToken = (await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' }))
      .accessToken;
    const aliceAis = (
      await customerToken(server, partner.ais, ['ReadAccountsBasic', 'ReadBalances'], {
        username: 'alice',
        password: 'alice-sandbox-1',
        accountIds: ['acc_alice_current'],
      })
    ).accessToken;
    const before = await bookedBalance(server.database.dataSource, 'acc_alice_current');
    const pay = () =>
      partner.signedPost(paymentToken, `${PISP}/domestic-payments`, paymentRequest(consentId, request), { idempotencyKey: 'replay-outage-1' });

    await proxy.cut();
    const refused = await pay();
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.headers.get('retry-after'), '5');
    assert.deepEqual(
      refused.body.Errors.map((error: { ErrorCode: string }) => error.ErrorCode),
      ['U000'],
    );
    assert.equal(await bookedBalance(server.database.dataSource, 'acc_alice_current'), before, 'no money moved');
    const read = await partner.ais.call(aliceAis, 'GET', `${API}/accounts/acc_alice_current/balances`);
    assert.equal(read.status, 200, 'a read goes on, held to its proof iat window');

    await proxy.restore();
    let made = await pay();
    for (let attempt = 0; made.status === 503 && attempt < 50; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      made = await pay();
    }
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal((await pay()).body.Data.DomesticPaymentId, made.body.Data.DomesticPaymentId, 'the same key → the same payment');
    assert.equal(await bookedBalance(server.database.dataSource, 'acc_alice_current'), before - 1_000n);
  });
});
