/**
 * `npm run bench -- token`: the token endpoint, client-credentials grant authenticated by a `private_key_jwt` client
 * assertion and bound to a DPoP proof, on OpenTeller (`openteller serve` on MySQL/MariaDB) against the same
 * oidc-provider version and features entirely in memory (bench/token-baseline-server.ts), each in its own child
 * process, in paired rounds; verdict = median of the per-round ratios, target ≥ 0.9. See bench/README.md.
 */
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadKeyMaterial } from '../src/oauth/key-material.js';
import { readAppStanding } from '../src/persistence/stores/partner-store.js';
import { TypeOrmServerKeyStore } from '../src/persistence/stores/server-key-store.js';
import { createBenchDatabase, type BenchDatabase } from './lib/bench-database.js';
import type { DpopKey } from './lib/dpop.js';
import { combine, median, type CombinedResult, type LoadResult } from './lib/load.js';
import { describe, measured, otherCores } from './lib/measured-run.js';
import { openTellerEntry, startOpenTeller } from './lib/openteller.js';
import { printRounds } from './lib/payment-summary.js';
import { benchConfig, registerPaymentPartner, type PaymentPartner } from './lib/pisp-fixture.js';
import { cleanUpOnInterrupt, freePort, startChildServer, type ChildServer } from './lib/processes.js';
import { lpad, machineLoad, pad, printMachineAndDatabase, say, seconds, ms } from './lib/report.js';
import { drivePool, Pool, type Item, type RunOptions } from './lib/request-pool.js';
import { profileServerRun } from './lib/server-profile.js';

const env = process.env;
const number = (name: string, fallback: number) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));

export const TOKEN_PARAMS = {
  databaseUrl: env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/test',
  connections: number('BENCH_CONNECTIONS', 10),
  durationSeconds: number('BENCH_DURATION', 10),
  warmupSeconds: number('BENCH_WARMUP', 3),
  rounds: number('BENCH_ROUNDS', 3),
};

export const TOKEN_TARGET_RATIO = 0.9;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Requests of the calibration runs (not timed), which size the pools of the first round. */
const CALIBRATION = 400;

/** What `benchToken` found, for `npm run bench -- all`. */
export interface TokenOutcome {
  readonly ratio: number;
  readonly valid: boolean;
  readonly load: string;
}

export async function benchToken(report?: (outcome: TokenOutcome) => void): Promise<number> {
  const started = performance.now();
  const adminUrl = new URL(TOKEN_PARAMS.databaseUrl);
  let bench: BenchDatabase | undefined;
  const cleanUp = cleanUpOnInterrupt(() => bench);
  try {
    const P = TOKEN_PARAMS;
    await printMachineAndDatabase(adminUrl.href, 'OpenTeller token endpoint benchmark');
    say(
      `Params:   connections ${P.connections}, duration ${P.durationSeconds} s (+${P.warmupSeconds} s warm-up), ${P.rounds} paired round(s), ` +
        `load generator autocannon in the bench process, each server in its own child process` +
        (env.REDIS_URL ? `; REDIS_URL=${env.REDIS_URL} (OpenTeller's one-time values in Redis)` : ''),
    );
    if (P.durationSeconds > 40) say('          warning: BENCH_DURATION > 40 s: DPoP proofs (60 s) may go stale during the run');
    bench = await createBenchDatabase(adminUrl.href);
    const { database, name } = bench;
    const url = new URL(bench.url);
    say(`Database: ${name} (created next to ${adminUrl.pathname.slice(1) || '(none)'}, migrated and seeded; dropped at the end)`);

    // ---- Setup ------------------------------------------------------------------------------------------
    const openTellerPort = await freePort();
    const issuer = `http://127.0.0.1:${openTellerPort}`;
    const openTeller = await startOpenTeller(url.href, openTellerPort, issuer);
    const config = benchConfig(issuer, url.href, name);
    const partner = await registerPaymentPartner(database, config, `Bench token ${Date.now().toString(36)}`);
    const standing = await readAppStanding(database.dataSource, partner.clientId);
    if (!standing) throw new Error('the registered app cannot be read back');
    const keys = await loadKeyMaterial(config, new TypeOrmServerKeyStore(database.dataSource));
    const baselinePort = await freePort();
    const baselineIssuer = `http://127.0.0.1:${baselinePort}`;
    const baseline = await startChildServer(
      'token baseline',
      ['bench/token-baseline-server.ts'],
      {
        PORT: String(baselinePort),
        BENCH_ISSUER: baselineIssuer,
        BENCH_SIGNING_JWKS: JSON.stringify(keys.signingJwks),
        BENCH_CLIENT: JSON.stringify(standing.clientMetadata),
        BENCH_COOKIE_SECRET: keys.cookieSecrets[0] ?? 'bench',
      },
      baselinePort,
      { healthPath: '/.well-known/openid-configuration' },
    );
    say(`Servers:  OpenTeller \`openteller serve\` (${openTellerEntry()}) on ${issuer}`);
    say(
      `          baseline bench/token-baseline-server.ts (the same oidc-provider and token endpoint features, memory adapter, static client) on ${baselineIssuer}`,
    );
    const sides = {
      base: await TokenSide.discover(baseline, partner),
      app: await TokenSide.discover(openTeller, partner),
    };
    say(
      `Client:   ${partner.clientId} (ES256 private_key_jwt key ${partner.authKid}, the same metadata on both sides); every request has its own ` +
        `client assertion and DPoP proof (ES256, node:crypto, made right before its run)`,
    );
    for (const side of [sides.base, sides.app]) say(`          sanity ${side.server.name}: ${await side.sanityCheck()}`);
    say();

    // ---- Measured rounds ------------------------------------------------------------------------------------
    let step = performance.now();
    const calibration = { base: await sides.base.calibrate(), app: await sides.app.calibrate() };
    for (const result of [calibration.base, calibration.app])
      if (result.non2xx + result.errors > 0) throw new Error(`${result.label} failed: ${describe(result)}\n  ${result.refusedSamples.join('\n  ')}`);
    say(
      `Calibration (not measured): baseline ${calibration.base.rps.toFixed(0)}/s, OpenTeller ${calibration.app.rps.toFixed(0)}/s (${seconds(step)})`,
    );
    say(`Throughput: ${P.rounds} round(s) of baseline → OpenTeller`);
    let estimate = { base: calibration.base.rps * 1.25, app: calibration.app.rps * 1.25 };
    const runs = { base: [] as LoadResult[], app: [] as LoadResult[] };
    for (let round = 1; round <= P.rounds; round += 1) {
      say(`    round ${round}`);
      const base = await measured(database, 'baseline POST /token', estimate.base, P, (count) => Promise.resolve(sides.base.runner(count)));
      const app = await measured(database, 'OpenTeller POST /token', estimate.app, P, (count) => Promise.resolve(sides.app.runner(count)));
      runs.base.push(base.result);
      runs.app.push(app.result);
      estimate = { base: Math.max(estimate.base, base.result.rps), app: Math.max(estimate.app, app.result.rps) };
      say(`    round ${round}: OpenTeller / baseline = ${(app.result.rps / base.result.rps).toFixed(3)}`);
    }
    await baseline.stop();
    await openTeller.stop();

    // ---- Profiled run: statements and CPU per token --------------------------------------------------------------
    let profile = { serverCpuMs: Number.NaN, statements: Number.NaN };
    step = performance.now();
    await profileServerRun({
      databaseUrl: url.href,
      port: openTellerPort,
      issuer,
      serverEnv: {},
      params: P,
      rate: estimate.app,
      label: 'OpenTeller POST /token',
      setting: 'always, after the rounds',
      unit: 'token',
      onFigures: (figures) => (profile = figures),
      preparePool: (count) => sides.app.pool(count),
      run: (server, pool, label, options) => sides.app.drive(server, pool, label, options),
    });

    // ---- Summary --------------------------------------------------------------------------------------------------
    const base = combine('baseline (oidc-provider, memory)', runs.base);
    const app = combine('OpenTeller (MySQL)', runs.app);
    say();
    say(
      `Summary: ${P.connections} connections, ${P.durationSeconds} s per run after ${P.warmupSeconds} s warm-up; tokens/s = median of the rounds; ` +
        `p50/p99 over all successful responses (200, token_type DPoP)`,
    );
    printTokenTable([base, app]);
    const verdict = printRounds(runs.base, runs.app);
    const valid = base.failures === 0 && app.failures === 0;
    say(
      `  OpenTeller: ${profile.statements.toFixed(2)} SQL statements and ${profile.serverCpuMs.toFixed(2)} ms server CPU per token (profiled run); ` +
        `server CPU per token in the rounds: baseline ${base.cpuPerRequest.serverMs.toFixed(2)} ms, OpenTeller ${app.cpuPerRequest.serverMs.toFixed(2)} ms`,
    );
    say(
      `  verdict: median of the per-round ratios ${verdict.toFixed(3)}; target ≥ ${TOKEN_TARGET_RATIO} → ${verdict >= TOKEN_TARGET_RATIO ? 'MET' : 'NOT MET'}`,
    );
    say(
      `  ${valid ? 'valid: every response of every measured run was a 200 with a DPoP token (0 non-2xx, 0 errors)' : 'INVALID: some measured runs had other responses or errors (see above); the figures do not count'}`,
    );
    const loads = [...runs.base, ...runs.app];
    const load = `${median(loads.map((run) => run.load.before)).toFixed(2)} (1-min load average), other processes ${otherCores(loads).toFixed(2)} cores`;
    say(`  machine load during the runs: ${load}; now ${machineLoad().toFixed(2)}`);
    say(`Total time: ${seconds(started)}`);
    report?.({ ratio: verdict, valid, load });
    return valid ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

/** Tokens/s (median of the rounds), p50, p99, failures, the ratio, and CPU per token of each process. */
function printTokenTable(rows: readonly CombinedResult[]): void {
  const reference = rows[0] as CombinedResult;
  say(`  ${pad('', 36)}${lpad('tokens/s', 9)}${lpad('p50', 10)}${lpad('p99', 10)}${lpad('failed', 8)}${lpad('ratio', 8)}   tokens/s per round`);
  for (const row of rows)
    say(
      `  ${pad(row.label, 36)}${lpad(row.rps.toFixed(0), 9)}${lpad(ms(row.p50), 10)}${lpad(ms(row.p99), 10)}${lpad(String(row.failures), 8)}` +
        `${lpad((row.rps / reference.rps).toFixed(3), 8)}   ${row.runs.map((run) => run.rps.toFixed(0)).join(' / ')}`,
    );
  const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : 'n/a');
  say(`  CPU per token, ms${' '.repeat(19)}${lpad('server', 9)}${lpad('database', 10)}${lpad('load gen', 10)}${lpad('busy', 13)}`);
  for (const row of rows) {
    const cpu = row.cpuPerRequest;
    say(
      `  ${pad(row.label, 36)}${lpad(fmt(cpu.serverMs), 9)}${lpad(fmt(cpu.databaseMs), 10)}${lpad(fmt(cpu.loadGeneratorMs), 10)}${lpad(`${row.busyCores.toFixed(2)} cores`, 13)}`,
    );
  }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** ES256 over `input` with node:crypto, as a JWS signature (r ‖ s). */
function es256(key: KeyObject, input: string): string {
  return sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

/** One server's token endpoint, and the single-use requests made for it. */
class TokenSide {
  private readonly prefix = randomBytes(6).toString('base64url');
  private serial = 0;

  private constructor(
    readonly server: ChildServer,
    private readonly partner: PaymentPartner,
    private readonly issuer: string,
    private readonly endpoint: string,
  ) {}

  static async discover(server: ChildServer, partner: PaymentPartner): Promise<TokenSide> {
    const response = await fetch(`${server.origin}/.well-known/openid-configuration`);
    const discovery = (await response.json()) as { issuer: string; token_endpoint: string };
    return new TokenSide(server, partner, discovery.issuer, discovery.token_endpoint);
  }

  /** `count` requests, each with its own client assertion and DPoP proof (one `iat` for all: now). */
  pool(count: number): Pool {
    const iat = Math.floor(Date.now() / 1000);
    const { clientId, authKey, authKid, dpopKey } = this.partner;
    const assertionHeader = b64({ alg: 'ES256', kid: authKid });
    const proofHeader = b64({ typ: 'dpop+jwt', alg: 'ES256', jwk: dpopKey.publicJwk });
    const items: Item[] = [];
    for (let index = 0; index < count; index += 1) {
      this.serial += 1;
      const jti = `${this.prefix}.${this.serial}`;
      const assertionInput = `${assertionHeader}.${b64({ iss: clientId, sub: clientId, aud: this.issuer, jti: `a.${jti}`, iat, exp: iat + 120 })}`;
      const proofInput = `${proofHeader}.${b64({ jti: `p.${jti}`, htm: 'POST', htu: this.endpoint, iat })}`;
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'payments',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: `${assertionInput}.${es256(authKey, assertionInput)}`,
      }).toString();
      items.push({
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: `${proofInput}.${es256(dpopKey.privateKey, proofInput)}` },
      });
    }
    return new Pool(items);
  }

  drive(server: ChildServer, pool: Pool, label: string, options: RunOptions): Promise<LoadResult> {
    return drivePool(server, new URL(this.endpoint).pathname, pool, label, options, TOKEN_PARAMS.connections, acceptToken);
  }

  runner(count: number) {
    const pool = this.pool(count);
    return (label: string, options: RunOptions) => this.drive(this.server, pool, label, options);
  }

  calibrate(): Promise<LoadResult> {
    return this.drive(this.server, this.pool(CALIBRATION), `${this.server.name} calibration`, { amount: CALIBRATION });
  }

  /** One token request: a DPoP-bound PS256 JWT access token for the Open Banking API, whose proof key it names. */
  async sanityCheck(): Promise<string> {
    const item = this.pool(1).items[0] as Item;
    const response = await fetch(this.endpoint, { method: 'POST', headers: item.headers, body: item.body });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${this.server.name} POST /token answered ${response.status}: ${text.slice(0, 400)}`);
    const json = JSON.parse(text) as { access_token: string; token_type: string; scope?: string };
    const [header, payload] = json.access_token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    const jkt = thumbprint(this.partner.dpopKey);
    const cnf = payload?.cnf as { jkt?: string } | undefined;
    if (json.token_type !== 'DPoP' || header?.alg !== 'PS256' || cnf?.jkt !== jkt)
      throw new Error(`${this.server.name}: unexpected token ${text.slice(0, 400)}`);
    return `200, token_type DPoP, ${String(header.alg)} JWT, aud ${String(payload?.aud)}, scope ${json.scope ?? '?'}, cnf.jkt = the proof key`;
  }
}

/** RFC 7638 thumbprint of an EC P-256 public key. */
function thumbprint(key: DpopKey): string {
  const { crv, kty, x, y } = key.publicJwk;
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}

/** Only a 200 with a DPoP-bound token counts. */
function acceptToken(status: number, body: string): boolean {
  return status === 200 && body.includes('"token_type":"DPoP"');
}
