// Proves the walking skeleton end to end as a real partner sees it: openid-client performs discovery,
// client credentials + DPoP, creates a consent, PAR with the intent claim + PKCE + DPoP, the customer logs in
// and approves on the server-rendered pages, the code is exchanged with DPoP, /accounts answers with exactly
// the chosen accounts — and every refusal a partner can meet behaves as specified.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { SchemaRegistry } from '../../src/validation/schema-registry.js';
import { authoriseConsent, decide, logIn } from '../support/authorise.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { API, REDIRECT_URI, registerPartner, type Partner } from '../support/partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const schemas = SchemaRegistry.load();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertValid(schema: string, body: unknown): void {
  assert.deepEqual(schemas.validateResponse(schema, body), [], `${schema}: ${JSON.stringify(body)}`);
}

describe('account-access journey', () => {
  let server: TestServer;
  let partner: Partner;
  let consentId: string;
  let accessToken: string;

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server);
  });
  after(async () => server.close());

  test('discovery advertises FAPI 2.0 endpoints and the openbanking_intent_id claim', async () => {
    const metadata = partner.config.serverMetadata();
    assert.equal(metadata.require_pushed_authorization_requests, true);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.deepEqual(metadata.token_endpoint_auth_methods_supported, ['private_key_jwt']);
    assert.equal(metadata.authorization_response_iss_parameter_supported, true);
    assert.ok(metadata.claims_supported?.includes('openbanking_intent_id'));
    assert.ok(metadata.dpop_signing_alg_values_supported?.includes('ES256'));
  });

  test('POST /account-access-consents with a client-credentials DPoP token → 201 AWAU, schema-valid', async () => {
    const token = await partner.clientCredentialsToken();
    const interactionId = '0f8a2b0e-6f1b-4b73-9c61-2a3c8d1e5f00';
    const response = await partner.call(
      token,
      'POST',
      `${API}/account-access-consents`,
      { Data: { Permissions: ['ReadAccountsDetail', 'ReadBalances'], ExpirationDateTime: '2099-01-01T00:00:00+00:00' }, Risk: {} },
      { 'x-fapi-interaction-id': interactionId },
    );
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('x-fapi-interaction-id'), interactionId);
    assertValid('OBReadConsentResponse1', response.body);
    assert.equal(response.body.Data.Status, 'AWAU');
    assert.equal(response.body.Data.ExpirationDateTime, '2099-01-01T00:00:00+00:00');
    assert.equal(response.body.Links.Self, `${server.issuer}${API}/account-access-consents/${response.body.Data.ConsentId}`);
    consentId = response.body.Data.ConsentId;
  });

  test('PAR + login + consent page + code exchange → DPoP tokens, ID token carries openbanking_intent_id', async () => {
    const browser = new CustomerBrowser(server.issuer);
    const start = await partner.pushAuthorizationRequest(consentId);
    let page = await browser.follow(start.url.href, REDIRECT_URI);
    assert.equal(page.status, 200);
    assert.match(page.html, /Budget Buddy/);
    assert.match(page.html, /<label[^>]*for="username"/);

    page = await logIn(browser, page, 'alice', 'wrong-password');
    assert.equal(page.status, 401);
    assert.match(page.html, /role="alert"/);
    assert.match(page.html, /username or password is not right/);

    page = await logIn(browser, page, 'alice', 'alice-sandbox-1');
    assert.equal(page.status, 200);
    assert.match(page.html, /Budget Buddy/);
    assert.match(page.html, /Choose the accounts to share/);
    assert.match(page.html, /acc_alice_current/);
    assert.doesNotMatch(page.html, /acc_bob_current/);

    const refused = await decide(browser, page, 'approve', []);
    assert.equal(refused.status, 400);
    assert.match(refused.html, /at least one account/);

    const result = await decide(browser, refused, 'approve', ['acc_alice_current', 'acc_alice_eur']);
    assert.ok(result.callback);
    assert.equal(result.callback.searchParams.get('iss'), server.issuer);

    const tokens = await partner.exchangeCode(result.callback, start);
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    assert.ok(tokens.expires_in && tokens.expires_in <= 300);
    assert.equal(tokens.claims()?.openbanking_intent_id, consentId);
    assert.equal(tokens.claims()?.sub, 'cus_sandbox_alice');
    assert.equal(tokens.claims()?.acr, 'urn:openbanking:psd2:ca', 'a password is one factor: ca, not sca');
    accessToken = tokens.access_token;
  });

  test('GET consent after approval → AUTH', async () => {
    const response = await partner.call(await partner.clientCredentialsToken(), 'GET', `${API}/account-access-consents/${consentId}`);
    assert.equal(response.status, 200);
    assertValid('OBReadConsentResponse1', response.body);
    assert.equal(response.body.Data.Status, 'AUTH');
  });

  test('GET /accounts with the customer token → exactly the chosen accounts, with identifications (ReadAccountsDetail)', async () => {
    const response = await partner.call(accessToken, 'GET', `${API}/accounts`);
    assert.equal(response.status, 200);
    assertValid('OBReadAccount6', response.body);
    assert.match(response.headers.get('x-fapi-interaction-id') ?? '', UUID);
    assert.deepEqual(response.body.Data.Account.map((account: { AccountId: string }) => account.AccountId).sort(), [
      'acc_alice_current',
      'acc_alice_eur',
    ]);
    const current = response.body.Data.Account.find((account: { AccountId: string }) => account.AccountId === 'acc_alice_current');
    assert.equal(current.Account[0].SchemeName, 'UK.OBIE.SortCodeAccountNumber');
    assert.match(current.Account[0].Identification, /^\d{14}$/);
    assert.equal(response.body.Links.Self, `${server.issuer}${API}/accounts`);
    assert.deepEqual(response.body.Meta, { TotalPages: 1 });
  });

  test('GET /accounts/{AccountId} inside the consent → 200; outside it → 403', async () => {
    const inside = await partner.call(accessToken, 'GET', `${API}/accounts/acc_alice_eur`);
    assert.equal(inside.status, 200);
    assertValid('OBReadAccount6', inside.body);
    assert.equal(inside.body.Data.Account[0].Currency, 'EUR');
    const outside = await partner.call(accessToken, 'GET', `${API}/accounts/acc_alice_savings`);
    assert.equal(outside.status, 403);
    assertValid('OBErrorResponse1', outside.body);
    const foreign = await partner.call(accessToken, 'GET', `${API}/accounts/acc_bob_current`);
    assert.equal(foreign.status, 403);
  });

  test('GET /accounts without a DPoP proof → 401 with a DPoP challenge', async () => {
    const response = await fetch(`${server.issuer}${API}/accounts`, { headers: { authorization: `DPoP ${accessToken}` } });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^DPoP error="invalid_token"/);
    assert.match(response.headers.get('x-fapi-interaction-id') ?? '', UUID);
    const body = (await response.json()) as { Errors: Array<{ Path: string }> };
    assertValid('OBErrorResponse1', body);
    assert.equal(body.Errors[0]?.Path, 'DPoP');
  });

  test('GET /accounts with a replayed DPoP proof → 401', async () => {
    const proofs: string[] = [];
    const capture: typeof fetch = async (input, init) => {
      proofs.push(new Headers(init?.headers).get('dpop') ?? '');
      return fetch(input, init);
    };
    partner.config[client.customFetch] = capture;
    try {
      const first = await partner.call(accessToken, 'GET', `${API}/accounts`);
      assert.equal(first.status, 200);
    } finally {
      delete partner.config[client.customFetch];
    }
    const replay = await fetch(`${server.issuer}${API}/accounts`, { headers: { authorization: `DPoP ${accessToken}`, dpop: proofs[0] as string } });
    assert.equal(replay.status, 401);
    assert.match(((await replay.json()) as { Errors: Array<{ Message: string }> }).Errors[0]?.Message ?? '', /already used/);
  });

  test('GET /accounts presenting the DPoP-bound token as Bearer → 401', async () => {
    const response = await fetch(`${server.issuer}${API}/accounts`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(response.status, 401);
    assert.match(((await response.json()) as { Errors: Array<{ Message: string }> }).Errors[0]?.Message ?? '', /DPoP authorization scheme/);
  });

  test('GET /accounts with a client-credentials token → 401', async () => {
    const response = await partner.call(await partner.clientCredentialsToken(), 'GET', `${API}/accounts`);
    assert.equal(response.status, 401);
    assertValid('OBErrorResponse1', response.body);
  });

  test('a second consent in the same browser shows the login and consent pages again, never reusing the grant', async () => {
    const first = await partner.createConsent(['ReadAccountsBasic']);
    const { browser } = await authoriseConsent(server, partner, first, { accountIds: ['acc_alice_savings'] });
    const second = await partner.createConsent(['ReadAccountsBasic']);
    const start = await partner.pushAuthorizationRequest(second);
    const page = await browser.follow(start.url.href, REDIRECT_URI);
    assert.equal(page.callback, undefined, 'a code was issued without the customer authorising the second consent');
    assert.equal(page.status, 200);
    assert.match(page.html, /name="password"/);
    const consentPage = await logIn(browser, page, 'alice', 'alice-sandbox-1');
    assert.match(consentPage.html, /name="decision" value="approve"/);
    const result = await decide(browser, consentPage, 'approve', ['acc_alice_current']);
    assert.ok(result.callback);
    const tokens = await partner.exchangeCode(result.callback, start);
    assert.equal(tokens.claims()?.openbanking_intent_id, second);
    const accounts = await partner.call(tokens.access_token, 'GET', `${API}/accounts`);
    assert.deepEqual(
      accounts.body.Data.Account.map((account: { AccountId: string }) => account.AccountId),
      ['acc_alice_current'],
    );
    assert.equal(accounts.body.Data.Account[0].Account, undefined, 'identifications need ReadAccountsDetail');
  });

  test('the customer denies → partner receives access_denied and the consent is RJCT', async () => {
    const denied = await partner.createConsent(['ReadAccountsBasic']);
    const browser = new CustomerBrowser(server.issuer);
    const start = await partner.pushAuthorizationRequest(denied);
    const login = await browser.follow(start.url.href, REDIRECT_URI);
    const consentPage = await logIn(browser, login, 'bob', 'bob-sandbox-2');
    const result = await decide(browser, consentPage, 'deny', []);
    assert.ok(result.callback);
    assert.equal(result.callback.searchParams.get('error'), 'access_denied');
    assert.equal(result.callback.searchParams.get('state'), start.state);
    const consent = await partner.call(await partner.clientCredentialsToken(), 'GET', `${API}/account-access-consents/${denied}`);
    assert.equal(consent.body.Data.Status, 'RJCT');
  });

  test('PAR naming an unknown, foreign or already authorised consent → invalid_request', async () => {
    const other = await registerPartner(server, 'Other App');
    const foreign = await other.createConsent(['ReadAccountsBasic']);
    for (const intent of ['aac_unknown', foreign, consentId]) {
      await assert.rejects(partner.pushAuthorizationRequest(intent), (error: client.ResponseBodyError) => {
        assert.equal(error.error, 'invalid_request');
        return true;
      });
    }
  });

  test('PAR without the openbanking_intent_id claim → invalid_request', async () => {
    const request = client.buildAuthorizationUrlWithPAR(
      partner.config,
      {
        redirect_uri: REDIRECT_URI,
        scope: 'openid accounts',
        state: 's1',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      },
      { DPoP: partner.dpop },
    );
    await assert.rejects(request, (error: client.ResponseBodyError) => {
      assert.equal(error.error, 'invalid_request');
      assert.match(error.error_description ?? '', /openbanking_intent_id is required/);
      return true;
    });
  });

  test('DELETE the consent → 204, and the very next call with its token → 401', async () => {
    const ccToken = await partner.clientCredentialsToken();
    const deleted = await partner.call(ccToken, 'DELETE', `${API}/account-access-consents/${consentId}`);
    assert.equal(deleted.status, 204);
    const next = await partner.call(accessToken, 'GET', `${API}/accounts`);
    assert.equal(next.status, 401);
    assertValid('OBErrorResponse1', next.body);
    const consent = await partner.call(ccToken, 'GET', `${API}/account-access-consents/${consentId}`);
    assert.equal(consent.body.Data.Status, 'CANC');
  });
});
