// Proves on the dialect under test that the partner-onboarding migration carries the data of a database of the old shape across: each app gets its provider Client's metadata, a Base62 software id, origin cli and version 1; the Client rows leave oidc_model; existing customers become sandbox customers; consents gain an empty last_used_at.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { migrateDatabase, openDatabase, type Database } from './data-source.js';
import { mysqlMigrations } from './migrations/mysql/index.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';
import { createOidcAdapter } from './oidc-adapter.js';
import { MemoryReplayStore } from '../fast-store/memory-replay-store.js';
import { sqlTime } from './sql.js';
import { TypeOrmPartnerStore } from './stores/partner-store.js';

const ONBOARDING = 'PartnerOnboarding1764100000000';
const CREATED_AT = new Date('2025-11-10T09:08:07.654Z');

/** Apps of the old shape, each with its provider Client row. */
const OLD_APPS = [
  { clientId: 'cli_old_active', name: 'Budget Buddy', roles: ['AISP', 'PISP'], status: 'active' },
  { clientId: 'cli_old_suspended', name: 'Budget Buddy — café', roles: ['AISP'], status: 'suspended' },
] as const;
/** An app row whose Client row is missing (none can exist; the migration drops it). */
const ORPHAN_APP = { clientId: 'cli_old_orphan', name: 'No client row', roles: ['AISP'], status: 'active' } as const;

let testDatabase: TestDatabase;
let database: Database;
let migrationNames: string[];
let applied: string[];

/** The provider's Client payload as `openteller partner create` stored it before the migration. */
function clientPayload(clientId: string, name: string): Record<string, unknown> {
  return {
    client_id: clientId,
    client_name: name,
    redirect_uris: ['https://app.example.com/cb', 'http://127.0.0.1:9/cb'],
    scope: 'openid accounts payments',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    jwks: {
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
          y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
          kid: 'partner-key-1',
          use: 'sig',
        },
      ],
    },
    dpop_bound_access_tokens: true,
    require_pushed_authorization_requests: true,
  };
}

async function scalar(sql: string, parameters: unknown[] = []): Promise<unknown> {
  const rows: Array<Record<string, unknown>> = await database.dataSource.query(sql, parameters);
  return rows[0] ? Object.values(rows[0])[0] : undefined;
}

/** Builds the database as it stood before partner onboarding (only the earlier migrations, rows written as the old code wrote them), then migrates it. */
before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
  const migrations = database.dialect === 'sqlite' ? sqliteMigrations : mysqlMigrations;
  migrationNames = migrations.map((Migration) => new Migration().name);
  const cut = migrationNames.indexOf(ONBOARDING);
  assert.ok(cut > 0, `${ONBOARDING} is in the migration set`);
  const old = new DataSource({ ...database.dataSource.options, migrations: migrations.slice(0, cut) });
  await old.initialize();
  try {
    await old.runMigrations({ transaction: 'each' });
    const at = sqlTime(database.dialect, CREATED_AT);
    await old.query('INSERT INTO partner (id, name, status, created_at) VALUES (?, ?, ?, ?)', ['ptn_old_1', 'Budget Buddy Ltd', 'active', at]);
    for (const app of [...OLD_APPS, ORPHAN_APP]) {
      await old.query('INSERT INTO software (client_id, partner_id, name, roles, environment, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        app.clientId,
        'ptn_old_1',
        app.name,
        JSON.stringify(app.roles),
        'sandbox',
        app.status,
        at,
      ]);
    }
    for (const app of OLD_APPS) {
      await old.query('INSERT INTO oidc_model (model, id, payload) VALUES (?, ?, ?)', [
        'Client',
        app.clientId,
        JSON.stringify(clientPayload(app.clientId, app.name)),
      ]);
    }
    await old.query('INSERT INTO oidc_model (model, id, payload, uid) VALUES (?, ?, ?, ?)', ['Session', 'session-1', '{"jti":"session-1"}', 'uid-1']);
    for (const [id, username] of [
      ['cus_old_erin', 'erin'],
      ['cus_sandbox_old', 'sandy'],
    ]) {
      await old.query(
        'INSERT INTO customer (id, username, display_name, password_hash, failed_login_count, locked_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [id, username, 'Old Customer', 'scrypt$32768$8$1$salt$hash', 0, null, at],
      );
    }
    await old.query(
      `INSERT INTO consent (id, kind, client_id, status, status_reason_code, status_reason_description, permissions, expires_at, transaction_from_at,
         transaction_to_at, customer_id, grant_id, authorised_at, created_at, status_updated_at, request)
       VALUES (?, ?, ?, ?, NULL, NULL, ?, NULL, NULL, NULL, ?, ?, ?, ?, ?, ?)`,
      [
        'aac_old_1',
        'account-access',
        'cli_old_active',
        'AUTH',
        '["ReadAccountsBasic"]',
        'cus_old_erin',
        'grant-old-1',
        at,
        at,
        at,
        '{"ExpirationDateTime":null}',
      ],
    );
  } finally {
    await old.destroy();
  }
  applied = await migrateDatabase(database);
});

after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

test('migrate the old database → exactly the migrations from PartnerOnboarding on applied, no schema difference left', async () => {
  assert.deepEqual(applied, migrationNames.slice(migrationNames.indexOf(ONBOARDING)));
  const pending = await database.dataSource.driver.createSchemaBuilder().log();
  assert.deepEqual(
    pending.upQueries.map((query) => query.query),
    [],
  );
});

test('each old app with a Client → client_metadata equal to the Client payload, its own 22-character Base62 software_id, origin cli, version 1, the rest kept', async () => {
  const partners = new TypeOrmPartnerStore(database.dataSource);
  const softwareIds = new Set<string>();
  for (const old of OLD_APPS) {
    const app = await partners.findApp(old.clientId);
    assert.ok(app, old.clientId);
    assert.deepEqual(app.clientMetadata, clientPayload(old.clientId, old.name));
    assert.match(app.softwareId, /^[0-9A-Za-z]{22}$/);
    softwareIds.add(app.softwareId);
    assert.equal(app.origin, 'cli');
    assert.equal(app.version, 1);
    assert.equal(app.description, '');
    assert.equal(app.name, old.name);
    assert.deepEqual(app.roles, old.roles);
    assert.equal(app.status, old.status);
    assert.equal(app.environment, 'sandbox');
    assert.equal(app.partnerId, 'ptn_old_1');
    assert.equal(app.partnerName, 'Budget Buddy Ltd');
    assert.equal(app.softwareStatement, null);
    assert.equal(app.registrationTokenHash, null);
    assert.equal(app.createdAt.getTime(), CREATED_AT.getTime());
    assert.equal(app.updatedAt.getTime(), CREATED_AT.getTime());
  }
  assert.equal(softwareIds.size, OLD_APPS.length, 'no two apps share a software id');
});

test('an old app without a Client row → dropped', async () => {
  assert.equal(await new TypeOrmPartnerStore(database.dataSource).findApp(ORPHAN_APP.clientId), null);
});

test('the old Client rows → gone from oidc_model, other provider state kept, the provider finds the active client in software', async () => {
  assert.equal(Number(await scalar("SELECT COUNT(*) AS n FROM oidc_model WHERE model = 'Client'")), 0);
  assert.equal(Number(await scalar("SELECT COUNT(*) AS n FROM oidc_model WHERE model = 'Session'")), 1);
  const clients = new (createOidcAdapter(database.dataSource, new MemoryReplayStore()))('Client');
  assert.deepEqual(await clients.find('cli_old_active'), clientPayload('cli_old_active', 'Budget Buddy'));
  assert.equal(await clients.find('cli_old_suspended'), undefined, 'a suspended app gets no client');
});

test('a customer of the sandbox seed → environment sandbox; any other customer → live (sandbox apps cannot reach them)', async () => {
  assert.equal(await scalar('SELECT environment FROM customer WHERE id = ?', ['cus_sandbox_old']), 'sandbox');
  assert.equal(await scalar('SELECT environment FROM customer WHERE id = ?', ['cus_old_erin']), 'live');
});

test('an old consent → last_used_at exists and is NULL', async () => {
  const consents: Array<{ last_used_at: unknown }> = await database.dataSource.query('SELECT last_used_at FROM consent WHERE id = ?', ['aac_old_1']);
  assert.deepEqual(consents, [{ last_used_at: null }]);
});
