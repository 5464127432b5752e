// Proves that `openteller serve` refuses a configuration it cannot serve with exit code 2 and one line naming the setting, never a stack trace and never a half-started server.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertExit } from '../../test/support/child-process.js';
import { assertNoStackTrace, CliFixture, ownErrorLines } from '../../test/support/openteller-cli.js';

describe('openteller serve refusals', () => {
  let cli: CliFixture;

  before(async () => {
    cli = await CliFixture.create();
  });
  after(async () => {
    await cli.close();
  });

  test('serve with PORT=abc → exit 2 naming PORT, no server started', async () => {
    const run = await cli.run(['serve'], { PORT: 'abc' });
    assertExit(run, 2);
    assert.match(run.stderr, /openteller: Invalid configuration: PORT /);
    assert.doesNotMatch(run.stdout, /is ready/);
    assertNoStackTrace(run);
  });
  test('serve in production mode without signing keys → exit 2 naming SIGNING_KEYS_FILE', async () => {
    const run = await cli.run(['serve'], { OPENTELLER_MODE: 'production', ISSUER: 'https://bank.example.com' });
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
      const run = await cli.run(['serve'], { PORT: String(port), HOST: '127.0.0.1' });
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
    const run = await cli.run(['serve'], { PORT: '3000', HOST: '192.0.2.1' });
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
    const databaseUrl = root && cli.database.config.kind === 'sqlite' ? `sqlite:${join(writable, 'bank.db')}` : cli.database.url;
    try {
      const run = await cli.run(
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
