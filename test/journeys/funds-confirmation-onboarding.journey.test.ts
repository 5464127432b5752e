// Proves that the CBPII role is real from onboarding to the API: software with the CBPII role registered by Dynamic
// Client Registration (a statement of the bank's own directory) gets the scope fundsconfirmations, and with it a client
// credentials token that creates a funds confirmation consent; an app without the role is refused the scope at the token
// endpoint (invalid_scope), and its tokens of other scopes are refused by the confirmation of funds API (403 U006).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { ALICE_CURRENT, FUNDS_CONSENTS } from '../support/funds-partner.js';
import { registerPartner } from '../support/partner.js';
import { issueOwnStatement, partnerForClient, registerPortalSoftware } from '../support/software-statements.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('the CBPII role from onboarding to the API', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  test('POST /register with a statement of CBPII software → scope "openid fundsconfirmations"; its token creates a consent (201 AWAU)', async () => {
    const software = await registerPortalSoftware(server, { name: 'Card Issuer DCR', roles: ['CBPII'] });
    const statement = await issueOwnStatement(server, software.app.clientId);
    const config = await client.dynamicClientRegistration(
      new URL(server.issuer),
      { software_statement: statement },
      client.PrivateKeyJwt({ key: software.key.privateKey, kid: software.key.kid }),
      { execute: [client.allowInsecureRequests] },
    );
    const registered = config.clientMetadata() as { client_id: string; scope?: string; software_roles?: string[] };
    assert.equal(registered.scope, 'openid fundsconfirmations');
    assert.deepEqual(registered.software_roles, ['CBPII']);
    const issuer = await partnerForClient(server, registered.client_id, software.key);
    const token = await client.clientCredentialsGrant(issuer.config, { scope: 'fundsconfirmations' }, { DPoP: issuer.dpop });
    assert.equal(token.scope, 'fundsconfirmations');
    const created = await issuer.call(token.access_token, 'POST', FUNDS_CONSENTS, { Data: { DebtorAccount: ALICE_CURRENT } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.Data.Status, 'AWAU');
  });

  test('an app without the CBPII role → the token endpoint refuses fundsconfirmations (invalid_scope); its accounts token gets 403 U006', async () => {
    const reader = await registerPartner(server, 'Budget Only');
    await assert.rejects(
      client.clientCredentialsGrant(reader.config, { scope: 'fundsconfirmations' }, { DPoP: reader.dpop }),
      (error: client.ResponseBodyError) => error.error === 'invalid_scope',
    );
    const refused = await reader.call(await reader.clientCredentialsToken(), 'POST', FUNDS_CONSENTS, { Data: { DebtorAccount: ALICE_CURRENT } });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.Errors[0].ErrorCode, 'U006');
  });
});
