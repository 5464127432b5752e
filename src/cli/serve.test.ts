// Proves that the openteller command and a running bank agree about the issuer, as an operator uses them: serve records the issuer it runs under in the database, the command run in another shell without the server's environment uses it (its software statements register at the bank), refuses another ISSUER, and follows the bank to a new ISSUER; every command of the start banner works as printed.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { assertExit, runToExit, type Run } from '../../test/support/child-process.js';
import { freeLoopbackPort } from '../../test/support/example-process.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT_MS = 90_000;
/** Variables of the parent's environment that would change what the children do; each run sets its own. */
const CONFIG_VARIABLES = ['OPENTELLER_MODE', 'PORT', 'HOST', 'ISSUER', 'DATABASE_URL', 'SIGNING_KEYS_FILE', 'COOKIE_SECRETS', 'TRUST_PROXY'];

/** A `serve` process and what it printed when it was ready. */
interface RunningBank {
  readonly issuer: string;
  /** Where the test reaches it (it listens on 127.0.0.1; `localhost` may resolve to ::1 first). */
  readonly origin: string;
  readonly banner: string;
  stop(): Promise<void>;
}

describe('serve and the openteller command on one database', () => {
  let database: TestDatabase;
  let home: string;
  let shims: string;
  let bank: RunningBank | null = null;

  before(async () => {
    database = await createTestDatabase();
    home = mkdtempSync(join(tmpdir(), 'openteller-serve-home-'));
    shims = mkdtempSync(join(tmpdir(), 'openteller-serve-bin-'));
    // `npx openteller` runs the compiled dist/; in this test it runs the same command from the source under test.
    writeFileSync(
      join(shims, 'npx'),
      `#!/bin/sh\n[ "$1" = openteller ] || { echo "npx $1: not expected here" >&2; exit 127; }\nshift\nexec '${process.execPath}' --import tsx '${ROOT}src/cli/run.ts' "$@"\n`,
    );
    chmodSync(join(shims, 'npx'), 0o755);
  });
  after(async () => {
    await bank?.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(shims, { recursive: true, force: true });
    await database.drop();
  });

  /** The environment of another terminal: none of the server's settings, the test's HOME and `npx`. */
  function otherTerminal(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, HOME: home, PATH: `${shims}:${process.env.PATH ?? ''}`, LOG_LEVEL: 'silent' };
    for (const variable of CONFIG_VARIABLES) delete childEnv[variable];
    return { ...childEnv, ...env };
  }

  /** Runs a shell command line in the repository, as an operator would type it. */
  function shell(commandLine: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
    return runToExit('sh', ['-c', commandLine], { cwd: ROOT, env: otherTerminal(env), timeoutMs: TIMEOUT_MS, what: commandLine });
  }

  /** Starts `openteller serve` on a free port with ISSUER http://localhost:<port>, on the test database; resolves once its banner is printed. */
  async function startBank(): Promise<RunningBank> {
    const port = await freeLoopbackPort();
    const issuer = `http://localhost:${port}`;
    const env = otherTerminal({ PORT: String(port), HOST: '127.0.0.1', ISSUER: issuer, DATABASE_URL: database.url });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve was not ready within ${TIMEOUT_MS} ms; stdout: ${stdout}; stderr: ${stderr}`)),
        TIMEOUT_MS,
      );
      const check = () => {
        if (/getting-started\.md.*\n/.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', check);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited with ${code}; stdout: ${stdout}; stderr: ${stderr}`));
      });
    });
    child.removeAllListeners('exit');
    return { issuer, origin: `http://127.0.0.1:${port}`, banner: stdout.slice(stdout.indexOf('\nOpenTeller (')), stop: () => stopProcess(child) };
  }

  /** The command lines the banner suggests, continuation lines joined. */
  function bannerCommands(banner: string): string[] {
    const help = banner.slice(banner.indexOf('from the command line'), banner.indexOf('Then follow'));
    const lines = help.split('\n').filter((line) => line.startsWith('  ') && !line.trimStart().startsWith('('));
    return lines
      .join('\n')
      .split(/(?<!\\)\n/)
      .map((line) => line.replace(/\\\n/g, '').trim());
  }

  async function createApp(): Promise<{ client_id: string; issuer: string; discovery: string }> {
    const run = await shell(
      `npx openteller partner create --name "Budget Buddy" --redirect-uri http://localhost:8080/callback --jwks-file "$HOME/my-app/public-jwks.json" --roles AISP`,
      { DATABASE_URL: database.url },
    );
    assertExit(run, 0);
    return JSON.parse(run.stdout) as { client_id: string; issuer: string; discovery: string };
  }

  test('the start banner → its commands run as printed in another shell without the server environment (generate keys, partner create); the app names the running bank', async () => {
    bank = await startBank();
    const commands = bannerCommands(bank.banner);
    assert.equal(commands.length, 2, bank.banner);
    assert.ok(commands[1]?.startsWith(`DATABASE_URL=${database.url} npx openteller partner create `), bank.banner);
    const runs: Run[] = [];
    for (const command of commands) {
      const run = await shell(command);
      assertExit(run, 0);
      runs.push(run);
    }
    const app = JSON.parse(runs[1]?.stdout ?? '') as { client_id: string; issuer: string; discovery: string };
    assert.match(app.client_id, /^cli_/);
    assert.equal(app.issuer, bank.issuer);
    assert.equal(app.discovery, `${bank.issuer}/.well-known/openid-configuration`);
    const discovery = await fetch(`${bank.origin}/.well-known/openid-configuration`);
    assert.equal(((await discovery.json()) as { issuer: string }).issuer, bank.issuer);
  });

  test('ssa issue --client without ISSUER, bank on another port → iss is the bank directory, and POST /register with the statement → 201', async () => {
    assert.ok(bank);
    const app = await createApp();
    const run = await shell(`npx openteller ssa issue --client ${app.client_id}`, { DATABASE_URL: database.url });
    assertExit(run, 0);
    const statement = run.stdout.trim();
    assert.equal(decodeJwt(statement).iss, `${bank.issuer}/directory`);
    const registration = await fetch(`${bank.origin}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ software_statement: statement }),
    });
    assert.equal(registration.status, 201, await registration.text());
  });

  test('ISSUER set to another issuer than the bank serves under → exit 2, one line naming both, nothing printed', async () => {
    assert.ok(bank);
    const run = await shell('npx openteller ssa issue --client cli_any', { DATABASE_URL: database.url, ISSUER: 'http://localhost:3000' });
    assertExit(run, 2);
    assert.equal(run.stdout, '');
    assert.deepEqual(
      run.stderr.split('\n').filter((line) => line.startsWith('openteller:')),
      [
        `openteller: Invalid configuration: ISSUER is "http://localhost:3000", but this database is served under "${bank.issuer}" (recorded by openteller serve): leave ISSUER unset to use that one, or start serve with the new ISSUER first`,
      ],
    );
  });

  test('serve again under a new ISSUER → the banner names the old issuer; the command follows the new one; a statement of the old issuer is refused', async () => {
    assert.ok(bank);
    const app = await createApp();
    const old = await shell(`npx openteller ssa issue --client ${app.client_id}`, { DATABASE_URL: database.url });
    assertExit(old, 0);
    const oldIssuer = bank.issuer;
    await bank.stop();
    bank = await startBank();
    assert.match(bank.banner, new RegExp(`This database was served under ${oldIssuer} until now`));
    assert.equal((await createApp()).issuer, bank.issuer);
    const fresh = await shell(`npx openteller ssa issue --client ${app.client_id}`, { DATABASE_URL: database.url });
    assertExit(fresh, 0);
    assert.equal(decodeJwt(fresh.stdout.trim()).iss, `${bank.issuer}/directory`);
    const refused = await fetch(`${bank.origin}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ software_statement: old.stdout.trim() }),
    });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: string }).error, 'unapproved_software_statement');
  });
});

/** Stops a server process as an operator's Ctrl-C does (SIGINT), and waits for it to exit. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}
