// Proves the event subscription resource as a partner sees it: one subscription per app (a second POST → 409 U029), signed requests and responses, GET/PUT/DELETE of the app's own subscription only, unknown event types → 400 U024, callback URLs that must be https (or loopback http in a loopback sandbox) and end with /open-banking/v4.0/event-notifications, and any of the accounts/payments scopes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertRefusal, registerPaymentPartner, type PaymentPartner } from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SUBSCRIPTIONS = '/open-banking/v4.0/event-subscriptions';
const CALLBACK = 'https://partner.example/hooks/open-banking/v4.0/event-notifications';

describe('event subscriptions', () => {
  let server: TestServer;
  let partner: PaymentPartner;
  let other: PaymentPartner;

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server, 'Event Listener');
    other = await registerPaymentPartner(server, 'Someone Else');
  });
  after(() => server.close());

  async function subscribe(who: PaymentPartner, data: Record<string, unknown>) {
    return who.signedPost(await who.paymentsToken(), SUBSCRIPTIONS, { Data: data }, { idempotencyKey: null });
  }

  async function put(who: PaymentPartner, id: string, data: Record<string, unknown>) {
    const body = JSON.stringify({ Data: { EventSubscriptionId: id, ...data } });
    const headers = { 'x-jws-signature': await who.sign(body) };
    return who.call(await who.paymentsToken(), 'PUT', `${SUBSCRIPTIONS}/${id}`, { body, headers });
  }

  test('the whole life of a subscription: POST → 201; POST again → 409 U029; GET → it; PUT → changed; DELETE → 204; GET → none; DELETE again → 400 U011', async () => {
    const created = await subscribe(partner, { CallbackUrl: CALLBACK, Version: '4.0', EventTypes: ['UK.OBIE.Resource-Update'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.Data.EventSubscriptionId as string;
    assert.match(id, /^evs_/);
    assert.deepEqual(created.body.Data, { EventSubscriptionId: id, CallbackUrl: CALLBACK, Version: '4.0', EventTypes: ['UK.OBIE.Resource-Update'] });
    assert.equal(created.body.Links.Self, `${server.issuer}${SUBSCRIPTIONS}/${id}`);

    assertRefusal(await subscribe(partner, { Version: '4.0' }), 409, 'U029');

    const token = await partner.paymentsToken();
    const listed = await partner.call(token, 'GET', SUBSCRIPTIONS);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.Data.EventSubscription, [created.body.Data]);

    const changed = await put(partner, id, { Version: '4.0' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(changed.body.Data, { EventSubscriptionId: id, Version: '4.0' }, 'PUT replaces: no callback URL and every event type now');

    assert.equal((await partner.call(token, 'DELETE', `${SUBSCRIPTIONS}/${id}`)).status, 204);
    assert.deepEqual((await partner.call(token, 'GET', SUBSCRIPTIONS)).body.Data.EventSubscription, []);
    assertRefusal(await partner.call(token, 'DELETE', `${SUBSCRIPTIONS}/${id}`), 400, 'U011');
  });

  test("another app's subscription → GET does not list it; PUT and DELETE of its id → 400 U011, and it is untouched", async () => {
    const mine = await subscribe(other, { Version: '4.0' });
    assert.equal(mine.status, 201);
    const id = mine.body.Data.EventSubscriptionId as string;
    const token = await partner.paymentsToken();
    assert.deepEqual((await partner.call(token, 'GET', SUBSCRIPTIONS)).body.Data.EventSubscription, []);
    assertRefusal(await put(partner, id, { Version: '4.0', CallbackUrl: CALLBACK }), 400, 'U011');
    assertRefusal(await partner.call(token, 'DELETE', `${SUBSCRIPTIONS}/${id}`), 400, 'U011');
    const still = await other.call(await other.paymentsToken(), 'GET', SUBSCRIPTIONS);
    assert.deepEqual(still.body.Data.EventSubscription, [mine.body.Data]);
    assert.equal((await other.call(await other.paymentsToken(), 'DELETE', `${SUBSCRIPTIONS}/${id}`)).status, 204);
  });

  test('PUT whose body names another subscription id → 400 U002 on Data.EventSubscriptionId', async () => {
    const id = (await subscribe(partner, { Version: '4.0' })).body.Data.EventSubscriptionId as string;
    const body = JSON.stringify({ Data: { EventSubscriptionId: 'evs_other', Version: '4.0' } });
    const response = await partner.call(await partner.paymentsToken(), 'PUT', `${SUBSCRIPTIONS}/${id}`, {
      body,
      headers: { 'x-jws-signature': await partner.sign(body) },
    });
    assertRefusal(response, 400, 'U002', 'Data.EventSubscriptionId');
    assert.equal((await partner.call(await partner.paymentsToken(), 'DELETE', `${SUBSCRIPTIONS}/${id}`)).status, 204);
  });

  test('an unknown event type → 400 U024 on Data.EventTypes, nothing created', async () => {
    assertRefusal(
      await subscribe(partner, { Version: '4.0', EventTypes: ['UK.OBIE.Resource-Update', 'UK.OBIE.Payment-Made'] }),
      400,
      'U024',
      'Data.EventTypes',
    );
    assert.deepEqual((await partner.call(await partner.paymentsToken(), 'GET', SUBSCRIPTIONS)).body.Data.EventSubscription, []);
  });

  test('callback URLs that are not https, do not end with /open-banking/v4.0/event-notifications, or carry credentials → 400 U002 on Data.CallbackUrl', async () => {
    for (const url of [
      'http://partner.example/open-banking/v4.0/event-notifications',
      'https://partner.example/webhooks',
      'https://partner.example/open-banking/v4.0/event-notifications?x=1',
      'https://user:secret@partner.example/open-banking/v4.0/event-notifications',
      'ftp://partner.example/open-banking/v4.0/event-notifications',
      `https://partner.example/${'a'.repeat(600)}/open-banking/v4.0/event-notifications`,
    ]) {
      assertRefusal(await subscribe(partner, { Version: '4.0', CallbackUrl: url }), 400, 'U002', 'Data.CallbackUrl');
    }
  });

  test('in this loopback sandbox, an http://127.0.0.1 callback → accepted', async () => {
    const created = await subscribe(partner, { Version: '4.0', CallbackUrl: 'http://127.0.0.1:4242/open-banking/v4.0/event-notifications' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(
      (await partner.call(await partner.paymentsToken(), 'DELETE', `${SUBSCRIPTIONS}/${created.body.Data.EventSubscriptionId}`)).status,
      204,
    );
  });

  test('a Version other than 4.0 → 400 U002 on Data.Version', async () => {
    assertRefusal(await subscribe(partner, { Version: '3.1' }), 400, 'U002', 'Data.Version');
  });

  test('POST without x-jws-signature → 400 U019; with a signature over another body → 400 U015', async () => {
    const token = await partner.paymentsToken();
    assertRefusal(
      await partner.signedPost(token, SUBSCRIPTIONS, { Data: { Version: '4.0' } }, { idempotencyKey: null, signature: null }),
      400,
      'U019',
    );
    const signature = await partner.sign(JSON.stringify({ Data: { Version: '4.0', CallbackUrl: CALLBACK } }));
    assertRefusal(await partner.signedPost(token, SUBSCRIPTIONS, { Data: { Version: '4.0' } }, { idempotencyKey: null, signature }), 400, 'U015');
  });

  test('a client credentials token with only the accounts scope → GET /event-subscriptions 200 (any of accounts, payments, fundsconfirmations will do)', async () => {
    const token = await partner.ais.clientCredentialsToken();
    const listed = await partner.call(token, 'GET', SUBSCRIPTIONS);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
  });
});
