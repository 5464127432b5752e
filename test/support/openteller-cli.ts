// Runs the `openteller` command as an operator does, in a child process against a test database of its own, for the CLI
// tests (src/cli/cli*.test.ts): one file per group of commands, so that each stays well inside the per-file time limit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair } from 'jose';
import { runToExit, type Run } from './child-process.js';
import { PAYMENT_SIGNING_JWK } from './sample-keys.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

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

/** A test database, a scratch directory with a partner's public and private JWKS, and the CLI run against them. */
export class CliFixture {
  private constructor(
    readonly database: TestDatabase,
    readonly dir: string,
    readonly publicJwksFile: string,
    readonly privateJwksFile: string,
  ) {}

  static async create(): Promise<CliFixture> {
    const database = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'openteller-cli-'));
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const fixture = new CliFixture(database, dir, join(dir, 'public-jwks.json'), join(dir, 'private-jwks.json'));
    writeFileSync(
      fixture.publicJwksFile,
      JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'partner-key-1', alg: 'ES256', use: 'sig' }, PAYMENT_SIGNING_JWK] }),
    );
    writeFileSync(
      fixture.privateJwksFile,
      JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'partner-key-1', alg: 'ES256', use: 'sig' }] }),
    );
    return fixture;
  }

  async close(): Promise<void> {
    rmSync(this.dir, { recursive: true, force: true });
    await this.database.drop();
  }

  /** Runs `openteller …args` to completion (killed and failed if it does not exit in time). */
  run(args: readonly string[], env: NodeJS.ProcessEnv = {}, as: { uid: number; gid: number } | null = null): Promise<Run> {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: this.database.url, LOG_LEVEL: 'silent' };
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
}

export function assertNoStackTrace(run: Run): void {
  assert.doesNotMatch(run.stderr, /\n\s+at /, run.stderr);
}

/** What the CLI itself printed on stderr: oidc-provider's warning about Node.js 20 (README "Requirements") aside. */
export function ownErrorLines(run: Run): string[] {
  return run.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('oidc-provider WARNING: Unsupported runtime'));
}
