// Proves on the database under test that partners and their apps round-trip every field, that inserting an app with its new partner is all or nothing, that saving apps is a compare-and-set on their versions (all or nothing, exactly one of concurrent writers wins), and that the provider's adapter serves a client's metadata only while its app is active.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { newBase62Id, newId } from '../../domain/ids.js';
import type { AppStatus, Partner, PartnerApp } from '../../domain/partners/partner-app.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import { createOidcAdapter } from '../oidc-adapter.js';
import { MemoryReplayStore } from '../../fast-store/memory-replay-store.js';
import { TypeOrmPartnerStore } from './partner-store.js';

let testDatabase: TestDatabase;
let database: Database;
let store: TypeOrmPartnerStore;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config, { poolSize: 10 });
  await migrateDatabase(database);
  store = new TypeOrmPartnerStore(database.dataSource);
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

/** A new organisation (timestamps carry milliseconds, which both dialects must keep). */
function newPartner(name = 'Budget Buddy Ltd'): Partner {
  return { id: newId('ptn'), name, status: 'active', createdAt: new Date('2025-11-20T10:11:12.345Z') };
}

/** An app of `partner` with rich metadata: nested JSON, non-ASCII text, a software statement. */
function newApp(partner: Partner, overrides: Partial<PartnerApp> = {}): PartnerApp {
  const clientId = overrides.clientId ?? `cli_${newBase62Id(16)}`;
  return {
    clientId,
    partnerId: partner.id,
    partnerName: partner.name,
    softwareId: newBase62Id(22),
    name: 'Budget Buddy — café edition',
    description: 'Shows where your money goes – £, € and 💷',
    roles: ['AISP', 'PISP'],
    environment: 'sandbox',
    status: 'active',
    origin: 'dcr',
    clientMetadata: {
      client_id: clientId,
      client_name: 'Budget Buddy — café edition',
      redirect_uris: ['https://app.example.com/cb', 'http://127.0.0.1:9/cb'],
      scope: 'openid accounts payments',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: {
        keys: [
          { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' },
        ],
      },
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
    },
    softwareStatement: {
      jwt: 'eyJhbGciOiJQUzI1NiJ9.eyJzb2Z0d2FyZV9pZCI6IngifQ.c2ln',
      claims: { software_id: 'x', software_roles: ['AISP', 'PISP'], iat: 1_763_800_000 },
    },
    registrationTokenHash: 'Yx7r2m0lX8mEo6qg3Yc0pQ3q1a2b3c4d5e6f7g8h9i0',
    version: 1,
    createdAt: new Date('2025-11-21T08:00:00.123Z'),
    updatedAt: new Date('2025-11-21T09:30:00.456Z'),
    ...overrides,
  };
}

async function countPartners(id: string): Promise<number> {
  const rows: Array<{ n: number | string }> = await database.dataSource.query('SELECT COUNT(*) AS n FROM partner WHERE id = ?', [id]);
  return Number(rows[0]?.n);
}

test('insertApp with a new partner, then findApp, findAppStanding and findPartner → every field as stored (metadata JSON, statement, dates to the millisecond)', async () => {
  const partner = newPartner();
  const app = newApp(partner);
  await store.insertApp(app, partner);
  assert.deepEqual(await store.findApp(app.clientId), app);
  assert.equal((await store.findAppStanding(app.clientId))?.status, 'active');
  assert.deepEqual(await store.findPartner(partner.id), partner);
});

test('insertApp without a partner for an organisation that exists → stored under it; listApps → its apps newest first', async () => {
  const partner = newPartner('Two Apps Ltd');
  const older = newApp(partner, {
    createdAt: new Date('2025-11-01T00:00:00.001Z'),
    origin: 'portal',
    softwareStatement: null,
    registrationTokenHash: null,
  });
  const newer = newApp(partner, {
    createdAt: new Date('2025-11-02T00:00:00.002Z'),
    origin: 'cli',
    softwareStatement: null,
    registrationTokenHash: null,
    roles: ['CBPII'],
  });
  await store.insertApp(older, partner);
  await store.insertApp(newer, null);
  assert.deepEqual(await store.listApps(partner.id), [newer, older]);
  assert.deepEqual(await store.listApps(newId('ptn')), []);
});

test('listAppsOfSoftware → every app registered for that software id, and no other', async () => {
  const partner = newPartner();
  const softwareId = newBase62Id(22);
  const portalApp = newApp(partner, { softwareId, origin: 'portal', createdAt: new Date('2025-11-03T00:00:00.000Z') });
  const dcrApp = newApp(partner, { softwareId, origin: 'dcr', createdAt: new Date('2025-11-04T00:00:00.000Z') });
  const otherSoftware = newApp(partner);
  await store.insertApp(portalApp, partner);
  await store.insertApp(dcrApp, null);
  await store.insertApp(otherSoftware, null);
  assert.deepEqual(await store.listAppsOfSoftware(softwareId), [dcrApp, portalApp]);
});

test('findApp, findAppStanding and findPartner with unknown or non-ASCII ids → null (no collation error on MySQL)', async () => {
  assert.equal(await store.findApp('cli_unknown'), null);
  assert.equal(await store.findAppStanding('cli_unknown'), null);
  assert.equal(await store.findPartner('ptn_unknown'), null);
  assert.equal(await store.findApp('cli_ünïcode'), null);
  assert.equal(await store.findAppStanding('cli_ünïcode'), null);
  assert.equal(await store.findPartner('ptn_ünïcode'), null);
  assert.deepEqual(await store.listAppsOfSoftware('sw_ünïcode'), []);
});

test('insertApp with a new partner and a client id already taken → rejected, neither the partner nor the app written', async () => {
  const first = newPartner();
  const app = newApp(first);
  await store.insertApp(app, first);
  const second = newPartner('Copycat Ltd');
  await assert.rejects(store.insertApp(newApp(second, { clientId: app.clientId, name: 'Copycat' }), second));
  assert.equal(await countPartners(second.id), 0, 'the new partner was rolled back with the app');
  assert.equal(await store.findPartner(second.id), null);
  assert.deepEqual(await store.findApp(app.clientId), app, 'the existing app is untouched');
});

test('insertPartnerIfAbsent for an existing id → no error, the stored partner kept', async () => {
  const partner = newPartner('Original Ltd');
  await store.insertPartnerIfAbsent(partner);
  await store.insertPartnerIfAbsent({ ...partner, name: 'Impostor Ltd' });
  assert.deepEqual(await store.findPartner(partner.id), partner);
});

test('saveApps with the version read → true, every field written and the version up by one', async () => {
  const partner = newPartner();
  const app = newApp(partner);
  await store.insertApp(app, partner);
  const changed: PartnerApp = {
    ...app,
    name: 'Budget Buddy 2',
    description: 'Now with payments',
    environment: 'live',
    status: 'disabled',
    roles: ['AISP'],
    clientMetadata: { ...app.clientMetadata, client_name: 'Budget Buddy 2', redirect_uris: ['https://app.example.com/cb2'] },
    softwareStatement: null,
    registrationTokenHash: null,
    updatedAt: new Date('2025-11-22T00:00:00.789Z'),
  };
  assert.equal(await store.saveApps([changed]), true);
  assert.deepEqual(await store.findApp(app.clientId), { ...changed, version: 2, createdAt: app.createdAt });
});

test('saveApps with a stale version → false, nothing written', async () => {
  const partner = newPartner();
  const app = newApp(partner);
  await store.insertApp(app, partner);
  assert.equal(await store.saveApps([{ ...app, name: 'First edit' }]), true);
  assert.equal(await store.saveApps([{ ...app, name: 'Stale edit', status: 'suspended' }]), false);
  const stored = await store.findApp(app.clientId);
  assert.equal(stored?.name, 'First edit');
  assert.equal(stored?.status, 'active');
  assert.equal(stored?.version, 2);
});

test('saveApps of two apps where the second is stale → false, neither written', async () => {
  const partner = newPartner();
  const fresh = newApp(partner);
  const stale = newApp(partner);
  await store.insertApp(fresh, partner);
  await store.insertApp(stale, null);
  assert.equal(await store.saveApps([{ ...stale, name: 'Moved on' }]), true);
  assert.equal(
    await store.saveApps([
      { ...fresh, name: 'Should roll back' },
      { ...stale, name: 'Stale' },
    ]),
    false,
  );
  assert.deepEqual(await store.findApp(fresh.clientId), fresh, 'the first app, written before the conflict was found, was rolled back');
  const second = await store.findApp(stale.clientId);
  assert.equal(second?.name, 'Moved on');
  assert.equal(second?.version, 2);
});

test('10 concurrent saveApps of the same version → exactly one wins, and its write is the one stored', async () => {
  const partner = newPartner();
  const app = newApp(partner);
  await store.insertApp(app, partner);
  const results = await Promise.all(Array.from({ length: 10 }, (_, index) => store.saveApps([{ ...app, name: `Writer ${index}` }])));
  assert.equal(results.filter(Boolean).length, 1);
  const stored = await store.findApp(app.clientId);
  assert.equal(stored?.version, 2);
  assert.equal(stored?.name, `Writer ${results.indexOf(true)}`);
});

test('the provider adapter finds a Client only while its app is active: disabled, suspended, deregistered → undefined', async () => {
  const Adapter = createOidcAdapter(database.dataSource, new MemoryReplayStore());
  const clients = new Adapter('Client');
  const partner = newPartner();
  let app = newApp(partner);
  await store.insertApp(app, partner);
  assert.deepEqual(await clients.find(app.clientId), app.clientMetadata);
  for (const status of ['disabled', 'suspended', 'deregistered', 'active'] as const satisfies readonly AppStatus[]) {
    assert.equal(await store.saveApps([{ ...app, status }]), true);
    app = { ...app, status, version: app.version + 1 };
    assert.deepEqual(await clients.find(app.clientId), status === 'active' ? app.clientMetadata : undefined, status);
  }
  assert.equal(await clients.find('cli_unknown'), undefined);
  assert.equal(await clients.find('cli_ünïcode'), undefined);
});

test('upsert of a Client through the provider adapter → throws, nothing stored', async () => {
  const Adapter = createOidcAdapter(database.dataSource, new MemoryReplayStore());
  const clients = new Adapter('Client');
  await assert.rejects(clients.upsert('cli_from_provider', { client_id: 'cli_from_provider' }), /partner store/);
  assert.equal(await clients.find('cli_from_provider'), undefined);
  const rows: Array<{ n: number | string }> = await database.dataSource.query("SELECT COUNT(*) AS n FROM oidc_model WHERE model = 'Client'");
  assert.equal(Number(rows[0]?.n), 0);
});
