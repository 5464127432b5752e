// Proves the `openteller` command as an operator runs it, in a child process against a fresh database: migrate, seed, the sandbox customer list, and exit code 2 (usage) with a message instead of a stack trace. Partner and SSA commands: cli-partner.test.ts; serve's configuration refusals: cli-serve-refusals.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExit } from '../../test/support/child-process.js';
import { CliFixture } from '../../test/support/openteller-cli.js';
import { mysqlMigrations } from '../persistence/migrations/mysql/index.js';
import { sqliteMigrations } from '../persistence/migrations/sqlite/index.js';

describe('openteller CLI', () => {
  let cli: CliFixture;

  before(async () => {
    cli = await CliFixture.create();
  });
  after(async () => {
    await cli.close();
  });

  test('migrate on an empty database → exit 0, JSON listing every migration applied, oldest first; again → nothing applied', async () => {
    const migrations = cli.database.config.kind === 'sqlite' ? sqliteMigrations : mysqlMigrations;
    const names = migrations.map((Migration) => new Migration().name);
    assert.equal(names[0], 'InitialSchema1763800000000');
    const first = await cli.run(['migrate']);
    assertExit(first, 0);
    assert.deepEqual(JSON.parse(first.stdout), { applied: names });
    const second = await cli.run(['migrate']);
    assertExit(second, 0);
    assert.deepEqual(JSON.parse(second.stdout), { applied: [] });
  });
  test('seed → seeded true; seed again → seeded false', async () => {
    const first = await cli.run(['seed']);
    assertExit(first, 0);
    assert.deepEqual(JSON.parse(first.stdout), { seeded: true });
    const second = await cli.run(['seed']);
    assertExit(second, 0);
    assert.deepEqual(JSON.parse(second.stdout), { seeded: false });
  });
  test('sandbox customers --json → the 4 sandbox customers with passwords and accounts; alice has acc_alice_current (GBP) and a EUR account', async () => {
    const run = await cli.run(['sandbox', 'customers', '--json']);
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
    const run = await cli.run(['sandbox', 'customers']);
    assertExit(run, 0);
    assert.match(run.stdout, /^alice\s+password: alice-sandbox-1$/m);
    assert.match(run.stdout, /acc_alice_current\s+GBP/);
  });
  test('an unknown command → exit 2 with the usage', async () => {
    const run = await cli.run(['frobnicate']);
    assertExit(run, 2);
    assert.match(run.stderr, /unknown command "frobnicate"/);
    assert.match(run.stderr, /Usage: openteller <command>/);
  });
});
