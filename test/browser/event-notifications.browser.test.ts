// Proves event notifications end to end as a partner receives them, with a real receiving HTTP server: the app subscribes; a customer, in Chromium, stops sharing one account and then revokes the consent; a payment to another bank settles and another is rejected by the scheme — and the receiver gets exactly one push for each (POST, application/jwt, an x-fapi-interaction-id), each a SET it verifies with jose against the bank's /jwks (PS256, typ secevent+jwt, iss, aud = its client id) whose claims are all as the data dictionary says, and answers 202.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { SchemaRegistry } from '../../src/validation/schema-registry.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { browserSuite, logInWithKeyboard } from '../support/browser-suite.js';
import { API, REDIRECT_URI } from '../support/partner.js';
import { ACCOUNTS, consentRequest, paymentRequest, PISP, registerPaymentPartner, type PaymentPartner } from '../support/payment-partner.js';
import type { TestServer } from '../support/test-server.js';

const CALLBACK_PATH = '/open-banking/v4.0/event-notifications';
const URN = 'urn:uk:org:openbanking:events:';

/** One push the receiver got. */
interface Received {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly interactionId: string | undefined;
  readonly body: string;
}

describe('event notifications pushed to a real receiver', () => {
  const suite = browserSuite();
  let server: TestServer;
  let partner: PaymentPartner;
  let receiver: Server;
  const received: Received[] = [];

  before(async () => {
    server = suite.server;
    partner = await registerPaymentPartner(server, 'Listening Ledger');
    receiver = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const interactionId = request.headers['x-fapi-interaction-id'];
        received.push({
          method: request.method ?? '',
          path: request.url ?? '',
          contentType: request.headers['content-type'],
          interactionId: String(interactionId),
          body,
        });
        response.writeHead(202, { 'x-fapi-interaction-id': String(interactionId) }).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    const subscribed = await partner.signedPost(
      await partner.paymentsToken(),
      '/open-banking/v4.0/event-subscriptions',
      { Data: { Version: '4.0', CallbackUrl: `http://127.0.0.1:${port}${CALLBACK_PATH}` } },
      { idempotencyKey: null },
    );
    assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body));
  });
  after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  /** Runs the delivery worker at the clock of the settlement below (an hour ahead) until the receiver holds `count` pushes (or 20 s pass). */
  async function deliveredAtLeast(count: number): Promise<void> {
    const until = Date.now() + 20_000;
    while (received.length < count && Date.now() < until) {
      await server.instance.jobs.deliverEvents(new Date(Date.now() + 3_600_000));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(received.length >= count, `${received.length} of ${count} events arrived`);
  }

  async function pay(payee: (typeof ACCOUNTS)[keyof typeof ACCOUNTS], amount: string): Promise<string> {
    const request = consentRequest({ amount, payee });
    const consentId = (await partner.createConsent(request)).body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    const made = await partner.signedPost(accessToken, `${PISP}/domestic-payments`, paymentRequest(consentId, request));
    assert.equal(made.body.Data.Status, 'ACSP');
    return made.body.Data.DomesticPaymentId as string;
  }

  test('stop sharing an account and revoke in the browser, one payment settled and one rejected → four pushes, each a verified SET about the right resource', async () => {
    const startedAt = Date.now();
    let consentId = '';
    await suite.withPage('event-notifications', async (page, callbacks, cspViolations) => {
      consentId = await partner.ais.createConsent(['ReadAccountsDetail', 'ReadBalances']);
      const start = await partner.ais.pushAuthorizationRequest(consentId);
      await page.goto(start.url.href);
      await logInWithKeyboard(page, 'bob', 'bob-sandbox-2');
      await page.getByRole('checkbox', { name: /^Current —/ }).check();
      await page.getByRole('checkbox', { name: /^Patel Plumbing —/ }).check();
      await page.getByRole('button', { name: /Approve/ }).click();
      await page.waitForURL(`${REDIRECT_URI}**`);
      await partner.ais.exchangeCode(callbacks.at(-1) as URL, start);
      await page.goto(`${server.issuer}/account`);
      await logInWithKeyboard(page, 'bob', 'bob-sandbox-2');
      await page.getByRole('button', { name: /Stop sharing Patel Plumbing .* with Listening Ledger/ }).click();
      await page.waitForURL(/notice=account-removed/);
      await page.getByRole('button', { name: 'Revoke access for Listening Ledger' }).click();
      await page.waitForURL(/notice=revoked/);
      assert.deepEqual(cspViolations, []);
    });
    const settled = await pay(ACCOUNTS.elsewhere, '12.00');
    const rejected = await pay(ACCOUNTS.closedElsewhere, '13.00');
    assert.deepEqual(await server.instance.jobs.settlePayments(new Date(Date.now() + 3_600_000)), { settled: 1, rejected: 1 });
    await deliveredAtLeast(4);

    const keys = createRemoteJWKSet(new URL('/jwks', server.issuer));
    const schemas = SchemaRegistry.load();
    const verified: JWTPayload[] = [];
    for (const push of received) {
      assert.equal(push.method, 'POST');
      assert.equal(push.path, CALLBACK_PATH);
      assert.equal(push.contentType, 'application/jwt');
      assert.match(push.interactionId ?? '', /^[0-9a-f-]{36}$/);
      const { payload, protectedHeader } = await jwtVerify(push.body, keys, {
        issuer: server.issuer,
        audience: partner.clientId,
        typ: 'secevent+jwt',
        algorithms: ['PS256'],
      });
      assert.equal(typeof protectedHeader.kid, 'string');
      assert.deepEqual(schemas.validateResponse('OBEventNotification2', payload), []);
      assert.ok(
        typeof payload.iat === 'number' && typeof payload.toe === 'number' && payload.toe <= payload.iat,
        'signed when (or after) it happened',
      );
      assert.ok(payload.toe >= startedAt / 1000 - 1, 'the time of the event is during this test (the settlement runs an hour ahead)');
      assert.equal(typeof payload.txn, 'string');
      verified.push(payload);
    }
    assert.equal(new Set(verified.map((payload) => payload.jti)).size, verified.length, 'each event pushed once');
    const summary = verified.map((payload) => {
      const events = payload.events as Record<string, { subject: Record<string, unknown>; reason?: string }>;
      const [type = ''] = Object.keys(events);
      const subject = events[type]?.subject ?? {};
      assert.equal(payload.sub, (subject['http://openbanking.org.uk/rlk'] as Array<{ link: string }>)[0]?.link);
      return `${type.replace(URN, '')} ${String(subject['http://openbanking.org.uk/rty'])} ${String(subject['http://openbanking.org.uk/rid'])}`;
    });
    assert.deepEqual(
      summary.sort(),
      [
        `account-access-consent-linked-account-update account-access-consent ${consentId}`,
        `consent-authorization-revoked account-access-consent ${consentId}`,
        `resource-update domestic-payment ${rejected}`,
        `resource-update domestic-payment ${settled}`,
      ].sort(),
    );
    const consent = verified.find((payload) => JSON.stringify(payload.events).includes('consent-authorization-revoked'));
    assert.equal(consent?.sub, `${server.issuer}${API}/account-access-consents/${consentId}`);
    const payment = await partner.call(await partner.paymentsToken(), 'GET', `${PISP}/domestic-payments/${rejected}`);
    assert.equal(payment.body.Data.Status, 'RJCT', 'the resource the event names shows the change');
  });
});
