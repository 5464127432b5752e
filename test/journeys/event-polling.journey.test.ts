// Proves aggregated polling (POST /open-banking/v4.0/events, RFC 8936) as a partner sees it, with events raised by real state changes (payments to other banks settled and rejected by the sandbox scheme): each SET verifies against the bank's /jwks and names the payment; maxEvents and moreAvailable; ack removes an event for good; setErrs keeps it offered; maxEvents 0 only acknowledges; another app never sees them; a long poll returns as soon as an event commits; bad input → 400 with an OBIE body.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { authorisePayment } from '../support/authorise-payment.js';
import {
  ACCOUNTS,
  assertRefusal,
  consentRequest,
  paymentRequest,
  PISP,
  registerPaymentPartner,
  type PaymentPartner,
} from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const EVENTS = '/open-banking/v4.0/events';
const RESOURCE_UPDATE = 'urn:uk:org:openbanking:events:resource-update';

describe('event polling', () => {
  let server: TestServer;
  let partner: PaymentPartner;
  let other: PaymentPartner;
  /** The payments made, in order: their ids. */
  const payments: string[] = [];

  /** A payment from alice to a payee elsewhere, left ACSP until the scheme settles it. */
  async function pay(payee: (typeof ACCOUNTS)[keyof typeof ACCOUNTS], amount: string): Promise<string> {
    const request = consentRequest({ amount, payee });
    const consentId = (await partner.createConsent(request)).body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    const made = await partner.signedPost(accessToken, `${PISP}/domestic-payments`, paymentRequest(consentId, request));
    assert.equal(made.body.Data.Status, 'ACSP');
    return made.body.Data.DomesticPaymentId as string;
  }

  async function poll(body: unknown, who = partner) {
    return who.call(await who.paymentsToken(), 'POST', EVENTS, { body: JSON.stringify(body), unsignedResponse: true });
  }

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server, 'Poller');
    other = await registerPaymentPartner(server, 'Bystander');
    payments.push(await pay(ACCOUNTS.elsewhere, '3.00'), await pay(ACCOUNTS.closedElsewhere, '4.00'), await pay(ACCOUNTS.elsewhere, '5.00'));
    assert.deepEqual(await server.instance.jobs.settlePayments(new Date(Date.now() + 3_600_000)), { settled: 2, rejected: 1 });
  });
  after(() => server.close());

  test('poll with returnImmediately → the three payment updates, oldest first, each a SET signed by the bank (PS256, key from /jwks) naming its payment', async () => {
    const response = await poll({ returnImmediately: true });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.moreAvailable, false);
    const keys = createRemoteJWKSet(new URL('/jwks', server.issuer));
    const subjects: string[] = [];
    for (const [jti, set] of Object.entries(response.body.sets as Record<string, string>)) {
      const { payload, protectedHeader } = await jwtVerify(set, keys, { issuer: server.issuer, audience: partner.clientId, typ: 'secevent+jwt' });
      assert.equal(protectedHeader.alg, 'PS256');
      assert.equal(payload.jti, jti);
      const events = payload.events as Record<string, { subject: Record<string, unknown> }>;
      const subject = events[RESOURCE_UPDATE]?.subject ?? {};
      assert.equal(subject['http://openbanking.org.uk/rty'], 'domestic-payment');
      assert.equal(payload.sub, `${server.issuer}${PISP}/domestic-payments/${String(subject['http://openbanking.org.uk/rid'])}`);
      subjects.push(String(subject['http://openbanking.org.uk/rid']));
    }
    assert.deepEqual(subjects, payments);
  });

  test('maxEvents 1 → one event and moreAvailable; the next poll without ack → the same event again', async () => {
    const first = await poll({ maxEvents: 1, returnImmediately: true });
    assert.equal(first.body.moreAvailable, true);
    assert.equal(Object.keys(first.body.sets).length, 1);
    const again = await poll({ maxEvents: 1, returnImmediately: true });
    assert.deepEqual(Object.keys(again.body.sets), Object.keys(first.body.sets));
  });

  test('setErrs on an event → it is still offered; ack on it → never offered again; maxEvents 0 with ack → only acknowledges', async () => {
    const [firstJti, secondJti] = Object.keys((await poll({ returnImmediately: true })).body.sets as Record<string, string>);
    assert.ok(firstJti && secondJti);
    const errored = await poll({ returnImmediately: true, setErrs: { [firstJti]: { err: 'invalid_key', description: 'we rotated keys' } } });
    assert.ok(firstJti in errored.body.sets);
    const acknowledged = await poll({ returnImmediately: true, ack: [firstJti] });
    assert.equal(firstJti in acknowledged.body.sets, false);
    assert.equal(Object.keys(acknowledged.body.sets).length, 2);
    const onlyAck = await poll({ maxEvents: 0, ack: [secondJti] });
    assert.deepEqual(onlyAck.body, { moreAvailable: false, sets: {} });
    assert.deepEqual(Object.keys((await poll({ returnImmediately: true })).body.sets).length, 1);
  });

  test("another app polls, acknowledging this app's event ids → sees nothing, and this app's events stay unacknowledged", async () => {
    const mine = Object.keys((await poll({ returnImmediately: true })).body.sets as Record<string, string>);
    const theirs = await poll({ returnImmediately: true, ack: mine }, other);
    assert.deepEqual(theirs.body, { moreAvailable: false, sets: {} });
    assert.deepEqual(Object.keys((await poll({ returnImmediately: true })).body.sets), mine);
  });

  test('a long poll with nothing waiting → returns as soon as a payment settles, with its event', async () => {
    const waiting = Object.keys((await poll({ returnImmediately: true })).body.sets as Record<string, string>);
    await poll({ maxEvents: 0, ack: waiting });
    const paymentId = await pay(ACCOUNTS.elsewhere, '6.00');
    const [answer] = await Promise.all([
      poll({ returnImmediately: false }),
      new Promise((resolve) => setTimeout(resolve, 600)).then(() => server.instance.jobs.settlePayments(new Date(Date.now() + 3_600_000))),
    ]);
    const sets = Object.values(answer.body.sets as Record<string, string>);
    assert.equal(sets.length, 1);
    assert.match(JSON.stringify(JSON.parse(Buffer.from(String(sets[0]).split('.')[1] ?? '', 'base64url').toString())), new RegExp(paymentId));
  });

  test('a long poll with nothing arriving → answers with no events once the wait (2 s on the test server) is over', async () => {
    const started = Date.now();
    const answer = await poll({
      returnImmediately: false,
      ack: Object.keys((await poll({ returnImmediately: true })).body.sets as Record<string, string>),
    });
    assert.deepEqual(answer.body, { moreAvailable: false, sets: {} });
    assert.ok(Date.now() - started >= 1_900, `answered after ${Date.now() - started} ms`);
  });

  test('bad polls → 400 with an OBIE body: negative maxEvents (U002 on maxEvents), an unregistered error code (U002 on setErrs.<jti>.err), an unknown member (U002)', async () => {
    assertRefusal(await poll({ maxEvents: -1 }), 400, 'U002', 'maxEvents');
    assertRefusal(await poll({ setErrs: { evt_x: { err: 'bad_mood', description: 'no' } } }), 400, 'U002', 'setErrs.evt_x.err');
    const unknown = await poll({ maxEvents: 1, surprise: true });
    assert.equal(unknown.status, 400);
  });
});
