// Proves Dynamic Client Registration as a partner meets it: openid-client discovers the registration endpoint,
// registers with a software statement of the bank's own directory (RFC 7591 JSON or an OB DCR signed JWT) or of a
// trusted external directory, gets FAPI client metadata whatever it asks for, runs a whole account-access flow
// with the new client, and manages it (RFC 7592 read, update, delete) with a registration access token that
// rotates — and a deleted client's tokens, refresh tokens and consents all end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { disableApp, enableApp, reinstateApp, suspendApp } from '../../src/domain/partners/app-lifecycle.js';
import { authoriseConsent } from '../support/authorise.js';
import { API, pushIntentAuthorizationRequest, REDIRECT_URI, type Partner } from '../support/partner.js';
import {
  callRegistration,
  countSoftware,
  externalStatementClaims,
  issueOwnStatement,
  newExternalDirectory,
  newSigningKey,
  OTHER_REDIRECT_URI,
  partnerForClient,
  registerPortalSoftware,
  registrationRequestClaims,
  signJwt,
  startJsonServer,
  writeTrustedDirectoriesFile,
  type ExternalDirectory,
  type JsonServer,
  type PortalSoftware,
} from '../support/software-statements.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const EXTERNAL_DIRECTORY = 'https://directory.far-away.example';

describe('dynamic client registration journey', () => {
  let server: TestServer;
  let jwksServer: JsonServer;
  let external: ExternalDirectory;
  let removeTrustedFile: () => void;
  /** Portal software (AISP + PISP, two redirect URIs) and a statement of the own directory for it. */
  let software: PortalSoftware;
  let statement: string;
  /** The client registered by RFC 7591 JSON, and its latest registration access token. */
  let clientId: string;
  let registrationToken: string;
  let partner: Partner;
  let clientCredentialsToken: string;
  let customer: { consentId: string; accessToken: string; refreshToken: string | undefined };

  before(async () => {
    jwksServer = await startJsonServer();
    external = await newExternalDirectory(EXTERNAL_DIRECTORY);
    jwksServer.documents.set('/directory/jwks', { keys: [external.key.publicJwk] });
    const trusted = writeTrustedDirectoriesFile([{ issuer: EXTERNAL_DIRECTORY, jwks_uri: `${jwksServer.origin}/directory/jwks` }]);
    removeTrustedFile = trusted.remove;
    server = await startTestServer({ env: { TRUSTED_DIRECTORIES_FILE: trusted.path } });
    software = await registerPortalSoftware(server, {
      name: 'Budget Buddy',
      roles: ['AISP', 'PISP'],
      redirectUris: [REDIRECT_URI, OTHER_REDIRECT_URI],
    });
    statement = await issueOwnStatement(server, software.app.clientId);
  });
  after(async () => {
    await server?.close();
    await jwksServer?.close();
    removeTrustedFile?.();
  });

  /** A PAR request like the partner's, but with any redirect URI. */
  async function pushWithRedirectUri(config: client.Configuration, dpop: client.DPoPHandle, consentId: string, redirectUri: string): Promise<URL> {
    return client.buildAuthorizationUrlWithPAR(
      config,
      {
        redirect_uri: redirectUri,
        scope: 'openid accounts',
        state: client.randomState(),
        nonce: client.randomNonce(),
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        claims: JSON.stringify({ id_token: { openbanking_intent_id: { value: consentId, essential: true } } }),
      },
      { DPoP: dpop },
    );
  }

  test('GET /.well-known/openid-configuration → registration_endpoint = {issuer}/register', async () => {
    const config = await client.discovery(new URL(server.issuer), 'nobody', {}, client.None(), { execute: [client.allowInsecureRequests] });
    assert.equal(config.serverMetadata().registration_endpoint, `${server.issuer}/register`);
  });

  test('POST /register (RFC 7591 JSON) with an own-directory statement → 201 FAPI client, registration token, statement verbatim and flattened, no-store', async () => {
    const before = await countSoftware(server);
    const answers: Response[] = [];
    const recordingFetch: client.CustomFetch = async (url, options) => {
      const response = await fetch(url, options);
      if (new URL(url).pathname === '/register') answers.push(response.clone());
      return response;
    };
    const config = await client.dynamicClientRegistration(
      new URL(server.issuer),
      { software_statement: statement },
      client.PrivateKeyJwt({ key: software.key.privateKey, kid: software.key.kid }),
      { execute: [client.allowInsecureRequests], [client.customFetch]: recordingFetch },
    );
    delete config[client.customFetch];
    const registered = config.clientMetadata() as Record<string, any>;

    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.status, 201);
    assert.equal(answers[0]?.headers.get('cache-control'), 'no-store');
    assert.match(registered.client_id, /^cli_/);
    assert.notEqual(registered.client_id, software.app.clientId, 'a new client, not the portal app');
    assert.equal(typeof registered.client_id_issued_at, 'number');
    assert.ok(Math.abs(registered.client_id_issued_at - Date.now() / 1000) < 120);
    assert.equal(typeof registered.registration_access_token, 'string');
    assert.ok(registered.registration_access_token.length >= 32);
    assert.equal(registered.registration_client_uri, `${server.issuer}/register/${registered.client_id}`);
    assert.equal(registered.software_statement, statement, 'the statement comes back verbatim');
    assert.equal(registered.software_id, software.app.softwareId);
    assert.equal(registered.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal(registered.dpop_bound_access_tokens, true);
    assert.equal(registered.require_pushed_authorization_requests, true);
    assert.deepEqual(registered.response_types, ['code']);
    assert.deepEqual(registered.redirect_uris, [REDIRECT_URI, OTHER_REDIRECT_URI], 'all the statement redirect URIs when none is asked');
    assert.equal(registered.scope, 'openid accounts payments', 'all the roles when no scope is asked');
    assert.equal(registered.org_id, software.app.partnerId, 'statement claims are flattened');
    assert.deepEqual(registered.software_roles, ['AISP', 'PISP']);
    assert.deepEqual(registered.software_redirect_uris, [REDIRECT_URI, OTHER_REDIRECT_URI]);
    assert.equal(registered.software_client_name, 'Budget Buddy');
    assert.equal(registered.org_status, 'Active');
    assert.equal(await countSoftware(server), before + 1);

    clientId = registered.client_id;
    registrationToken = registered.registration_access_token;
    partner = await partnerForClient(server, clientId, software.key);
  });

  test('the registered client: client credentials → consent → PAR → customer login and consent → code exchange → GET /accounts 200', async () => {
    clientCredentialsToken = await partner.clientCredentialsToken();
    const created = await partner.call(clientCredentialsToken, 'POST', `${API}/account-access-consents`, {
      Data: { Permissions: ['ReadAccountsDetail', 'ReadBalances'] },
      Risk: {},
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.Data.Status, 'AWAU');
    const consentId = created.body.Data.ConsentId as string;

    const { callback, start } = await authoriseConsent(server, partner, consentId, {
      username: 'alice',
      password: 'alice-sandbox-1',
      accountIds: ['acc_alice_current'],
    });
    assert.equal(callback.searchParams.get('iss'), server.issuer);
    const tokens = await partner.exchangeCode(callback, start);
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    assert.equal(tokens.claims()?.openbanking_intent_id, consentId);
    assert.equal(tokens.claims()?.aud, clientId);
    assert.ok(tokens.refresh_token, 'an AIS grant gets a refresh token');

    const accounts = await partner.call(tokens.access_token, 'GET', `${API}/accounts`);
    assert.equal(accounts.status, 200);
    assert.deepEqual(
      accounts.body.Data.Account.map((account: { AccountId: string }) => account.AccountId),
      ['acc_alice_current'],
    );
    const consent = await partner.call(clientCredentialsToken, 'GET', `${API}/account-access-consents/${consentId}`);
    assert.equal(consent.body.Data.Status, 'AUTH');
    customer = { consentId, accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
  });

  for (const method of ['client_secret_basic', 'tls_client_auth']) {
    test(`POST /register asking token_endpoint_auth_method ${method} → 201 with private_key_jwt (FAPI is not negotiable)`, async () => {
      const answer = await callRegistration(server, 'POST', {
        body: {
          software_statement: statement,
          token_endpoint_auth_method: method,
          ...(method === 'tls_client_auth' ? { tls_client_auth_subject_dn: 'CN=budget-buddy' } : {}),
        },
      });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      assert.equal(answer.body.token_endpoint_auth_method, 'private_key_jwt');
      assert.equal(answer.body.client_secret, undefined, 'no secret is ever issued');
      const other = await partnerForClient(server, answer.body.client_id, software.key);
      assert.ok(await other.clientCredentialsToken(), 'the client authenticates with private_key_jwt');
    });
  }

  test('POST /register with a subset of redirect_uris and scope → the client gets exactly those', async () => {
    const answer = await callRegistration(server, 'POST', {
      body: { software_statement: statement, redirect_uris: [OTHER_REDIRECT_URI], scope: 'openid accounts' },
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.redirect_uris, [OTHER_REDIRECT_URI]);
    assert.equal(answer.body.scope, 'openid accounts');

    const narrow = await partnerForClient(server, answer.body.client_id, software.key);
    await assert.rejects(
      client.clientCredentialsGrant(narrow.config, { scope: 'payments' }, { DPoP: narrow.dpop }),
      (error: client.ResponseBodyError) => {
        assert.equal(error.error, 'invalid_scope');
        return true;
      },
    );
    const consentId = await narrow.createConsent(['ReadAccountsBasic']);
    assert.ok(await pushWithRedirectUri(narrow.config, narrow.dpop, consentId, OTHER_REDIRECT_URI), 'the registered redirect URI works');
    await assert.rejects(
      pushIntentAuthorizationRequest(narrow.config, narrow.dpop, consentId, 'openid accounts'),
      (error: client.ResponseBodyError) => {
        assert.match(error.error, /^invalid_(redirect_uri|request)$/);
        assert.match(error.error_description ?? '', /redirect_uri/);
        return true;
      },
    );
  });

  for (const [contentType, audience] of [
    ['application/jose', 'issuer'],
    ['application/jwt', 'registration endpoint'],
  ] as const) {
    test(`POST /register with an OB DCR signed JWT (${contentType}, aud = ${audience}) → 201`, async () => {
      const before = await countSoftware(server);
      const claims = registrationRequestClaims(server, software.app.softwareId, statement, {
        aud: audience === 'issuer' ? server.issuer : `${server.issuer}/register`,
        redirect_uris: [REDIRECT_URI],
        scope: 'openid accounts',
      });
      const answer = await callRegistration(server, 'POST', { body: await signJwt(software.key, claims), contentType });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      assert.equal(answer.body.software_id, software.app.softwareId);
      assert.equal(answer.body.software_statement, statement);
      assert.deepEqual(answer.body.redirect_uris, [REDIRECT_URI]);
      assert.equal(answer.body.scope, 'openid accounts');
      assert.equal(answer.body.token_endpoint_auth_method, 'private_key_jwt');
      assert.equal(answer.body.token_endpoint_auth_signing_alg, 'ES256');
      assert.equal(typeof answer.body.registration_access_token, 'string');
      assert.equal(await countSoftware(server), before + 1);
      const signed = await partnerForClient(server, answer.body.client_id, software.key);
      assert.ok(await signed.clientCredentialsToken());
    });
  }

  test('the portal app of the software switched off, or suspended → its DCR clients get invalid_client and their tokens 401 from the next call; back on → they work', async () => {
    const answer = await callRegistration(server, 'POST', { body: { software_statement: statement } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const clone = await partnerForClient(server, answer.body.client_id, software.key);
    const token = await clone.clientCredentialsToken();
    const consents = `${API}/account-access-consents`;
    const request = { Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} };
    assert.equal((await clone.call(token, 'POST', consents, request)).status, 201);
    const partners = server.instance.partners;

    await disableApp(partners, software.app.partnerId, software.app.clientId, new Date());
    assert.equal((await clone.call(token, 'POST', consents, request)).status, 401);
    await assert.rejects(clone.clientCredentialsToken(), (error: client.ResponseBodyError) => error.error === 'invalid_client');
    await enableApp(partners, software.app.partnerId, software.app.clientId, new Date());
    assert.equal((await clone.call(token, 'POST', consents, request)).status, 201);

    await suspendApp(partners, software.app.clientId, new Date());
    assert.equal((await clone.call(token, 'POST', consents, request)).status, 401);
    await reinstateApp(partners, software.app.clientId, new Date());
    assert.ok(await clone.clientCredentialsToken());
  });

  test('GET /register/{client_id} with the registration token → 200 and a new token; the old token → 401 invalid_token', async () => {
    const read = await callRegistration(server, 'GET', { clientId, token: registrationToken });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.headers.get('cache-control'), 'no-store');
    assert.equal(read.body.client_id, clientId);
    assert.equal(read.body.software_statement, statement);
    assert.equal(read.body.registration_client_uri, `${server.issuer}/register/${clientId}`);
    assert.equal(typeof read.body.registration_access_token, 'string');
    assert.notEqual(read.body.registration_access_token, registrationToken, 'the token rotates on read');

    const stale = await callRegistration(server, 'GET', { clientId, token: registrationToken });
    assert.equal(stale.status, 401);
    assert.match(stale.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
    assert.equal(stale.body.error, 'invalid_token');
    registrationToken = read.body.registration_access_token;
  });

  test('PUT /register/{client_id} with the latest token narrowing redirect_uris → 200, in effect at once, issued tokens keep working', async () => {
    const consentId = await partner.createConsent(['ReadAccountsBasic']);
    assert.ok(await pushWithRedirectUri(partner.config, partner.dpop, consentId, OTHER_REDIRECT_URI), 'before the update the URI is registered');

    const current = await callRegistration(server, 'GET', { clientId, token: registrationToken });
    assert.equal(current.status, 200);
    const metadata = { ...current.body } as Record<string, unknown>;
    for (const name of ['registration_access_token', 'registration_client_uri', 'client_id_issued_at', 'client_secret_expires_at'])
      delete metadata[name];
    const updated = await callRegistration(server, 'PUT', {
      clientId,
      token: current.body.registration_access_token,
      body: { ...metadata, redirect_uris: [REDIRECT_URI] },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.headers.get('cache-control'), 'no-store');
    assert.equal(updated.body.client_id, clientId, 'the client id stays');
    assert.deepEqual(updated.body.redirect_uris, [REDIRECT_URI]);
    assert.notEqual(updated.body.registration_access_token, current.body.registration_access_token, 'the token rotates on update');
    const spent = await callRegistration(server, 'GET', { clientId, token: current.body.registration_access_token });
    assert.equal(spent.status, 401);
    registrationToken = updated.body.registration_access_token;

    await assert.rejects(pushWithRedirectUri(partner.config, partner.dpop, consentId, OTHER_REDIRECT_URI), (error: client.ResponseBodyError) => {
      assert.match(error.error, /^invalid_(redirect_uri|request)$/);
      return true;
    });
    assert.ok(await pushWithRedirectUri(partner.config, partner.dpop, consentId, REDIRECT_URI), 'the kept URI still works');
    assert.equal((await partner.call(customer.accessToken, 'GET', `${API}/accounts`)).status, 200, 'an update does not invalidate issued tokens');
  });

  test('DELETE /register/{client_id} → 204; its access tokens → 401, its refresh token fails, its consent is CANC, the registration token → 401', async () => {
    const deleted = await callRegistration(server, 'DELETE', { clientId, token: registrationToken });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, undefined);

    assert.equal((await partner.call(customer.accessToken, 'GET', `${API}/accounts`)).status, 401, 'the customer token dies with the client');
    assert.equal(
      (await partner.call(clientCredentialsToken, 'GET', `${API}/account-access-consents/${customer.consentId}`)).status,
      401,
      'so does the client-credentials token',
    );
    await assert.rejects(
      client.refreshTokenGrant(partner.config, customer.refreshToken as string, undefined, { DPoP: partner.dpop }),
      (error: client.ResponseBodyError) => {
        assert.match(error.error, /^invalid_(client|grant)$/);
        return true;
      },
    );
    await assert.rejects(partner.clientCredentialsToken(), (error: client.ResponseBodyError) => {
      assert.equal(error.error, 'invalid_client');
      return true;
    });

    const rows = await server.database.dataSource.query<Array<{ status: string; status_reason_code: string | null }>>(
      'SELECT status, status_reason_code FROM consent WHERE id = ?',
      [customer.consentId],
    );
    assert.equal(rows[0]?.status, 'CANC');
    const software = await server.database.dataSource.query<
      Array<{
        status: string;
      }>
    >('SELECT status FROM software WHERE client_id = ?', [clientId]);
    assert.equal(software[0]?.status, 'deregistered');

    const after = await callRegistration(server, 'GET', { clientId, token: registrationToken });
    assert.equal(after.status, 401);
    assert.equal(after.body.error, 'invalid_token');
    assert.match(after.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
  });

  test('POST /register with a statement of a trusted external directory (signed JWT) → 201; the client authenticates with the key at software_jwks_endpoint', async () => {
    const softwareId = 'FarAwaySoftware1';
    const softwareKey = await newSigningKey('far-away-key-1');
    const jwksEndpoint = `${jwksServer.origin}/software/${softwareId}/jwks`;
    jwksServer.documents.set(`/software/${softwareId}/jwks`, { keys: [softwareKey.publicJwk] });
    const externalStatement = await external.sign(externalStatementClaims(softwareId, 'far-away-org-1', { software_jwks_endpoint: jwksEndpoint }));

    const before = await countSoftware(server);
    const request = await signJwt(softwareKey, registrationRequestClaims(server, softwareId, externalStatement, { scope: 'openid accounts' }));
    const answer = await callRegistration(server, 'POST', { body: request, contentType: 'application/jwt' });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.software_id, softwareId);
    assert.equal(answer.body.org_id, 'far-away-org-1');
    assert.equal(answer.body.software_jwks_endpoint, jwksEndpoint);
    assert.equal(answer.body.jwks_uri, jwksEndpoint, "the client's keys are the software's");
    assert.equal(answer.body.jwks, undefined);
    assert.equal(answer.body.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal(await countSoftware(server), before + 1);

    const farAway = await partnerForClient(server, answer.body.client_id, softwareKey);
    const token = await farAway
      .clientCredentialsToken()
      .catch((error: client.ResponseBodyError) =>
        assert.fail(`client credentials with the key published at ${jwksEndpoint} → ${error.error}: ${error.error_description}`),
      );
    const consent = await farAway.call(token, 'POST', `${API}/account-access-consents`, { Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} });
    assert.equal(consent.status, 201);
  });
});
