// Proves the partner portal's rules as a partner's browser meets them over HTTP: sign-up checks and duplicate
// addresses, login lockout, anti-forgery tokens on every form, no app before the email is confirmed, one partner
// never sees another's app, refused app forms keep what was typed, key rotation (a new key works at once, a retired
// key stops at once, the last key stays), switching an app off and on, the app's consents (no customer data) and
// its last API calls with their interaction ids, the software statement download, and session cookies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, type CryptoKey } from 'jose';
import * as client from 'openid-client';
import { customerToken } from '../support/authorise.js';
import { API, partnerClient, REDIRECT_URI, type Partner } from '../support/partner.js';
import { csrfOf, PortalClient } from '../support/portal-client.js';
import { PAYMENT_SIGNING_JWK } from '../support/sample-keys.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('partner portal', () => {
  let server: TestServer;
  let portal: PortalClient;
  let firstKey: { privateKey: CryptoKey; jwk: Record<string, unknown> };
  let clientId: string;

  async function newKey(kid: string) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  }

  /** A partner client of the app authenticating with the given private key. */
  async function partnerWith(key: { privateKey: CryptoKey; jwk: Record<string, unknown> }): Promise<Partner> {
    const config = await client.discovery(
      new URL(server.issuer),
      clientId,
      {},
      client.PrivateKeyJwt({ key: key.privateKey, kid: String(key.jwk.kid) }),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    return partnerClient(server, clientId, config, client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256')));
  }

  before(async () => {
    server = await startTestServer();
    portal = await PortalClient.signedUp(server, 'Ledgerly Ltd', 'dev@ledgerly.example');
    firstKey = await newKey('key-2026-01');
    const created = await portal.submit('/portal/apps/new', '/portal/apps', {
      name: 'Ledgerly',
      redirect_uris: REDIRECT_URI,
      roles: ['AISP', 'CBPII'],
      keys_source: 'jwks',
      jwks: JSON.stringify({ keys: [firstKey.jwk] }),
    });
    assert.equal(created.status, 200, created.html.slice(0, 500));
    clientId = /id="client-id">([^<]+)</.exec(created.html)?.[1] as string;
    assert.match(clientId, /^cli_/);
  });
  after(async () => server.close());

  test('sign up with a short password, a bad email or no organisation → 400 naming each field; what was typed is kept', async () => {
    const visitor = new PortalClient(server);
    const short = await visitor.submit('/portal/signup', '/portal/signup', { organisationName: 'Acme', email: 'a@acme.example', password: 'short' });
    assert.equal(short.status, 400);
    assert.match(short.html, /The password must have 12 to 256 characters/);
    assert.match(short.html, /value="a@acme.example"/);
    const email = await visitor.submit('/portal/signup', '/portal/signup', {
      organisationName: 'Acme',
      email: 'not-an-email',
      password: 'a long sandbox password',
    });
    assert.match(email.html, /Enter an email address like name@example.com/);
    const organisation = await visitor.submit('/portal/signup', '/portal/signup', {
      organisationName: ' ',
      email: 'b@acme.example',
      password: 'a long sandbox password',
    });
    assert.match(organisation.html, /The organisation name must have 1 to 140 characters/);
  });

  test('sign up with an address already registered (any case) → 400 "already exists", nothing created', async () => {
    const visitor = new PortalClient(server);
    const [before] = await server.database.dataSource.query('SELECT COUNT(*) AS n FROM partner');
    const page = await visitor.submit('/portal/signup', '/portal/signup', {
      organisationName: 'Copycat',
      email: 'DEV@Ledgerly.example',
      password: 'a long sandbox password',
    });
    assert.equal(page.status, 400);
    assert.match(page.html, /already exists/);
    const [after] = await server.database.dataSource.query('SELECT COUNT(*) AS n FROM partner');
    assert.equal(Number(after.n), Number(before.n));
  });

  test('five wrong passwords → the login locks: even the right password is refused with "locked"', async () => {
    await PortalClient.signedUp(server, 'Lockme', 'lock@me.example', 'the right password');
    const visitor = new PortalClient(server);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const refused = await visitor.submit('/portal/login', '/portal/login', { email: 'lock@me.example', password: 'a wrong password' });
      assert.equal(refused.status, 401);
    }
    const locked = await visitor.submit('/portal/login', '/portal/login', { email: 'lock@me.example', password: 'the right password' });
    assert.equal(locked.status, 401);
    assert.match(locked.html, /locked/);
  });

  test("a form posted without its anti-forgery token (or another session's) → 403, nothing changed", async () => {
    const missing = await portal.post('/portal/apps', {
      name: 'Forged',
      redirect_uris: REDIRECT_URI,
      roles: 'AISP',
      keys_source: 'jwks',
      jwks: JSON.stringify({ keys: [firstKey.jwk] }),
    });
    assert.equal(missing.status, 403);
    const other = await PortalClient.signedUp(server, 'Other Org', 'other@org.example');
    const foreignToken = csrfOf((await other.get('/portal/apps/new')).html, '/portal/apps');
    const forged = await portal.post(`/portal/apps/${clientId}/disable`, { csrf: foreignToken });
    assert.equal(forged.status, 403);
    assert.match((await portal.get(`/portal/apps/${clientId}`)).html, /badge badge--good">Active/);
    const login = await new PortalClient(server).post('/portal/login', { email: 'dev@ledgerly.example', password: 'a long sandbox password' });
    assert.equal(login.status, 403);
  });

  test('before the email is confirmed → no app can be created (403), and the dashboard says how to confirm', async () => {
    const unconfirmed = new PortalClient(server);
    const dashboard = await unconfirmed.submit('/portal/signup', '/portal/signup', {
      organisationName: 'Newbie',
      email: 'new@bie.example',
      password: 'a long sandbox password',
    });
    assert.match(dashboard.html, /Confirm your email address to create apps/);
    const refused = await unconfirmed.post('/portal/apps', {
      csrf: csrfOf(dashboard.html, '/portal/resend-confirmation'),
      name: 'Early',
      redirect_uris: REDIRECT_URI,
      roles: 'AISP',
      keys_source: 'jwks',
      jwks: '{}',
    });
    assert.equal(refused.status, 403);
    assert.equal((await unconfirmed.get('/portal/apps/new')).status, 403);
  });

  test('another partner opens this app, or posts to it → 404, not revealed', async () => {
    const other = await PortalClient.signedUp(server, 'Snoop Ltd', 'snoop@ltd.example');
    assert.equal((await other.get(`/portal/apps/${clientId}`)).status, 404);
    const token = csrfOf((await other.get('/portal')).html, '/portal/logout');
    assert.equal((await other.post(`/portal/apps/${clientId}/disable`, { csrf: token })).status, 404);
    assert.equal((await other.get(`/portal/apps/${clientId}/software-statement`)).status, 404);
  });

  test("creating an app with a key set that is not JSON, a private key or an http redirect URI → 400 with the field's error, values kept", async () => {
    const notJson = await portal.submit('/portal/apps/new', '/portal/apps', {
      name: 'Broken',
      redirect_uris: REDIRECT_URI,
      roles: 'AISP',
      keys_source: 'jwks',
      jwks: '{not json',
    });
    assert.equal(notJson.status, 400);
    assert.match(notJson.html, /This is not valid JSON/);
    assert.match(notJson.html, /value="Broken"/);
    const privateKey = await portal.submit('/portal/apps/new', '/portal/apps', {
      name: 'Leaky',
      redirect_uris: REDIRECT_URI,
      roles: 'AISP',
      keys_source: 'jwks',
      jwks: JSON.stringify({ keys: [{ ...firstKey.jwk, d: 'secret' }] }),
    });
    assert.match(privateKey.html, /public keys only/);
    const http = await portal.submit('/portal/apps/new', '/portal/apps', {
      name: 'Plain',
      redirect_uris: 'http://app.example/cb',
      roles: 'AISP',
      keys_source: 'jwks',
      jwks: JSON.stringify({ keys: [firstKey.jwk] }),
    });
    assert.match(http.html, /must use https/);
  });

  test('rotate keys: add a new key → it authenticates at once and the old one still does; retire the old one → it is refused at once; the last key cannot be retired', async () => {
    const secondKey = await newKey('key-2026-07');
    const added = await portal.submit(`/portal/apps/${clientId}`, `/portal/apps/${clientId}/keys`, { jwk: JSON.stringify(secondKey.jwk) });
    assert.match(added.html, /The key is added/);
    assert.ok(await (await partnerWith(secondKey)).clientCredentialsToken());
    assert.ok(await (await partnerWith(firstKey)).clientCredentialsToken());

    const retired = await portal.submit(`/portal/apps/${clientId}`, `/portal/apps/${clientId}/keys/retire`, { kid: 'key-2026-01' });
    assert.match(retired.html, /The key is retired/);
    await assert.rejects(
      (await partnerWith(firstKey)).clientCredentialsToken(),
      (error: client.ResponseBodyError) => error.error === 'invalid_client',
    );
    assert.ok(await (await partnerWith(secondKey)).clientCredentialsToken());

    const page = await portal.get(`/portal/apps/${clientId}`);
    assert.doesNotMatch(page.html, /keys\/retire/, 'the page offers no way to retire the last key');
    const last = await portal.post(`/portal/apps/${clientId}/keys/retire`, {
      csrf: csrfOf(page.html, `/portal/apps/${clientId}/keys`),
      kid: 'key-2026-07',
    });
    assert.equal(last.status, 400);
    assert.match(last.html, /needs at least one key/);
    const duplicate = await portal.submit(`/portal/apps/${clientId}`, `/portal/apps/${clientId}/keys`, { jwk: JSON.stringify(secondKey.jwk) });
    assert.match(duplicate.html, /already registered/);
    firstKey = secondKey;
  });

  test('edit the app: new name and redirect URIs → the client metadata changes; a bad URI → 400 with the typed values', async () => {
    const saved = await portal.submit(`/portal/apps/${clientId}/edit`, `/portal/apps/${clientId}/edit`, {
      name: 'Ledgerly Pro',
      description: 'Budgets for teams',
      redirect_uris: `${REDIRECT_URI}\nhttps://ledgerly.example/callback`,
      roles: ['AISP', 'CBPII'],
    });
    assert.match(saved.html, /Your changes are saved/);
    assert.match(saved.html, /Ledgerly Pro/);
    assert.match(saved.html, /https:\/\/ledgerly.example\/callback/);
    const bad = await portal.submit(`/portal/apps/${clientId}/edit`, `/portal/apps/${clientId}/edit`, {
      name: 'Ledgerly Pro',
      description: '',
      redirect_uris: 'ftp://nope',
      roles: 'AISP',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.html, /ftp:\/\/nope/);
  });

  test('the app page lists its consents (no customer data) and its last API calls with their x-fapi-interaction-id', async () => {
    const partner = await partnerWith(firstKey);
    const { consentId, accessToken } = await customerToken(server, partner, ['ReadAccountsBasic'], {
      username: 'alice',
      password: 'alice-sandbox-1',
      accountIds: ['acc_alice_current'],
    });
    const call = await partner.call(accessToken, 'GET', `${API}/accounts`, undefined, {
      'x-fapi-interaction-id': '6f1c1ad2-6b3d-4f4a-9f3e-2b1f8c1d9a10',
    });
    assert.equal(call.status, 200);
    const refused = await partner.call(accessToken, 'GET', `${API}/accounts/acc_bob_current`);
    assert.equal(refused.status, 403);
    const page = await portal.get(`/portal/apps/${clientId}`);
    assert.match(page.html, new RegExp(`${consentId}</td><td>Account access</td><td>AUTH`));
    assert.match(page.html, /6f1c1ad2-6b3d-4f4a-9f3e-2b1f8c1d9a10/);
    assert.match(page.html, /<td class="mono">GET<\/td><td class="mono">\/open-banking\/v4.0\/aisp\/accounts<\/td><td>200<\/td>/);
    assert.match(page.html, /\/accounts\/acc_bob_current<\/td><td>403<\/td>/);
    assert.doesNotMatch(page.html, /Alice|acc_alice_current|cus_alice/, 'no customer personal data');
  });

  test("download the software statement → application/jwt, verified by the directory's published keys, naming this app", async () => {
    const response = await portal.browser.request(`/portal/apps/${clientId}/software-statement`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/jwt/);
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="software-statement-[0-9A-Za-z]{22}\.jwt"$/);
    const jwks = await (await fetch(`${server.issuer}/directory/jwks`)).json();
    const { payload } = await jwtVerify(await response.text(), createLocalJWKSet(jwks as never), { issuer: `${server.issuer}/directory` });
    assert.equal(payload.software_client_id, clientId);
    assert.deepEqual(payload.software_roles, ['AISP', 'CBPII']);
    const published = await (await fetch(`${server.issuer}/directory/software/${String(payload.software_id)}/jwks`)).json();
    assert.deepEqual(
      (published as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid),
      ['key-2026-07'],
    );
  });

  test('switch the app off → its tokens fail at once and it gets no new ones; on again → it works', async () => {
    const partner = await partnerWith(firstKey);
    const token = await partner.clientCredentialsToken();
    const off = await portal.submit(`/portal/apps/${clientId}`, `/portal/apps/${clientId}/disable`, {});
    assert.match(off.html, /The app is switched off/);
    assert.equal(
      (await partner.call(token, 'POST', `${API}/account-access-consents`, { Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} })).status,
      401,
    );
    await assert.rejects(partner.clientCredentialsToken(), (error: client.ResponseBodyError) => error.error === 'invalid_client');
    assert.equal((await portal.get(`/portal/apps/${clientId}/software-statement`)).status, 403, 'no software statement for a switched-off app');
    const on = await portal.submit(`/portal/apps/${clientId}`, `/portal/apps/${clientId}/enable`, {});
    assert.match(on.html, /switched on again/);
    assert.equal(
      (await partner.call(token, 'POST', `${API}/account-access-consents`, { Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} })).status,
      201,
    );
  });

  test('a payment app without an RSA key → 400 "needs an RSA key"; with one → its page shows what payment messages are signed as', async () => {
    const ecOnly = await portal.submit('/portal/apps/new', '/portal/apps', {
      name: 'Payer',
      redirect_uris: REDIRECT_URI,
      roles: 'PISP',
      keys_source: 'jwks',
      jwks: JSON.stringify({ keys: [firstKey.jwk] }),
    });
    assert.equal(ecOnly.status, 400);
    assert.match(ecOnly.html, /needs an RSA key/);
    const created = await portal.submit('/portal/apps/new', '/portal/apps', {
      name: 'Payer',
      redirect_uris: REDIRECT_URI,
      roles: 'PISP',
      keys_source: 'jwks',
      jwks: JSON.stringify({ keys: [firstKey.jwk, PAYMENT_SIGNING_JWK] }),
    });
    const payerId = /id="client-id">([^<]+)</.exec(created.html)?.[1] as string;
    const partnerId = String(
      (await server.database.dataSource.query('SELECT partner_id FROM software WHERE client_id = ?', [payerId]))[0].partner_id,
    );
    assert.match(created.html, new RegExp(`id="signing-iss">${partnerId}/${payerId}<`));
    assert.match(created.html, new RegExp(`openbanking.org.uk/tan</span> = <span class="mono">${server.config.payments.trustAnchor}<`));
  });

  test('session cookies are HttpOnly, SameSite=Lax and limited to /portal (not Secure in the sandbox); logging out ends the session on the server', async () => {
    const visitor = new PortalClient(server);
    const form = await visitor.browser.request('/portal/login');
    const token = csrfOf(await form.text(), '/portal/login');
    const login = await visitor.browser.request('/portal/login', {
      form: { csrf: token, email: 'dev@ledgerly.example', password: 'a long sandbox password' },
    });
    const cookie = login.headers.getSetCookie().find((value) => value.startsWith('ot_portal='));
    assert.ok(cookie);
    assert.match(cookie, /; path=\/portal/);
    assert.match(cookie, /; samesite=lax/);
    assert.match(cookie, /; httponly/);
    assert.doesNotMatch(cookie, /; secure/);
    const sessionCookie = cookie.split(';')[0] as string;
    const dashboard = await visitor.get('/portal');
    assert.match(dashboard.html, /Your apps/);
    await visitor.post('/portal/logout', { csrf: csrfOf(dashboard.html, '/portal/logout') });
    const replayed = await fetch(`${server.issuer}/portal`, { headers: { cookie: sessionCookie }, redirect: 'manual' });
    assert.equal(replayed.status, 303);
    assert.equal(replayed.headers.get('location'), '/portal/login');
  });

  test('every portal page is served under a CSP without scripts, not framable, not cached', async () => {
    const response = await portal.browser.request(`/portal/apps/${clientId}`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src|unsafe-inline/);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.doesNotMatch(await response.text(), /<script/);
  });

  test('a software statement names only this app: the downloaded statement decodes to its software id and client id', async () => {
    const response = await portal.browser.request(`/portal/apps/${clientId}/software-statement`);
    const claims = decodeJwt(await response.text());
    assert.equal(claims.software_client_id, clientId);
    assert.equal(claims.org_name, 'Ledgerly Ltd');
  });
});
