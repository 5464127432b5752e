// Proves the events part of an app's portal page as a partner's browser meets it: the event subscription is set, changed and removed through the same rules and words as the event API; the app's newest events show what they report and every push attempt; "Resend" makes a failed event due again (attempts kept); "Send a test event" writes a real signed event that polling returns, about the app's newest account-access, payment or funds confirmation consent; and another partner can neither see nor touch any of it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { authorisePayment } from '../support/authorise-payment.js';
import { ACCOUNTS, consentRequest, paymentRequest, PISP, registerPaymentPartner, type PaymentPartner } from '../support/payment-partner.js';
import { csrfOf, PortalClient } from '../support/portal-client.js';
import type { EventDeliveryAttemptRow, EventNotificationRow } from '../../src/persistence/entities/event.entity.js';
import { registerFundsPartner } from '../support/funds-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const CALLBACK = 'https://partner.example/open-banking/v4.0/event-notifications';
const EVENTS = '/open-banking/v4.0/events';

describe('portal: app events', () => {
  let server: TestServer;
  let payer: PaymentPartner;
  let portal: PortalClient;
  let appPath: string;
  let paymentId: string;

  /** The app's outbox rows, newest first. */
  async function eventRows(): Promise<EventNotificationRow[]> {
    return server.database.dataSource
      .getRepository<EventNotificationRow>('EventNotification')
      .find({ where: { clientId: payer.clientId }, order: { sequence: 'DESC' } });
  }

  /** Changes an event's row directly, as the push worker would. */
  async function setEvent(jti: string | undefined, changes: Partial<EventNotificationRow>): Promise<void> {
    await server.database.dataSource.getRepository<EventNotificationRow>('EventNotification').update({ jti }, changes);
  }

  before(async () => {
    server = await startTestServer();
    payer = await registerPaymentPartner(server, 'Rent Runner');
    portal = await PortalClient.signedUp(server, 'Rent Runner Ltd', 'dev@rentrunner.example');
    await server.database.dataSource.query('UPDATE partner_user SET partner_id = ? WHERE email = ?', [payer.partnerId, 'dev@rentrunner.example']);
    appPath = `/portal/apps/${payer.clientId}`;
  });
  after(async () => server.close());

  test('an app without a subscription or events → the page says events wait for polling, and that none were raised yet', async () => {
    const page = await portal.get(appPath);
    assert.equal(page.status, 200);
    assert.match(page.html, /This app has no event subscription/);
    assert.match(page.html, /No events yet/);
  });

  test('subscribe with a callback URL and Resource-Update → saved and shown; change it to another URL and every type → shown changed', async () => {
    const created = await portal.submit(appPath, `${appPath}/event-subscription`, {
      callback_url: CALLBACK,
      event_types: ['UK.OBIE.Resource-Update'],
      version: '4.0',
    });
    assert.equal(created.status, 200, created.html.slice(0, 500));
    assert.match(created.html, /The event subscription is set/);
    assert.match(created.html, /<dt>Event types<\/dt><dd>Resource changed \(<span class="mono">UK\.OBIE\.Resource-Update<\/span>\)<\/dd>/);
    const changedUrl = 'https://hooks.partner.example/open-banking/v4.0/event-notifications';
    const changed = await portal.submit(appPath, `${appPath}/event-subscription`, { callback_url: changedUrl, version: '4.0' });
    assert.match(changed.html, /The event subscription is changed/);
    assert.match(changed.html, /<dt>Event types<\/dt><dd>Every type<\/dd>/);
    const rows: Array<{ callback_url: string }> = await server.database.dataSource.query(
      'SELECT callback_url FROM event_subscription WHERE client_id = ?',
      [payer.clientId],
    );
    assert.deepEqual(
      rows.map((row) => row.callback_url),
      [changedUrl],
    );
    assert.equal((await portal.submit(appPath, `${appPath}/event-subscription`, { callback_url: CALLBACK, version: '4.0' })).status, 200);
  });

  test('a callback URL over plain http, or not ending in the notifications path → 400 with the event API’s own words; nothing changes', async () => {
    const http = await portal.submit(appPath, `${appPath}/event-subscription`, {
      callback_url: 'http://partner.example/open-banking/v4.0/event-notifications',
      version: '4.0',
    });
    assert.equal(http.status, 400);
    assert.match(http.html, /Data\.CallbackUrl must use https \(or http:\/\/localhost and http:\/\/127\.0\.0\.1 in this sandbox\)/);
    assert.match(http.html, /value="http:\/\/partner\.example\/open-banking\/v4\.0\/event-notifications"/, 'the form keeps what was typed');
    const path = await portal.submit(appPath, `${appPath}/event-subscription`, { callback_url: 'https://partner.example/hooks', version: '4.0' });
    assert.match(path.html, /Data\.CallbackUrl must end with \/open-banking\/v4\.0\/event-notifications/);
    const version = await portal.submit(appPath, `${appPath}/event-subscription`, { callback_url: CALLBACK, version: '3.1' });
    assert.match(version.html, /Data\.Version must be 4\.0, the version this bank serves/);
    const rows: Array<{ callback_url: string }> = await server.database.dataSource.query(
      'SELECT callback_url FROM event_subscription WHERE client_id = ?',
      [payer.clientId],
    );
    assert.deepEqual(
      rows.map((row) => row.callback_url),
      [CALLBACK],
    );
  });

  test('a payment settled by the scheme → its event on the page: "Resource changed", the payment, waiting to be pushed; a push attempt shows status and latency', async () => {
    const request = consentRequest({ amount: '6.50', payee: ACCOUNTS.elsewhere, reference: 'PORTAL EVENTS' });
    const consentId = (await payer.createConsent(request)).body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, payer, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    const made = await payer.signedPost(accessToken, `${PISP}/domestic-payments`, paymentRequest(consentId, request));
    paymentId = made.body.Data.DomesticPaymentId as string;
    assert.deepEqual(await server.instance.jobs.settlePayments(new Date(Date.now() + 3_600_000)), { settled: 1, rejected: 0 });
    const [event] = await eventRows();
    assert.equal(event?.resourceId, paymentId);
    await server.database.dataSource.getRepository<EventDeliveryAttemptRow>('EventDeliveryAttempt').insert({
      jti: event?.jti ?? '',
      attempt: 1,
      attemptedAt: new Date(),
      callbackUrl: CALLBACK,
      httpStatus: 503,
      error: null,
      latencyMs: 120,
    });
    const page = await portal.get(appPath);
    const row = page.html.split(`id="event-${event?.jti}"`)[1]?.split('</tr>')[0] ?? '';
    assert.match(row, /Resource changed/);
    assert.match(row, new RegExp(`Payment<br><span class="mono">${paymentId}</span>`));
    assert.match(row, /Waiting to be pushed to your callback URL\./);
    assert.match(row, /HTTP 503, refused \(120 ms\)/);
    assert.doesNotMatch(row, /Resend/, 'only a failed event can be resent');
  });

  test('Resend on a failed event → pending again, due now, claim cleared, attempts kept; a second Resend → 400, it is no longer failed', async () => {
    const [event] = await eventRows();
    await setEvent(event?.jti, { pushState: 'failed', pushAttempts: 1, nextPushAt: null, claimedUntil: new Date(Date.now() + 60_000) });
    const page = await portal.get(appPath);
    assert.match(page.html, /Not delivered: every retry failed/);
    const before = Date.now();
    const resent = await portal.post(`${appPath}/events/resend`, { csrf: csrfOf(page.html, `${appPath}/events/resend`), jti: event?.jti ?? '' });
    assert.equal(resent.status, 200, resent.html.slice(0, 500));
    assert.match(resent.html, /The event is due to be pushed again now/);
    const [after] = await eventRows();
    assert.equal(after?.pushState, 'pending');
    assert.equal(after?.pushAttempts, 1);
    assert.equal(after?.claimedUntil, null);
    assert.ok((after?.nextPushAt?.getTime() ?? 0) >= before - 1_000, 'due now');
    const again = await portal.post(`${appPath}/events/resend`, { csrf: csrfOf(page.html, `${appPath}/events/resend`), jti: event?.jti ?? '' });
    assert.equal(again.status, 400);
    assert.match(again.html, /Only an event whose push failed can be sent again/);
  });

  test("Send a test event → a signed resource-update about the app's newest consent, in the list and returned by polling", async () => {
    const consents: Array<{ id: string }> = await server.database.dataSource.query(
      'SELECT id FROM consent WHERE client_id = ? ORDER BY created_at DESC, id DESC LIMIT 1',
      [payer.clientId],
    );
    const newest = consents[0]?.id as string;
    const sent = await portal.submit(appPath, `${appPath}/test-event`, {});
    assert.equal(sent.status, 200, sent.html.slice(0, 500));
    assert.match(sent.html, /A test event is written/);
    const [event] = await eventRows();
    assert.equal(event?.resourceType, 'domestic-payment-consent');
    assert.equal(event?.resourceId, newest);
    assert.equal(event?.pushState, 'pending');
    assert.match(sent.html, new RegExp(`Payment consent<br><span class="mono">${newest}</span>`));
    const polled = await payer.call(await payer.paymentsToken(), 'POST', EVENTS, {
      body: JSON.stringify({ returnImmediately: true, maxEvents: 100 }),
      unsignedResponse: true,
    });
    const token = (polled.body.sets as Record<string, string>)[event?.jti ?? ''];
    assert.ok(token, 'polling returns the test event');
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL('/jwks', server.issuer)), {
      issuer: server.issuer,
      audience: payer.clientId,
      typ: 'secevent+jwt',
    });
    assert.deepEqual(Object.keys(payload.events as object), ['urn:uk:org:openbanking:events:resource-update']);
  });

  test('another partner → the app page is not found, and its forms (resend, subscription, test event) change nothing', async () => {
    const [event] = await eventRows();
    await setEvent(event?.jti, { pushState: 'failed' });
    const other = await PortalClient.signedUp(server, 'Nosy Ltd', 'dev@nosy.example');
    const seen = await other.get(appPath);
    assert.equal(seen.status, 404);
    assert.doesNotMatch(seen.html, new RegExp(event?.jti ?? 'evt_'));
    const csrf = csrfOf((await other.get('/portal')).html, '/portal/logout');
    const resend = await other.post(`${appPath}/events/resend`, { csrf, jti: event?.jti ?? '' });
    assert.equal(resend.status, 404);
    const subscribe = await other.post(`${appPath}/event-subscription`, {
      csrf,
      callback_url: 'https://nosy.example/open-banking/v4.0/event-notifications',
      version: '4.0',
    });
    assert.equal(subscribe.status, 404);
    assert.equal((await other.post(`${appPath}/test-event`, { csrf })).status, 404);
    const remove = await other.post(`${appPath}/event-subscription/delete`, { csrf, subscription_id: 'evs_x' });
    assert.equal(remove.status, 404);
    const [after] = await eventRows();
    assert.equal(after?.pushState, 'failed');
    const rows: Array<{ callback_url: string }> = await server.database.dataSource.query(
      'SELECT callback_url FROM event_subscription WHERE client_id = ?',
      [payer.clientId],
    );
    assert.deepEqual(
      rows.map((row) => row.callback_url),
      [CALLBACK],
    );
  });

  test('an app with no consent → "Send a test event" is refused in plain words, no event written', async () => {
    const other = await PortalClient.signedUp(server, 'Fresh Ltd', 'dev@fresh.example');
    const fresh = await registerPaymentPartner(server, 'Fresh');
    await server.database.dataSource.query('UPDATE partner_user SET partner_id = ? WHERE email = ?', [fresh.partnerId, 'dev@fresh.example']);
    const path = `/portal/apps/${fresh.clientId}`;
    const refused = await other.submit(path, `${path}/test-event`, {});
    assert.equal(refused.status, 400);
    assert.match(refused.html, /This app has no consent yet/);
    const [count] = await server.database.dataSource.query('SELECT COUNT(*) AS n FROM event_notification WHERE client_id = ?', [fresh.clientId]);
    assert.equal(Number(count.n), 0);
  });

  test("a card issuer's app whose newest consent is a funds confirmation consent → the test event is about that consent, named on the page", async () => {
    const issuerPortal = await PortalClient.signedUp(server, 'Tap Card Ltd', 'dev@tapcard.example');
    const issuer = await registerFundsPartner(server, 'Tap Card');
    await server.database.dataSource.query(
      'UPDATE partner_user SET partner_id = (SELECT partner_id FROM software WHERE client_id = ?) WHERE email = ?',
      [issuer.clientId, 'dev@tapcard.example'],
    );
    const consentId = await issuer.createFundsConsent();
    const path = `/portal/apps/${issuer.clientId}`;
    const sent = await issuerPortal.submit(path, `${path}/test-event`, {});
    assert.equal(sent.status, 200, sent.html.slice(0, 500));
    const [event] = await server.database.dataSource
      .getRepository<EventNotificationRow>('EventNotification')
      .find({ where: { clientId: issuer.clientId }, order: { sequence: 'DESC' } });
    assert.equal(event?.resourceType, 'funds-confirmation-consent');
    assert.equal(event?.resourceId, consentId);
    assert.match(sent.html, new RegExp(`Funds confirmation consent<br><span class="mono">${consentId}</span>`));
  });

  test('remove the subscription → gone; the events already raised stay on the page', async () => {
    const removed = await portal.submit(appPath, `${appPath}/event-subscription/delete`, {
      subscription_id: /<dt>Subscription id<\/dt><dd class="mono">([^<]+)</.exec((await portal.get(appPath)).html)?.[1] ?? '',
    });
    assert.equal(removed.status, 200, removed.html.slice(0, 500));
    assert.match(removed.html, /The event subscription is removed/);
    assert.match(removed.html, /This app has no event subscription/);
    assert.match(removed.html, new RegExp(paymentId));
  });
});
