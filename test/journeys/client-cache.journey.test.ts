// Proves that the clients each process keeps in its cache never outlive a change to their app: of two instances on one
// database (each with its own pool, provider and cache, as two processes behind a load balancer), both having served the
// app, a suspension by the operator (the CLI: another process, which need not know of Redis) and a retired key bite on
// the very next token request at each of them, and a reinstatement and a new key are honoured at once — with one-time
// values in the database (REPLAY_STORE=database) and in Redis (REDIS_URL).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import * as client from 'openid-client';
import { reinstateApp, suspendApp } from '../../src/domain/partners/app-lifecycle.js';
import { addAppKeys, retireAppKey } from '../../src/domain/partners/app-settings.js';
import { validateClientMetadata } from '../../src/oauth/client-metadata.js';
import { loadKeyMaterial } from '../../src/oauth/key-material.js';
import { TypeOrmPartnerStore } from '../../src/persistence/stores/partner-store.js';
import { TypeOrmServerKeyStore } from '../../src/persistence/stores/server-key-store.js';
import { registerTestApp } from '../support/partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const REDIS = new URL(process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379');

const STORES: ReadonlyArray<[name: string, env: Record<string, string>]> = [
  ['the database (REPLAY_STORE=database)', { REPLAY_STORE: 'database' }],
  ['Redis (REDIS_URL)', { REDIS_URL: `redis://${REDIS.host}/8` }],
];

/** An app's key pair and an openid-client configuration that authenticates with it (private_key_jwt). */
async function clientWithKey(server: TestServer, kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const configure = async (id: string) => {
    const config = await client.discovery(new URL(server.issuer), id, {}, client.PrivateKeyJwt({ key: privateKey, kid }), {
      execute: [client.allowInsecureRequests],
    });
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    return { config, dpop };
  };
  return { jwk, configure };
}

/** A client-credentials token request: the status, and the error when refused. */
async function tokenRequest(configured: { config: client.Configuration; dpop: client.DPoPHandle }): Promise<string> {
  try {
    await client.clientCredentialsGrant(configured.config, { scope: 'accounts' }, { DPoP: configured.dpop });
    return 'issued';
  } catch (error) {
    if (error instanceof client.ResponseBodyError) return error.error;
    throw error;
  }
}

for (const [name, env] of STORES) {
  describe(`two processes, client caches, app change mark in ${name}`, () => {
    let server: TestServer;
    /**
     * What the operator's CLI builds: the partner store of another process, which knows nothing of Redis — as the
     * command the start banner prints runs, with DATABASE_URL alone.
     */
    let operatorStore: TypeOrmPartnerStore;

    before(async () => {
      server = await startTestServer({ instances: 2, env });
      operatorStore = new TypeOrmPartnerStore(server.database.dataSource);
    });
    after(async () => server.close());

    test('app suspended by the operator after both processes served it → invalid_client at each on the very next request; reinstated → tokens again', async () => {
      const first = await clientWithKey(server, 'key-1');
      const app = await registerTestApp(server, { name: 'Cache Suspended', jwks: { keys: [first.jwk] }, roles: ['AISP'] });
      const partner = await first.configure(app.clientId);
      assert.deepEqual([await tokenRequest(partner), await tokenRequest(partner), await tokenRequest(partner)], ['issued', 'issued', 'issued']);

      await suspendApp(operatorStore, app.clientId, new Date());
      assert.deepEqual([await tokenRequest(partner), await tokenRequest(partner)], ['invalid_client', 'invalid_client'], 'one request per process');

      await reinstateApp(operatorStore, app.clientId, new Date());
      assert.deepEqual([await tokenRequest(partner), await tokenRequest(partner)], ['issued', 'issued']);
    });

    test('key rotated (new key added, old one retired) after both processes served the app → the old key refused at each at once, the new one accepted', async () => {
      const old = await clientWithKey(server, 'key-old');
      const app = await registerTestApp(server, { name: 'Cache Rotated', jwks: { keys: [old.jwk] }, roles: ['AISP'] });
      const withOld = await old.configure(app.clientId);
      assert.deepEqual([await tokenRequest(withOld), await tokenRequest(withOld)], ['issued', 'issued']);
      const services = {
        partners: operatorStore,
        validateClientMetadata: validateClientMetadata(
          server.config,
          await loadKeyMaterial(server.config, new TypeOrmServerKeyStore(server.database.dataSource)),
        ),
        mode: 'sandbox' as const,
      };

      const added = await clientWithKey(server, 'key-new');
      await addAppKeys(services, app.partnerId, app.clientId, added.jwk, new Date());
      const withNew = await added.configure(app.clientId);
      assert.deepEqual([await tokenRequest(withNew), await tokenRequest(withNew)], ['issued', 'issued'], 'the new key, at each process at once');

      await retireAppKey(services, app.partnerId, app.clientId, 'key-old', new Date());
      assert.deepEqual(
        [await tokenRequest(withOld), await tokenRequest(withOld)],
        ['invalid_client', 'invalid_client'],
        'the retired key, at each process',
      );
      assert.deepEqual([await tokenRequest(withNew), await tokenRequest(withNew)], ['issued', 'issued']);
    });
  });
}
