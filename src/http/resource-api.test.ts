// Proves the behaviour every endpoint of the resource API shares: optional OBIE endpoints we do not offer
// answer 404, an unexpected failure answers 500 U000 revealing only the interaction id, and the headers the
// conformance suite sends that we do not use are ignored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as client from 'openid-client';
import { customerToken } from '../../test/support/authorise.js';
import { API, partnerClient, registerPartner, type Partner } from '../../test/support/partner.js';
import { startTestServer, type TestServer } from '../../test/support/test-server.js';

describe('resource API', () => {
  let server: TestServer;
  let partner: Partner;
  let token: string;

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server);
    ({ accessToken: token } = await customerToken(
      server,
      partner,
      ['ReadAccountsDetail', 'ReadBalances', 'ReadTransactionsBasic', 'ReadTransactionsDebits'],
      {
        username: 'carol',
        password: 'carol-sandbox-3',
        accountIds: ['acc_carol_current'],
      },
    ));
  });
  after(async () => server.close());

  test('another version of the API (/open-banking/v3.1/…) or none (/open-banking/) → 404 U011 with an OBIE body, not plain text', async () => {
    for (const path of ['/open-banking/v3.1/aisp/accounts', '/open-banking/', '/open-banking']) {
      const response = await fetch(`${server.issuer}${path}`);
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/, path);
      const body = (await response.json()) as { Errors: Array<{ ErrorCode: string }> };
      assert.deepEqual(
        body.Errors.map((error) => error.ErrorCode),
        ['U011'],
        path,
      );
    }
  });

  test('optional endpoints not offered (beneficiaries, direct debits, statements, party…) → 404 with an OBIE body', async () => {
    for (const path of [
      '/accounts/acc_carol_current/beneficiaries',
      '/direct-debits',
      '/accounts/acc_carol_current/statements',
      '/party',
      '/accounts/acc_carol_current/balances/foobar',
    ]) {
      const response = await partner.call(token, 'GET', `${API}${path}`);
      assert.equal(response.status, 404, path);
      assert.equal(response.body.Errors[0].ErrorCode, 'U011');
    }
  });

  test('headers we do not use (x-fapi-financial-id, x-fapi-auth-date, x-fapi-customer-ip-address, x-customer-user-agent) → ignored', async () => {
    const response = await partner.call(token, 'GET', `${API}/accounts`, undefined, {
      'x-fapi-financial-id': '0015800001041RHAAY',
      'x-fapi-auth-date': 'Sun, 10 Sep 2017 19:43:31 GMT',
      'x-fapi-customer-ip-address': '2001:db8::1',
      'x-customer-user-agent': 'Mozilla/5.0',
    });
    assert.equal(response.status, 200);
  });

  test("a DPoP proof carrying another party's public key (with extra members) → 401, and that party's calls keep working", async () => {
    const victimKeys = await client.randomDPoPKeyPair('ES256');
    const victim = partnerClient(server, partner.clientId, partner.config, client.getDPoPHandle(partner.config, victimKeys));
    const victimToken = await customerToken(server, victim, ['ReadAccountsBasic'], {
      username: 'carol',
      password: 'carol-sandbox-3',
      accountIds: ['acc_carol_current'],
    });
    const attackerKeys = await generateKeyPair('ES256');
    const url = `${server.issuer}${API}/accounts`;
    const proof = await new SignJWT({ htm: 'GET', htu: url, jti: randomUUID(), ath: createHash('sha256').update(token).digest('base64url') })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: { ...(await exportJWK(victimKeys.publicKey)), key_ops: [] } })
      .setIssuedAt()
      .sign(attackerKeys.privateKey);
    const attack = await fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    assert.equal(attack.status, 401);
    assert.equal((await victim.call(victimToken.accessToken, 'GET', `${API}/accounts`)).status, 200);
  });

  test('ids with non-ASCII characters → 400/403 answers, never a 500 (ids are ASCII columns on MySQL)', async () => {
    const ccToken = await partner.clientCredentialsToken();
    assert.equal((await partner.call(ccToken, 'GET', `${API}/account-access-consents/aac_%C3%A9`)).status, 400);
    assert.equal((await partner.call(token, 'GET', `${API}/accounts/acc_%C3%A9`)).status, 403);
    assert.equal((await partner.call(token, 'GET', `${API}/accounts/acc_carol_current/transactions?cursor=abc.${'é'.repeat(22)}`)).status, 400);
    await assert.rejects(partner.pushAuthorizationRequest('aac_é'), (error: client.ResponseBodyError) => error.error === 'invalid_request');
  });

  test('an unexpected failure (the database goes away) → 500 U000 carrying only the interaction id', async () => {
    const interactionId = '3f1c2a7e-52b4-4d0e-9a6b-1c2d3e4f5a6b';
    await server.database.dataSource.destroy();
    try {
      const response = await partner.call(token, 'GET', `${API}/accounts`, undefined, { 'x-fapi-interaction-id': interactionId });
      assert.equal(response.status, 500);
      assert.equal(response.headers.get('x-fapi-interaction-id'), interactionId);
      assert.equal(response.body.Errors[0].ErrorCode, 'U000');
      assert.equal(response.body.Id, interactionId);
      assert.doesNotMatch(JSON.stringify(response.body), /Error:|at |sqlite|mysql|TypeORM|Connection/i);
    } finally {
      await server.restart();
    }
  });
});
