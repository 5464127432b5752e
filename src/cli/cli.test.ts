// Proves the `openteller` command as an operator runs it, in a child process against a fresh database: migrate, seed, partner registration, the sandbox customer list, and exit codes 1 (refused) and 2 (usage or configuration) with a message instead of a stack trace.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK } from 'jose';
import { assertExit, runToExit, type Run } from '../../test/support/child-process.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { PAYMENT_SIGNING_JWK } from '../../test/support/sample-keys.js';
import { openDatabase } from '../persistence/data-source.js';
import { TypeOrmServerKeyStore } from '../persistence/stores/server-key-store.js';
import { mysqlMigrations } from '../persistence/migrations/mysql/index.js';
import { sqliteMigrations } from '../persistence/migrations/sqlite/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT_MS = 60_000;
/** Variables of the parent's environment that would change what the CLI does; each test sets its own. */
const CONFIG_VARIABLES = [
  'OPENTELLER_MODE',
  'PORT',
  'HOST',
  'ISSUER',
  'SIGNING_KEYS_FILE',
  'COOKIE_SECRETS',
  'TRUST_PROXY',
  'DIRECTORY_KEYS_FILE',
  'TRUSTED_DIRECTORIES_FILE',
];

describe('openteller CLI', () => {
  let database: TestDatabase;
  let dir: string;
  let publicJwksFile: string;
  let privateJwksFile: string;

  before(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'openteller-cli-'));
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    publicJwksFile = join(dir, 'public-jwks.json');
    privateJwksFile = join(dir, 'private-jwks.json');
    writeFileSync(
      publicJwksFile,
      JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'partner-key-1', alg: 'ES256', use: 'sig' }, PAYMENT_SIGNING_JWK] }),
    );
    writeFileSync(privateJwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'partner-key-1', alg: 'ES256', use: 'sig' }] }));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  /** Runs `openteller …args` to completion (killed and failed if it does not exit in time). */
  function openteller(args: readonly string[], env: NodeJS.ProcessEnv = {}, as: { uid: number; gid: number } | null = null): Promise<Run> {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent' };
    for (const variable of CONFIG_VARIABLES) delete childEnv[variable];
    Object.assign(childEnv, env);
    return runToExit(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
      cwd: ROOT,
      env: childEnv,
      ...as,
      timeoutMs: TIMEOUT_MS,
      what: `openteller ${args.join(' ')}`,
    });
  }

  function assertNoStackTrace(run: Run): void {
    assert.doesNotMatch(run.stderr, /\n\s+at /, run.stderr);
  }

  /** What the CLI itself printed on stderr: oidc-provider's warning about Node.js 20 (README "Requirements") aside. */
  function ownErrorLines(run: Run): string[] {
    return run.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('oidc-provider WARNING: Unsupported runtime'));
  }

  const partnerArgs = (overrides: { redirectUris?: string[]; jwksFile?: string; roles?: string | null } = {}): string[] => [
    'partner',
    'create',
    '--name',
    'Budget Buddy',
    ...(overrides.redirectUris ?? ['http://localhost:8080/cb', 'http://127.0.0.1:9/cb']).flatMap((uri) => ['--redirect-uri', uri]),
    '--jwks-file',
    overrides.jwksFile ?? publicJwksFile,
    ...(overrides.roles === null ? [] : ['--roles', overrides.roles ?? 'AISP,PISP']),
  ];

  test('migrate on an empty database → exit 0, JSON listing every migration applied, oldest first; again → nothing applied', async () => {
    const migrations = database.config.kind === 'sqlite' ? sqliteMigrations : mysqlMigrations;
    const names = migrations.map((Migration) => new Migration().name);
    assert.equal(names[0], 'InitialSchema1763800000000');
    const first = await openteller(['migrate']);
    assertExit(first, 0);
    assert.deepEqual(JSON.parse(first.stdout), { applied: names });
    const second = await openteller(['migrate']);
    assertExit(second, 0);
    assert.deepEqual(JSON.parse(second.stdout), { applied: [] });
  });

  test('seed → seeded true; seed again → seeded false', async () => {
    const first = await openteller(['seed']);
    assertExit(first, 0);
    assert.deepEqual(JSON.parse(first.stdout), { seeded: true });
    const second = await openteller(['seed']);
    assertExit(second, 0);
    assert.deepEqual(JSON.parse(second.stdout), { seeded: false });
  });

  test('partner create with loopback http redirect URIs, a public ES256 JWKS and roles AISP,PISP → exit 0, JSON with a cli_ client id and scope "openid accounts payments"', async () => {
    const run = await openteller(partnerArgs());
    assertExit(run, 0);
    const output = JSON.parse(run.stdout);
    assert.match(output.client_id, /^cli_[A-Za-z0-9_-]+$/);
    assert.equal(output.client_name, 'Budget Buddy');
    assert.match(output.partner_id, /^ptn_/);
    assert.deepEqual(output.roles, ['AISP', 'PISP']);
    assert.equal(output.environment, 'sandbox');
    assert.equal(output.scope, 'openid accounts payments');
    assert.deepEqual(output.redirect_uris, ['http://localhost:8080/cb', 'http://127.0.0.1:9/cb']);
    assert.equal(output.issuer, 'http://localhost:3000');
    assert.equal(output.discovery, 'http://localhost:3000/.well-known/openid-configuration');
  });

  test('partner create twice → two different client ids', async () => {
    const first = await openteller(partnerArgs({ roles: 'AISP' }));
    const second = await openteller(partnerArgs({ roles: 'AISP' }));
    assertExit(first, 0);
    assertExit(second, 0);
    assert.notEqual(JSON.parse(first.stdout).client_id, JSON.parse(second.stdout).client_id);
  });

  test('partner create with an http redirect URI that is not loopback → exit 1, message about https', async () => {
    const run = await openteller(partnerArgs({ redirectUris: ['http://app.example.com/cb'] }));
    assertExit(run, 1);
    assert.match(run.stderr, /^openteller: .*http:\/\/app\.example\.com\/cb.*https/m);
    assert.equal(run.stdout, '');
    assertNoStackTrace(run);
  });

  test('partner create with a JWKS holding a private key → exit 1, message about public keys', async () => {
    const run = await openteller(partnerArgs({ jwksFile: privateJwksFile }));
    assertExit(run, 1);
    assert.match(run.stderr, /^openteller: .*public keys only/m);
    assert.equal(run.stdout, '');
    assertNoStackTrace(run);
  });

  test('partner create without --roles → exit 2 with the usage', async () => {
    const run = await openteller(partnerArgs({ roles: null }));
    assertExit(run, 2);
    assert.match(run.stderr, /--roles/);
    assert.match(run.stderr, /Usage: openteller <command>/);
    assert.equal(run.stdout, '');
  });

  test('partner create with a --jwks-file that does not exist → exit 2 naming the file', async () => {
    const missing = join(dir, 'missing.json');
    const run = await openteller(partnerArgs({ jwksFile: missing }));
    assertExit(run, 2);
    assert.ok(run.stderr.includes(missing), run.stderr);
    assertNoStackTrace(run);
  });

  test('partner create with an unknown option → exit 2 with the usage, no stack trace', async () => {
    const run = await openteller([...partnerArgs(), '--colour', 'blue']);
    assertExit(run, 2);
    assert.match(run.stderr, /Usage: openteller <command>/);
    assertNoStackTrace(run);
  });

  /** The JSON `partner create` printed for a new app (AISP and PISP). */
  interface CreatedApp {
    readonly client_id: string;
    readonly partner_id: string;
    readonly software_id: string;
    readonly redirect_uris: string[];
    readonly roles: string[];
  }

  async function createApp(): Promise<CreatedApp> {
    const run = await openteller(partnerArgs());
    assertExit(run, 0);
    return JSON.parse(run.stdout) as CreatedApp;
  }

  test('partner create → JSON with a software_id of 22 Base62 characters, different for each app', async () => {
    const first = await createApp();
    const second = await createApp();
    assert.match(first.software_id, /^[0-9A-Za-z]{22}$/);
    assert.match(second.software_id, /^[0-9A-Za-z]{22}$/);
    assert.notEqual(first.software_id, second.software_id);
  });

  test('partner approve <client_id> → exit 0, JSON with environment live and status active', async () => {
    const app = await createApp();
    const run = await openteller(['partner', 'approve', app.client_id]);
    assertExit(run, 0);
    assert.deepEqual(JSON.parse(run.stdout), { client_id: app.client_id, client_name: 'Budget Buddy', environment: 'live', status: 'active' });
  });

  test('partner suspend <client_id> → exit 0, JSON with status suspended', async () => {
    const app = await createApp();
    const run = await openteller(['partner', 'suspend', app.client_id]);
    assertExit(run, 0);
    assert.deepEqual(JSON.parse(run.stdout), { client_id: app.client_id, client_name: 'Budget Buddy', environment: 'sandbox', status: 'suspended' });
  });

  test('partner reinstate <client_id> of a suspended app → exit 0, JSON with status active', async () => {
    const app = await createApp();
    assertExit(await openteller(['partner', 'suspend', app.client_id]), 0);
    const run = await openteller(['partner', 'reinstate', app.client_id]);
    assertExit(run, 0);
    assert.equal(JSON.parse(run.stdout).status, 'active');
  });

  test('partner reinstate <client_id> of an active app → exit 1 with a message, no stack trace', async () => {
    const app = await createApp();
    const run = await openteller(['partner', 'reinstate', app.client_id]);
    assertExit(run, 1);
    assert.match(run.stderr, /^openteller: .*not suspended/m);
    assert.equal(run.stdout, '');
    assertNoStackTrace(run);
  });

  test('partner approve with an unknown client id → exit 1 naming it, no stack trace', async () => {
    const run = await openteller(['partner', 'approve', 'cli_does_not_exist']);
    assertExit(run, 1);
    assert.match(run.stderr, /^openteller: .*cli_does_not_exist/m);
    assert.equal(run.stdout, '');
    assertNoStackTrace(run);
  });

  test('partner approve without a client id → exit 2 with the usage', async () => {
    const run = await openteller(['partner', 'approve']);
    assertExit(run, 2);
    assert.match(run.stderr, /partner approve needs exactly one client id/);
    assert.match(run.stderr, /Usage: openteller <command>/);
    assert.equal(run.stdout, '');
  });

  test('ssa issue --client <client_id> → a PS256 JWT with a kid, verified by the directory key, naming the app, its organisation and its roles, valid for 7 days', async () => {
    const app = await createApp();
    const run = await openteller(['ssa', 'issue', '--client', app.client_id]);
    assertExit(run, 0);
    const jwt = run.stdout.trim();
    const header = decodeProtectedHeader(jwt);
    assert.equal(header.alg, 'PS256');
    assert.ok(typeof header.kid === 'string' && header.kid.length > 0, JSON.stringify(header));

    const opened = await openDatabase(database.config, { poolSize: 1 });
    const stored = await new TypeOrmServerKeyStore(opened.dataSource).list('directory').finally(() => opened.dataSource.destroy());
    assert.equal(stored.length, 1);
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = stored[0]?.material as JWK;
    assert.equal(publicJwk.kid, header.kid);
    const { payload } = await jwtVerify(jwt, await importJWK(publicJwk, 'PS256'), { algorithms: ['PS256'] });

    assert.equal(payload.iss, 'http://localhost:3000/directory');
    assert.equal(payload.software_id, app.software_id);
    assert.equal(payload.software_client_id, app.client_id);
    assert.deepEqual(payload.software_redirect_uris, app.redirect_uris);
    assert.deepEqual(payload.software_roles, app.roles);
    assert.equal(payload.org_id, app.partner_id);
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 7 * 24 * 3600);
  });

  test('ssa issue --client <client_id> of a suspended app → exit 1 with a message, nothing printed', async () => {
    const app = await createApp();
    assertExit(await openteller(['partner', 'suspend', app.client_id]), 0);
    const run = await openteller(['ssa', 'issue', '--client', app.client_id]);
    assertExit(run, 1);
    assert.match(run.stderr, /^openteller: .*suspended/m);
    assert.equal(run.stdout, '');
    assertNoStackTrace(run);
  });

  test('ssa issue without --client → exit 2 with the usage', async () => {
    const run = await openteller(['ssa', 'issue']);
    assertExit(run, 2);
    assert.match(run.stderr, /ssa issue needs --client/);
    assert.match(run.stderr, /Usage: openteller <command>/);
    assert.equal(run.stdout, '');
  });

  test('fx-contract issue --client <client_id> --currencies GBP/USD --rate 1.25 --days 30 → JSON with an FXC contract id at exactly 1.25 for 30 days; USD/GBP (no USD accounts) → exit 1; an unknown client → exit 2', async () => {
    const app = await createApp();
    const run = await openteller(['fx-contract', 'issue', '--client', app.client_id, '--currencies', 'GBP/USD', '--rate', '1.25', '--days', '30']);
    assertExit(run, 0);
    const contract = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.match(String(contract.ContractIdentification), /^FXC\.GBP\.USD\.125000000\.\d+\.[A-Za-z0-9_-]{43}$/);
    assert.equal(contract.UnitCurrency, 'GBP');
    assert.equal(contract.CurrencyOfTransfer, 'USD');
    assert.equal(contract.ExchangeRate, 1.25);
    const days = (Date.parse(String(contract.ExpirationDateTime)) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, String(contract.ExpirationDateTime));

    const refused = await openteller(['fx-contract', 'issue', '--client', app.client_id, '--currencies', 'USD/GBP']);
    assertExit(refused, 1);
    assert.match(refused.stderr, /^openteller: Customers hold no accounts in USD/m);
    assert.equal(refused.stdout, '');
    assertNoStackTrace(refused);

    const unknown = await openteller(['fx-contract', 'issue', '--client', 'cli_does_not_exist', '--currencies', 'GBP/USD']);
    assertExit(unknown, 2);
    assert.match(unknown.stderr, /no app has the client id cli_does_not_exist/);
  });

  test('sandbox customers --json → the 4 sandbox customers with passwords and accounts; alice has acc_alice_current (GBP) and a EUR account', async () => {
    const run = await openteller(['sandbox', 'customers', '--json']);
    assertExit(run, 0);
    const customers = JSON.parse(run.stdout) as Array<{
      username: string;
      password: string;
      accounts: Array<{ AccountId: string; Currency: string; Nickname: string | null }>;
    }>;
    assert.equal(customers.length, 4);
    for (const customer of customers) {
      assert.deepEqual(Object.keys(customer).sort(), ['accounts', 'password', 'username']);
      assert.ok(customer.username && customer.password, JSON.stringify(customer));
      assert.ok(customer.accounts.length > 0, customer.username);
      for (const account of customer.accounts) {
        assert.deepEqual(Object.keys(account).sort(), ['AccountId', 'Currency', 'Nickname']);
        assert.match(account.AccountId, /^acc_/);
        assert.match(account.Currency, /^[A-Z]{3}$/);
      }
    }
    const alice = customers.find((customer) => customer.username === 'alice');
    assert.ok(alice);
    assert.equal(alice.password, 'alice-sandbox-1');
    assert.equal(alice.accounts.find((account) => account.AccountId === 'acc_alice_current')?.Currency, 'GBP');
    assert.ok(alice.accounts.some((account) => account.Currency === 'EUR'));
  });

  test('sandbox customers (text) → lists alice with her password and accounts', async () => {
    const run = await openteller(['sandbox', 'customers']);
    assertExit(run, 0);
    assert.match(run.stdout, /^alice\s+password: alice-sandbox-1$/m);
    assert.match(run.stdout, /acc_alice_current\s+GBP/);
  });

  test('an unknown command → exit 2 with the usage', async () => {
    const run = await openteller(['frobnicate']);
    assertExit(run, 2);
    assert.match(run.stderr, /unknown command "frobnicate"/);
    assert.match(run.stderr, /Usage: openteller <command>/);
  });

  test('serve with PORT=abc → exit 2 naming PORT, no server started', async () => {
    const run = await openteller(['serve'], { PORT: 'abc' });
    assertExit(run, 2);
    assert.match(run.stderr, /openteller: Invalid configuration: PORT /);
    assert.doesNotMatch(run.stdout, /is ready/);
    assertNoStackTrace(run);
  });

  test('serve in production mode without signing keys → exit 2 naming SIGNING_KEYS_FILE', async () => {
    const run = await openteller(['serve'], { OPENTELLER_MODE: 'production', ISSUER: 'https://bank.example.com' });
    assertExit(run, 2);
    assert.match(run.stderr, /openteller: Invalid configuration: SIGNING_KEYS_FILE /);
    assert.doesNotMatch(run.stdout, /is ready/);
    assertNoStackTrace(run);
  });

  test('serve with a PORT another process listens on → exit 2, one line naming PORT and the address, no stack trace', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    try {
      const run = await openteller(['serve'], { PORT: String(port), HOST: '127.0.0.1' });
      assertExit(run, 2);
      assert.deepEqual(ownErrorLines(run), [
        `openteller: Invalid configuration: PORT ${port} cannot be listened on: 127.0.0.1:${port} is already in use (EADDRINUSE); stop what listens there or choose another PORT`,
      ]);
      assert.doesNotMatch(run.stdout, /is ready/);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  test('serve with HOST an address of no interface here → exit 2, one line naming HOST, no stack trace', async () => {
    const run = await openteller(['serve'], { PORT: '3000', HOST: '192.0.2.1' });
    assertExit(run, 2);
    assert.deepEqual(ownErrorLines(run), [
      'openteller: Invalid configuration: HOST 192.0.2.1 cannot be listened on: it is not an address of this machine (EADDRNOTAVAIL)',
    ]);
  });

  test('serve with PORT=80 as a user who may not bind ports below 1024 → exit 2, one line naming PORT and the address', async (t) => {
    if (Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')) <= 80) return t.skip('any user may bind port 80 here');
    const root = process.getuid?.() === 0;
    const writable = mkdtempSync(join(tmpdir(), 'openteller-cli-eacces-'));
    chmodSync(writable, 0o777);
    const databaseUrl = root && database.config.kind === 'sqlite' ? `sqlite:${join(writable, 'bank.db')}` : database.url;
    try {
      const run = await openteller(
        ['serve'],
        { PORT: '80', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, HOME: writable },
        root ? { uid: 65534, gid: 65534 } : null,
      );
      assertExit(run, 2);
      assert.deepEqual(ownErrorLines(run), [
        'openteller: Invalid configuration: PORT 80 cannot be listened on: 127.0.0.1:80 needs privileges this user does not have (EACCES); choose a PORT from 1024 up',
      ]);
    } finally {
      rmSync(writable, { recursive: true, force: true });
    }
  });
});
