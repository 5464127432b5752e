// Proves that the bank behaves as one when it runs as three `openteller serve` processes started together on one MySQL
// (and one Redis, or none), behind a balancer that sends each request to the next process: a partner's consent,
// the customer's authorisation, the code exchange, reads, a payment and the customer's revocation complete and
// take effect as with one process, whichever process serves each step; a DPoP proof or a client assertion accepted by
// one process is refused by the next. The embedded database belongs to one process, so this runs on MySQL only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bookedBalance } from '../support/account-balances.js';
import { customerToken } from '../support/authorise.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { API, registerPartner } from '../support/partner.js';
import { ACCOUNTS, consentRequest, paymentRequest, PISP, registerPaymentPartner } from '../support/payment-partner.js';
import { csrfOf } from '../support/portal-client.js';
import { recording } from '../support/recording.js';
import { startServeProcesses, type ServeProcesses } from '../support/serve-processes.js';

const PROCESSES = 3;
const onMysql = Boolean(process.env.TEST_DATABASE_URL);
const REDIS = new URL(process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379');

const STORES: ReadonlyArray<[name: string, env: Record<string, string>]> = [
  ['one Redis (REDIS_URL)', { REDIS_URL: `redis://${REDIS.host}/10` }],
  ['no Redis (REPLAY_STORE=database)', { REPLAY_STORE: 'database' }],
];

for (const [name, env] of STORES) {
  describe(`three serve processes on one MySQL, ${name}`, { skip: onMysql ? false : 'the embedded database is served by one process' }, () => {
    let bank: ServeProcesses;

    before(async () => {
      bank = await startServeProcesses(PROCESSES, env);
    });
    after(async () => bank?.close());

    test("one partner's flows, each request to the next process → consent, authorisation, token, reads, payment and revocation as with one process", async () => {
      const partner = await registerPaymentPartner(bank);
      const { consentId, accessToken } = await customerToken(bank, partner.ais, ['ReadAccountsBasic', 'ReadBalances'], {
        username: 'alice',
        password: 'alice-sandbox-1',
        accountIds: ['acc_alice_current'],
      });
      for (let call = 0; call < PROCESSES; call += 1) {
        const balances = await partner.ais.call(accessToken, 'GET', `${API}/accounts/acc_alice_current/balances`);
        assert.equal(balances.status, 200);
      }

      const request = consentRequest({ amount: '12.34', payee: ACCOUNTS.bobCurrent });
      const created = await partner.createConsent(request);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const paymentConsentId = created.body.Data.ConsentId as string;
      const paymentToken = (await authorisePayment(bank, partner, paymentConsentId, { username: 'alice', debtorAccountId: 'acc_alice_current' }))
        .accessToken;
      const before = await bookedBalance(bank.database.dataSource, 'acc_alice_current');
      const pay = () =>
        partner.signedPost(paymentToken, `${PISP}/domestic-payments`, paymentRequest(paymentConsentId, request), {
          idempotencyKey: 'three-processes-1',
        });
      const paid = await pay();
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      const again = await pay();
      assert.equal(again.status, 201, 'the same idempotency key at the next process answers the same payment');
      assert.equal(again.body.Data.DomesticPaymentId, paid.body.Data.DomesticPaymentId);
      const second = await partner.signedPost(paymentToken, `${PISP}/domestic-payments`, paymentRequest(paymentConsentId, request), {
        idempotencyKey: 'three-processes-2',
      });
      assert.equal(second.status, 400, 'the consent was consumed by the first payment, whichever process made it');
      assert.equal((await bookedBalance(bank.database.dataSource, 'acc_alice_current')) - before, -1234n);

      const customer = new CustomerBrowser(bank.issuer);
      const form = await customer.follow('/account', 'never:');
      const home = await customer.follow('/account/login', 'never:', {
        form: { csrf: csrfOf(form.html, '/account/login'), username: 'alice', password: 'alice-sandbox-1' },
      });
      assert.match(home.html, /Your connected apps/);
      const revoked = await customer.follow(`/account/connections/${consentId}/revoke`, 'never:', {
        form: { csrf: csrfOf(home.html, '/account/logout') },
      });
      assert.ok(revoked.status < 400, revoked.html.slice(0, 300));
      for (let call = 0; call < PROCESSES; call += 1) {
        const refused = await partner.ais.call(accessToken, 'GET', `${API}/accounts/acc_alice_current/balances`);
        assert.equal(refused.status, 401, `call ${call + 1} after the revocation`);
      }
      assert.ok(
        bank.served.every((count) => count > 5),
        `every process served part of the flow: ${bank.served.join(', ')}`,
      );
    });

    test('a DPoP proof accepted by one process, presented to the next → 401 already used', async () => {
      const partner = await registerPartner(bank);
      const consentId = await partner.createConsent(['ReadAccountsBasic']);
      const token = await partner.clientCredentialsToken();
      const [read] = await recording(partner.config, () => partner.call(token, 'GET', `${API}/account-access-consents/${consentId}`));
      assert.ok(read);
      for (let replay = 1; replay < PROCESSES; replay += 1) {
        const refused = await fetch(read.url, { headers: read.init.headers });
        assert.equal(refused.status, 401);
        assert.match(((await refused.json()) as { Errors: Array<{ Message: string }> }).Errors[0]?.Message ?? '', /already used/);
      }
    });

    test('a client assertion and DPoP proof accepted at /token by one process, presented to the next → refused', async () => {
      const partner = await registerPartner(bank);
      const [tokenRequest] = await recording(partner.config, () => partner.clientCredentialsToken());
      assert.ok(tokenRequest);
      for (let replay = 1; replay < PROCESSES; replay += 1) {
        const refused = await fetch(tokenRequest.url, { method: 'POST', headers: tokenRequest.init.headers, body: tokenRequest.init.body });
        assert.ok(refused.status === 400 || refused.status === 401, `status ${refused.status}`);
        const body = (await refused.json()) as { error: string; error_description: string };
        assert.match(`${body.error}: ${body.error_description}`, /replay|only be used once|one-time|already used/i);
      }
    });
  });
}
