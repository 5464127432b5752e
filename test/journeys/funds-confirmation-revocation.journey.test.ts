// Proves that a customer controls the funds checks they allowed, from their connected apps (/account): a card issuer's
// consent in force is listed with the app, the account and every check it made with the answer it got (the confirmation
// of funds access history); revoking it ends it at once (CANC TKSP): the card issuer's
// very next confirmation is refused (U009) and its refresh token too, the card issuer receives one event notification
// carrying resource-update and consent-authorization-revoked about the consent, and the customer is mailed; the
// consent then shows in the history. Another customer cannot revoke it, and a consent that ended cannot be revoked.
// One that reaches its ExpirationDateTime is ended by the expiry job though nobody reads it (EXPD TKXP): the card issuer
// hears resource-update, the customer is mailed and sees it in the history.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { EventType } from '../../src/domain/events/event-types.js';
import type { ConsentRow } from '../../src/persistence/entities/consent.entity.js';
import { bankEvents, type BankEvents } from '../support/bank-events.js';
import { CustomerBrowser, type Page } from '../support/customer-browser.js';
import { authoriseFundsConsent, FUNDS_CONSENTS, registerFundsPartner, type FundsPartner } from '../support/funds-partner.js';
import { csrfOf } from '../support/portal-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('funds confirmation consents in connected apps', () => {
  let server: TestServer;
  let issuer: FundsPartner;
  let events: BankEvents;

  before(async () => {
    server = await startTestServer();
    issuer = await registerFundsPartner(server, 'Tap Card');
    events = await bankEvents(server.config, server.database);
    await events.subscribe(issuer.clientId, null);
  });
  after(async () => server.close());

  /** A customer's browser logged in to /account. */
  async function loggedIn(username: string, password: string): Promise<CustomerBrowser> {
    const browser = new CustomerBrowser(server.issuer);
    const form = await browser.follow('/account', 'never:');
    const page = await browser.follow('/account/login', 'never:', { form: { csrf: csrfOf(form.html, '/account/login'), username, password } });
    assert.equal(page.status, 200, page.html.slice(0, 300));
    return browser;
  }

  /** The action of the form on the connected apps page that acts on `consentId`. */
  function revokeAction(page: Page, consentId: string): string {
    const action = new RegExp(`action="(/account/[^"]*${consentId}[^"]*)"`).exec(page.html)?.[1];
    assert.ok(action, `a form acting on ${consentId} on the page`);
    return action;
  }

  /** Submits `action` with the page's anti-forgery token. */
  async function submit(browser: CustomerBrowser, action: string): Promise<Page> {
    const page = await browser.follow('/account', 'never:');
    return browser.follow(action, 'never:', { form: { csrf: csrfOf(page.html, '/account/logout') } });
  }

  async function consentStatus(consentId: string): Promise<{ Status: string; StatusReason?: Array<{ StatusReasonCode: string }> }> {
    return (await issuer.call(await issuer.clientCredentialsToken(), 'GET', `${FUNDS_CONSENTS}/${consentId}`)).body.Data;
  }

  async function mailToAlice(about: string): Promise<Array<{ subject: string; text: string }>> {
    const rows: Array<{ subject: string; text: string }> = await server.database.dataSource.query(
      `SELECT m.subject, m.text FROM outbound_mail m JOIN customer c ON c.email = m.recipient WHERE c.id = 'cus_sandbox_alice' ORDER BY m.created_at`,
    );
    return rows.filter((row) => row.subject.includes(about));
  }

  test('a consent in force → listed with the card issuer and the account; revoked → CANC TKSP, U009 at once, refresh refused, one event with both types, one mail, then in the history', async () => {
    const consentId = await issuer.createFundsConsent();
    const tokens = await authoriseFundsConsent(server, issuer, consentId);
    assert.equal((await issuer.confirmFunds(tokens.access_token, consentId, '1.00')).status, 201);
    const eventsBefore = (await events.eventsOf(issuer.clientId)).length;

    const alice = await loggedIn('alice', 'alice-sandbox-1');
    const listed = await alice.follow('/account', 'never:');
    assert.match(listed.html, /Tap Card/);
    assert.match(listed.html, /6819/, 'the account, by the last digits of its number');
    const done = await submit(alice, revokeAction(listed, consentId));
    assert.equal(done.status, 200, done.html.slice(0, 300));

    const status = await consentStatus(consentId);
    assert.equal(status.Status, 'CANC');
    assert.equal(status.StatusReason?.[0]?.StatusReasonCode, 'TKSP');
    const refused = await issuer.confirmFunds(tokens.access_token, consentId, '1.00');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.Errors[0].ErrorCode, 'U009');
    await assert.rejects(
      client.refreshTokenGrant(issuer.config, tokens.refresh_token as string, undefined, { DPoP: issuer.dpop }),
      (error: client.ResponseBodyError) => error.error === 'invalid_grant',
    );

    const raised = (await events.eventsOf(issuer.clientId)).slice(eventsBefore);
    assert.equal(raised.length, 1, 'one notification');
    const [event] = raised;
    assert.equal(event?.resourceType, 'funds-confirmation-consent');
    assert.equal(event?.resourceId, consentId);
    const claims = decodeJwt(event?.token ?? '') as { events: Record<string, { subject: Record<string, unknown> }>; sub: string };
    assert.deepEqual(Object.keys(claims.events).sort(), [EventType.ConsentAuthorizationRevoked, EventType.ResourceUpdate].sort());
    assert.equal(claims.sub, `${server.issuer}/open-banking/v4.0/cbpii/funds-confirmation-consents/${consentId}`);
    assert.equal(claims.events[EventType.ResourceUpdate]?.subject['http://openbanking.org.uk/rty'], 'funds-confirmation-consent');

    assert.equal((await mailToAlice('Tap Card')).length, 1, 'alice is mailed a confirmation');
    const after = await alice.follow('/account', 'never:');
    assert.doesNotMatch(after.html, new RegExp(`action="/account/[^"]*${consentId}`), 'nothing left to revoke');
    assert.match(after.html, /Tap Card/, 'the history still names the card issuer');
    assert.equal((await submit(alice, revokeAction(listed, consentId))).status, 400, 'a consent that ended cannot be revoked again');
  });

  test('an AUTH consent past its ExpirationDateTime → the expiry job makes it EXPD (TKXP) unread; one resource-update, one mail, in the history; U009 after', async () => {
    const consentId = await issuer.createFundsConsent(undefined, { ExpirationDateTime: new Date(Date.now() + 3600_000).toISOString() });
    const tokens = await authoriseFundsConsent(server, issuer, consentId);
    const eventsBefore = (await events.eventsOf(issuer.clientId)).length;
    const mailBefore = (await mailToAlice('Tap Card')).length;
    await server.database.dataSource.getRepository<ConsentRow>('Consent').update({ id: consentId }, { expiresAt: new Date(Date.now() - 1000) });
    await server.instance.jobs.expireConsents(new Date());
    const [row] = await server.database.dataSource.query('SELECT status, status_reason_code FROM consent WHERE id = ?', [consentId]);
    assert.deepEqual({ ...row }, { status: 'EXPD', status_reason_code: 'TKXP' }, 'expired by the job, before anyone read it');
    const raised = (await events.eventsOf(issuer.clientId)).slice(eventsBefore);
    assert.deepEqual(
      raised.map((event) => [event.eventTypes, event.resourceType, event.resourceId]),
      [['UK.OBIE.Resource-Update', 'funds-confirmation-consent', consentId]],
    );
    assert.equal((await mailToAlice('Tap Card')).length, mailBefore + 1, 'alice is told the checks ended');
    const page = await (await loggedIn('alice', 'alice-sandbox-1')).follow('/account', 'never:');
    assert.doesNotMatch(page.html, new RegExp(`action="/account/[^"]*${consentId}`), 'nothing left to stop');
    const refused = await issuer.confirmFunds(tokens.access_token, consentId, '1.00');
    assert.equal(refused.body.Errors[0].ErrorCode, 'U009');
  });

  test('each check the card issuer makes → listed under its funds checks with the amount, the answer it got and its reference, newest first', async () => {
    const consentId = await issuer.createFundsConsent();
    const tokens = await authoriseFundsConsent(server, issuer, consentId);
    const alice = await loggedIn('alice', 'alice-sandbox-1');
    assert.match((await alice.follow('/account', 'never:')).html, /No check made yet\./);
    assert.equal((await issuer.confirmFunds(tokens.access_token, consentId, '12.34', 'GBP', 'SHOP-0001')).body.Data.FundsAvailable, true);
    assert.equal((await issuer.confirmFunds(tokens.access_token, consentId, '99999999.00', 'GBP', 'SHOP-0002')).body.Data.FundsAvailable, false);
    assert.equal((await issuer.confirmFunds(tokens.access_token, consentId, '1.00', 'EUR', 'SHOP-0003')).status, 400, 'a refused question');
    const page = (await alice.follow('/account', 'never:')).html;
    assert.match(page, /2 checks in all\./);
    const rows = [...page.matchAll(/<tr><td>[^<]+<\/td><td>([^<]+)<\/td><td>([^<]+)<\/td><td>(SHOP-\d+)<\/td><\/tr>/g)].map((match) =>
      match.slice(1),
    );
    assert.deepEqual(rows, [
      ['£99,999,999.00', 'No: not enough money', 'SHOP-0002'],
      ['£12.34', 'Yes: enough money', 'SHOP-0001'],
    ]);
  });

  test("another customer's revocation of the consent → refused, the consent stays AUTH and keeps confirming funds", async () => {
    const consentId = await issuer.createFundsConsent();
    const tokens = await authoriseFundsConsent(server, issuer, consentId);
    const alice = await loggedIn('alice', 'alice-sandbox-1');
    const action = revokeAction(await alice.follow('/account', 'never:'), consentId);
    const bob = await loggedIn('bob', 'bob-sandbox-2');
    assert.doesNotMatch((await bob.follow('/account', 'never:')).html, /Tap Card/);
    const refused = await submit(bob, action);
    assert.equal(refused.status, 400);
    assert.equal((await consentStatus(consentId)).Status, 'AUTH');
    assert.equal((await issuer.confirmFunds(tokens.access_token, consentId, '1.00')).body.Data.FundsAvailable, true);
  });
});
