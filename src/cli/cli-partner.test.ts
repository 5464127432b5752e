// Proves `openteller partner …` and `openteller ssa issue` as an operator runs them, in a child process against a fresh database: registration, approval, suspension, statements signed by the directory key, and exit codes 1 (refused) and 2 (usage) with a message instead of a stack trace.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { assertExit } from '../../test/support/child-process.js';
import { assertNoStackTrace, CliFixture } from '../../test/support/openteller-cli.js';
import { openDatabase } from '../persistence/data-source.js';
import { TypeOrmServerKeyStore } from '../persistence/stores/server-key-store.js';

describe('openteller partner and ssa', () => {
  let cli: CliFixture;

  before(async () => {
    cli = await CliFixture.create();
  });
  after(async () => {
    await cli.close();
  });

  const partnerArgs = (overrides: { redirectUris?: string[]; jwksFile?: string; roles?: string | null } = {}): string[] => [
    'partner',
    'create',
    '--name',
    'Budget Buddy',
    ...(overrides.redirectUris ?? ['http://localhost:8080/cb', 'http://127.0.0.1:9/cb']).flatMap((uri) => ['--redirect-uri', uri]),
    '--jwks-file',
    overrides.jwksFile ?? cli.publicJwksFile,
    ...(overrides.roles === null ? [] : ['--roles', overrides.roles ?? 'AISP,PISP']),
  ];

  test('partner create with loopback http redirect URIs, a public ES256 JWKS and roles AISP,PISP → exit 0, JSON with a cli_ client id and scope "openid accounts payments"', async () => {
    const run = await cli.run(partnerArgs());
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
    const first = await cli.run(partnerArgs({ roles: 'AISP' }));
    const second = await cli.run(partnerArgs({ roles: 'AISP' }));
    assertExit(first, 0);
    assertExit(second, 0);
    assert.notEqual(JSON.parse(first.stdout).client_id, JSON.parse(second.stdout).client_id);
  });
  test('partner create with an http redirect URI that is not loopback → exit 1, message about https', async () => {
    const run = await cli.run(partnerArgs({ redirectUris: ['http://app.example.com/cb'] }));
    assertExit(run, 1);
    assert.match(run.stderr, /^openteller: .*http:\/\/app\.example\.com\/cb.*https/m);
    assert.equal(run.stdout, '');
    assertNoStackTrace(run);
  });
  test('partner create with a JWKS holding a private key → exit 1, message about public keys', async () => {
    const run = await cli.run(partnerArgs({ jwksFile: cli.privateJwksFile }));
    assertExit(run, 1);
    assert.match(run.stderr, /^openteller: .*public keys only/m);
    assert.equal(run.stdout, '');
    assertNoStackTrace(run);
  });
  test('partner create without --roles → exit 2 with the usage', async () => {
    const run = await cli.run(partnerArgs({ roles: null }));
    assertExit(run, 2);
    assert.match(run.stderr, /--roles/);
    assert.match(run.stderr, /Usage: openteller <command>/);
    assert.equal(run.stdout, '');
  });
  test('partner create with a --jwks-file that does not exist → exit 2 naming the file', async () => {
    const missing = join(cli.dir, 'missing.json');
    const run = await cli.run(partnerArgs({ jwksFile: missing }));
    assertExit(run, 2);
    assert.ok(run.stderr.includes(missing), run.stderr);
    assertNoStackTrace(run);
  });
  test('partner create with an unknown option → exit 2 with the usage, no stack trace', async () => {
    const run = await cli.run([...partnerArgs(), '--colour', 'blue']);
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
    const run = await cli.run(partnerArgs());
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
    const run = await cli.run(['partner', 'approve', app.client_id]);
    assertExit(run, 0);
    assert.deepEqual(JSON.parse(run.stdout), { client_id: app.client_id, client_name: 'Budget Buddy', environment: 'live', status: 'active' });
  });
  test('partner suspend <client_id> → exit 0, JSON with status suspended', async () => {
    const app = await createApp();
    const run = await cli.run(['partner', 'suspend', app.client_id]);
    assertExit(run, 0);
    assert.deepEqual(JSON.parse(run.stdout), { client_id: app.client_id, client_name: 'Budget Buddy', environment: 'sandbox', status: 'suspended' });
  });
  test('partner reinstate <client_id> of a suspended app → exit 0, JSON with status active', async () => {
    const app = await createApp();
    assertExit(await cli.run(['partner', 'suspend', app.client_id]), 0);
    const run = await cli.run(['partner', 'reinstate', app.client_id]);
    assertExit(run, 0);
    assert.equal(JSON.parse(run.stdout).status, 'active');
  });
  test('partner reinstate <client_id> of an active app → exit 1 with a message, no stack trace', async () => {
    const app = await createApp();
    const run = await cli.run(['partner', 'reinstate', app.client_id]);
    assertExit(run, 1);
    assert.match(run.stderr, /^openteller: .*not suspended/m);
    assert.equal(run.stdout, '');
    assertNoStackTrace(run);
  });
  test('partner approve with an unknown client id → exit 1 naming it, no stack trace', async () => {
    const run = await cli.run(['partner', 'approve', 'cli_does_not_exist']);
    assertExit(run, 1);
    assert.match(run.stderr, /^openteller: .*cli_does_not_exist/m);
    assert.equal(run.stdout, '');
    assertNoStackTrace(run);
  });
  test('partner approve without a client id → exit 2 with the usage', async () => {
    const run = await cli.run(['partner', 'approve']);
    assertExit(run, 2);
    assert.match(run.stderr, /partner approve needs exactly one client id/);
    assert.match(run.stderr, /Usage: openteller <command>/);
    assert.equal(run.stdout, '');
  });
  test('ssa issue --client <client_id> → a PS256 JWT with a kid, verified by the directory key, naming the app, its organisation and its roles, valid for 7 days', async () => {
    const app = await createApp();
    const run = await cli.run(['ssa', 'issue', '--client', app.client_id]);
    assertExit(run, 0);
    const jwt = run.stdout.trim();
    const header = decodeProtectedHeader(jwt);
    assert.equal(header.alg, 'PS256');
    assert.ok(typeof header.kid === 'string' && header.kid.length > 0, JSON.stringify(header));

    const opened = await openDatabase(cli.database.config, { poolSize: 1 });
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
    assertExit(await cli.run(['partner', 'suspend', app.client_id]), 0);
    const run = await cli.run(['ssa', 'issue', '--client', app.client_id]);
    assertExit(run, 1);
    assert.match(run.stderr, /^openteller: .*suspended/m);
    assert.equal(run.stdout, '');
    assertNoStackTrace(run);
  });
  test('ssa issue without --client → exit 2 with the usage', async () => {
    const run = await cli.run(['ssa', 'issue']);
    assertExit(run, 2);
    assert.match(run.stderr, /ssa issue needs --client/);
    assert.match(run.stderr, /Usage: openteller <command>/);
    assert.equal(run.stdout, '');
  });

  test('fx-contract issue --client <client_id> --currencies GBP/USD --rate 1.25 --days 30 → JSON with an FXC contract id at exactly 1.25 for 30 days; USD/GBP (no USD accounts) → exit 1; an unknown client → exit 2', async () => {
    const app = await createApp();
    const run = await cli.run(['fx-contract', 'issue', '--client', app.client_id, '--currencies', 'GBP/USD', '--rate', '1.25', '--days', '30']);
    assertExit(run, 0);
    const contract = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.match(String(contract.ContractIdentification), /^FXC\.GBP\.USD\.125000000\.\d+\.[A-Za-z0-9_-]{43}$/);
    assert.equal(contract.UnitCurrency, 'GBP');
    assert.equal(contract.CurrencyOfTransfer, 'USD');
    assert.equal(contract.ExchangeRate, 1.25);
    const days = (Date.parse(String(contract.ExpirationDateTime)) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, String(contract.ExpirationDateTime));

    const refused = await cli.run(['fx-contract', 'issue', '--client', app.client_id, '--currencies', 'USD/GBP']);
    assertExit(refused, 1);
    assert.match(refused.stderr, /^openteller: Customers hold no accounts in USD/m);
    assert.equal(refused.stdout, '');
    assertNoStackTrace(refused);

    const unknown = await cli.run(['fx-contract', 'issue', '--client', 'cli_does_not_exist', '--currencies', 'GBP/USD']);
    assertExit(unknown, 2);
    assert.match(unknown.stderr, /no app has the client id cli_does_not_exist/);
  });
});
