// Proves that a refused access token names the reason a partner has to act on, as onboarding.md and errors.md say: after
// DELETE /register/{client_id}, every token of the client is refused because the app is deregistered (its consents ended
// with it, but the app is the reason); an app suspended or switched off is named even when its consent has also ended;
// and an active app's ended consent is named as the consent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { disableApp, enableApp, reinstateApp, suspendApp } from '../../src/domain/partners/app-lifecycle.js';
import type { TypeOrmPartnerStore } from '../../src/persistence/stores/partner-store.js';
import { customerToken } from '../support/authorise.js';
import { API, registerPartner, type ApiResponse } from '../support/partner.js';
import { callRegistration, issueOwnStatement, partnerForClient, registerPortalSoftware } from '../support/software-statements.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const APP_REFUSED = 'The app this access token was issued to is suspended, disabled or deregistered';
const CONSENT_REFUSED = 'The consent behind this access token is no longer authorised';
const BOB = { username: 'bob', password: 'bob-sandbox-2', accountIds: ['acc_bob_current'] };

/** Asserts a 401 U006 on `Authorization` whose body and DPoP challenge both give `reason`. */
function assertRefusedFor(response: ApiResponse, reason: string): void {
  assert.equal(response.status, 401, JSON.stringify(response.body));
  assert.deepEqual(response.body.Errors, [{ ErrorCode: 'U006', Message: reason, Path: 'Authorization' }]);
  assert.match(response.headers.get('www-authenticate') ?? '', new RegExp(`error_description="${reason}"`));
}

describe('token refusal reasons', () => {
  let server: TestServer;
  let partners: TypeOrmPartnerStore;

  before(async () => {
    server = await startTestServer();
    partners = server.instance.partners;
  });
  after(async () => server?.close());

  test('DELETE /register/{client_id}, then its customer token and its client-credentials token → 401 U006 naming the deregistered app', async () => {
    const software = await registerPortalSoftware(server, { roles: ['AISP'] });
    const registered = await callRegistration(server, 'POST', {
      body: { software_statement: await issueOwnStatement(server, software.app.clientId) },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const partner = await partnerForClient(server, registered.body.client_id, software.key);
    const { consentId, accessToken } = await customerToken(server, partner, ['ReadAccountsBasic'], BOB);
    const clientCredentials = await partner.clientCredentialsToken();
    assert.equal((await partner.call(accessToken, 'GET', `${API}/accounts`)).status, 200);

    const deleted = await callRegistration(server, 'DELETE', { clientId: partner.clientId, token: registered.body.registration_access_token });
    assert.equal(deleted.status, 204);

    assertRefusedFor(await partner.call(accessToken, 'GET', `${API}/accounts`), APP_REFUSED);
    assertRefusedFor(await partner.call(clientCredentials, 'GET', `${API}/account-access-consents/${consentId}`), APP_REFUSED);
  });

  test('a consent its partner deleted → its customer token names the consent; the app then suspended or switched off → names the app; active again → the consent', async () => {
    const partner = await registerPartner(server, 'Ended Consents');
    const { consentId, accessToken } = await customerToken(server, partner, ['ReadAccountsBasic'], BOB);
    const deleted = await partner.call(await partner.clientCredentialsToken(), 'DELETE', `${API}/account-access-consents/${consentId}`);
    assert.equal(deleted.status, 204);
    assertRefusedFor(await partner.call(accessToken, 'GET', `${API}/accounts`), CONSENT_REFUSED);

    await suspendApp(partners, partner.clientId, new Date());
    assertRefusedFor(await partner.call(accessToken, 'GET', `${API}/accounts`), APP_REFUSED);
    await reinstateApp(partners, partner.clientId, new Date());
    assertRefusedFor(await partner.call(accessToken, 'GET', `${API}/accounts`), CONSENT_REFUSED);

    const app = await partners.findApp(partner.clientId);
    assert.ok(app);
    await disableApp(partners, app.partnerId, partner.clientId, new Date());
    assertRefusedFor(await partner.call(accessToken, 'GET', `${API}/accounts`), APP_REFUSED);
    await enableApp(partners, app.partnerId, partner.clientId, new Date());
    assertRefusedFor(await partner.call(accessToken, 'GET', `${API}/accounts`), CONSENT_REFUSED);
  });
});
