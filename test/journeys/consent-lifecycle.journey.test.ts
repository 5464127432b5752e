// Proves the consent lifecycle across the authorization server and the API: account-information grants get a
// DPoP-bound refresh token that keeps working while the consent is AUTH and stops (invalid_grant) once it is
// revoked or expired; a revoked consent can be re-authorised, an expired one cannot.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import type { ConsentRow } from '../../src/persistence/entities/consent.entity.js';
import type { OidcModelRow } from '../../src/persistence/entities/oidc-model.entity.js';
import { authoriseConsent, customerToken } from '../support/authorise.js';
import { API, partnerClient, registerPartner, type Partner } from '../support/partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('consent lifecycle', () => {
  let server: TestServer;
  let partner: Partner;

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server);
  });
  after(async () => server.close());

  const alice = { username: 'alice', password: 'alice-sandbox-1', accountIds: ['acc_alice_current'] };

  async function refresh(refreshToken: string, using: Partner = partner) {
    return client.refreshTokenGrant(using.config, refreshToken, undefined, { DPoP: using.dpop });
  }

  async function expectInvalidGrant(promise: Promise<unknown>) {
    await assert.rejects(promise, (error: client.ResponseBodyError) => {
      assert.equal(error.error, 'invalid_grant');
      return true;
    });
  }

  test('code exchange for an AIS consent → a refresh token; refresh with the same DPoP key → a new working access token', async () => {
    const { refreshToken } = await customerToken(server, partner, ['ReadAccountsBasic'], alice);
    assert.ok(refreshToken);
    const tokens = await refresh(refreshToken);
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    assert.ok(tokens.refresh_token === undefined || tokens.refresh_token === refreshToken, 'refresh tokens are not rotated');
    assert.equal((await partner.call(tokens.access_token, 'GET', `${API}/accounts`)).status, 200);
    assert.ok((await refresh(refreshToken)).access_token, 'the same refresh token works again');
  });

  test('refresh after the browser session at the bank is gone → still works (tokens last as long as the consent, not the session)', async () => {
    const { refreshToken } = await customerToken(server, partner, ['ReadAccountsBasic'], alice);
    await server.database.dataSource.getRepository<OidcModelRow>('OidcModel').delete({ model: 'Session' });
    const tokens = await refresh(refreshToken as string);
    assert.equal((await partner.call(tokens.access_token, 'GET', `${API}/accounts`)).status, 200);
  });

  test('refresh with another DPoP key → invalid_grant (the refresh token is DPoP-bound)', async () => {
    const { refreshToken } = await customerToken(server, partner, ['ReadAccountsBasic'], alice);
    const otherKey = partnerClient(
      server,
      partner.clientId,
      partner.config,
      client.getDPoPHandle(partner.config, await client.randomDPoPKeyPair('ES256')),
    );
    await expectInvalidGrant(refresh(refreshToken as string, otherKey));
  });

  test('partner DELETE of the consent → refresh fails with invalid_grant', async () => {
    const { consentId, refreshToken } = await customerToken(server, partner, ['ReadAccountsBasic'], alice);
    assert.equal((await partner.call(await partner.clientCredentialsToken(), 'DELETE', `${API}/account-access-consents/${consentId}`)).status, 204);
    await expectInvalidGrant(refresh(refreshToken as string));
  });

  test('a consent past its ExpirationDateTime → EXPD on GET, its token refused, refresh invalid_grant, PAR refused', async () => {
    const { consentId, accessToken, refreshToken } = await customerToken(server, partner, ['ReadAccountsBasic'], {
      ...alice,
      consent: { ExpirationDateTime: new Date(Date.now() + 3600_000).toISOString() },
    });
    await server.database.dataSource.getRepository<ConsentRow>('Consent').update({ id: consentId }, { expiresAt: new Date(Date.now() - 1000) });
    assert.equal((await partner.call(accessToken, 'GET', `${API}/accounts`)).status, 401);
    const consent = await partner.call(await partner.clientCredentialsToken(), 'GET', `${API}/account-access-consents/${consentId}`);
    assert.equal(consent.body.Data.Status, 'EXPD');
    assert.equal(consent.body.Data.StatusReason[0].StatusReasonCode, 'TKXP');
    await expectInvalidGrant(refresh(refreshToken as string));
    await assert.rejects(partner.pushAuthorizationRequest(consentId), (error: client.ResponseBodyError) => error.error === 'invalid_request');
  });

  test('a revoked (CANC) consent → re-authorised by the same customer → AUTH again with a working token', async () => {
    const { consentId, accessToken } = await customerToken(server, partner, ['ReadAccountsBasic'], alice);
    await partner.call(await partner.clientCredentialsToken(), 'DELETE', `${API}/account-access-consents/${consentId}`);
    assert.equal((await partner.call(accessToken, 'GET', `${API}/accounts`)).status, 401);
    const { callback, start } = await authoriseConsent(server, partner, consentId, { ...alice, accountIds: ['acc_alice_savings'] });
    const tokens = await partner.exchangeCode(callback, start);
    const accounts = await partner.call(tokens.access_token, 'GET', `${API}/accounts`);
    assert.equal(accounts.status, 200);
    assert.equal((await partner.call(accessToken, 'GET', `${API}/accounts`)).status, 401, 'a token from before the revocation stays dead');
    assert.deepEqual(
      accounts.body.Data.Account.map((account: { AccountId: string }) => account.AccountId),
      ['acc_alice_savings'],
    );
    const consent = await partner.call(await partner.clientCredentialsToken(), 'GET', `${API}/account-access-consents/${consentId}`);
    assert.equal(consent.body.Data.Status, 'AUTH');
  });

  test('a consent the partner deleted before anyone approved it → cannot be authorised (PAR invalid_request)', async () => {
    const consentId = await partner.createConsent(['ReadAccountsBasic']);
    await partner.call(await partner.clientCredentialsToken(), 'DELETE', `${API}/account-access-consents/${consentId}`);
    await assert.rejects(partner.pushAuthorizationRequest(consentId), (error: client.ResponseBodyError) => error.error === 'invalid_request');
  });

  test('a revoked consent past its expiry → cannot be re-authorised', async () => {
    const { consentId } = await customerToken(server, partner, ['ReadAccountsBasic'], {
      ...alice,
      consent: { ExpirationDateTime: new Date(Date.now() + 3600_000).toISOString() },
    });
    await partner.call(await partner.clientCredentialsToken(), 'DELETE', `${API}/account-access-consents/${consentId}`);
    await server.database.dataSource.getRepository<ConsentRow>('Consent').update({ id: consentId }, { expiresAt: new Date(Date.now() - 1000) });
    await assert.rejects(partner.pushAuthorizationRequest(consentId), (error: client.ResponseBodyError) => {
      assert.equal(error.error, 'invalid_request');
      assert.match(error.error_description ?? '', /expired/);
      return true;
    });
  });
});
