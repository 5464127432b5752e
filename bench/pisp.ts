/**
 * `npm run bench -- pisp`: throughput and latency of `POST /domestic-payments` on MySQL/MariaDB through the whole
 * path (customer access token + DPoP proof + replay guard + consent + detached JWS + idempotency key + schema +
 * risk reads + ledger transaction + signed response), against a baseline that makes the same ledger writes in
 * one raw mysql2 transaction, under the same process layout. See bench/README.md.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { compactVerify, importJWK, type JWK } from 'jose';
import { newId } from '../src/domain/ids.js';
import { clearingAccountId } from '../src/domain/payments/payee.js';
import { loadKeyMaterial, publicJwks } from '../src/oauth/key-material.js';
import type { Database } from '../src/persistence/data-source.js';
import { TypeOrmPaymentConsentStore } from '../src/persistence/stores/payment-consent-store.js';
import { TypeOrmServerKeyStore } from '../src/persistence/stores/server-key-store.js';
import { createBenchDatabase, type BenchDatabase } from './lib/bench-database.js';
import { ProofMinter } from './lib/dpop.js';
import { combine, median, runLoad, type CombinedResult, type LoadResult, type PreparedRequest } from './lib/load.js';
import { openTellerEntry, startOpenTeller } from './lib/openteller.js';
import {
  AccessTokenMinter,
  benchConfig,
  DetachedSigner,
  insertAuthorisedConsents,
  newGrantId,
  newIdempotencyKey,
  registerPaymentPartner,
  seedPayers,
  SORT_CODE_SCHEME,
  type AuthorisedConsent,
  type Payer,
  type PaymentPartner,
} from './lib/pisp-fixture.js';
import { summarizeProfile, type CpuProfile } from './lib/cpuprofile.js';
import type { SqlStat } from './lib/hooks/sql-timing.js';
import { cleanUpOnInterrupt, freePort, startChildServer, type ChildServer } from './lib/processes.js';
import { lpad, ms, pad, printMachineAndDatabase, say } from './lib/report.js';

const env = process.env;
const number = (name: string, fallback: number) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));

export const PISP_PARAMS = {
  databaseUrl: env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/test',
  connections: number('BENCH_CONNECTIONS', 10),
  durationSeconds: number('BENCH_DURATION', 20),
  warmupSeconds: number('BENCH_WARMUP', 3),
  rounds: number('BENCH_ROUNDS', 3),
  /** OpenTeller's pool: `openteller serve` opens the database with openDatabase's default pool of 10. */
  poolSize: 10,
  payers: number('BENCH_PAYERS', 200),
  apiConsents: number('BENCH_API_CONSENTS', 300),
  external: env.BENCH_PISP_EXTERNAL === '1',
  profile: env.BENCH_PISP_PROFILE === '1',
};

const TARGET_RATIO = 0.25;
/** Risk limits made non-binding for the load (every limit stays in the path: the reads and checks still run). */
const SERVER_ENV: Record<string, string> = {
  PAYMENT_MAX_AMOUNT: '1000000.00',
  PAYMENT_DAILY_LIMIT: '1000000000.00',
  PAYMENT_CUSTOMER_VELOCITY: '100000000/1',
  PAYMENT_PARTNER_VELOCITY: '100000000/1',
  // External payments (BENCH_PISP_EXTERNAL=1) stay ACSP during the bench: no settlement worker traffic.
  SETTLEMENT_DELAY_SECONDS: '86400',
};
/** Per payer: 10,000,000.00 GBP, far more than the bench can spend (amounts are 1.00 to 999.99). */
const FUNDING_MINOR = 1_000_000_000n;
const API_BASE = '/open-banking/v4.0/pisp';
const PAYMENTS_PATH = `${API_BASE}/domestic-payments`;
const CONSENTS_PATH = `${API_BASE}/domestic-payment-consents`;
/** An account at another bank (not our sort code 990301, not the sandbox's refusing 990399). */
const EXTERNAL_PAYEE = { identification: '40478412345678', name: 'External Payee Ltd' };
/** Requests of the calibration runs, which size the pools of the first round (the API-created consents are used first). */
const CALIBRATION = { base: 2_000, app: 600 };
const COLD_FACTOR = 1.25;
/** Pools are sized for the estimated rate × this margin; a run that still runs short is repeated with more. */
const MARGIN = 1.6;

type Route = 'internal' | 'external';

/** One payment the bench will make: its consent and what the partner sends. */
interface Plan {
  readonly consent: AuthorisedConsent;
  readonly payer: Payer;
  readonly creditor: { readonly accountId: string; readonly identification: string; readonly name: string };
  readonly amountMinor: bigint;
  readonly reference: string;
  readonly route: Route;
}

/** A prepared request and, for OpenTeller, the token its DPoP proof must be bound to. */
interface Item {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly token?: string;
}

/** Prepared requests handed out one per request. */
class Pool {
  private next = 0;
  constructor(readonly items: readonly Item[]) {}
  take = (): PreparedRequest | undefined => this.items[this.next++];
  get remaining(): readonly Item[] {
    return this.items.slice(this.next);
  }
  get size(): number {
    return this.items.length;
  }
}

export async function benchPisp(): Promise<number> {
  const started = performance.now();
  const adminUrl = new URL(PISP_PARAMS.databaseUrl);
  let bench: BenchDatabase | undefined;
  const cleanUp = cleanUpOnInterrupt(() => bench);

  try {
    const P = PISP_PARAMS;
    await printMachineAndDatabase(adminUrl.href, 'OpenTeller PIS benchmark');
    say(
      `Params:   connections ${P.connections}, duration ${P.durationSeconds} s (+${P.warmupSeconds} s warm-up), ${P.rounds} round(s), pool ${P.poolSize} (both servers), ` +
        `load generator autocannon in the bench process, each server in its own child process`,
    );
    if (P.durationSeconds > 40) say('          warning: BENCH_DURATION > 40 s: DPoP proofs (60 s) may go stale during the run');
    bench = await createBenchDatabase(adminUrl.href);
    const { database, name } = bench;
    const url = new URL(bench.url);
    say(`Database: ${name} (created next to ${adminUrl.pathname.slice(1) || '(none)'}, migrated and seeded; dropped at the end)`);

    const openTellerPort = await freePort();
    const issuer = `http://127.0.0.1:${openTellerPort}`;
    const baselinePort = await freePort();
    const baseline = await startChildServer(
      'baseline',
      ['bench/baseline-server.ts'],
      { BENCH_DB_URL: url.href, BENCH_POOL_SIZE: String(P.poolSize), PORT: String(baselinePort) },
      baselinePort,
    );
    const openTeller = await startOpenTeller(url.href, openTellerPort, issuer, [], SERVER_ENV);
    say(`Servers:  OpenTeller \`openteller serve\` (${openTellerEntry()}) on ${issuer}`);
    say(`          baseline bench/baseline-server.ts (bare Koa + mysql2, POST /pay = the ledger writes in one transaction) on ${baseline.origin}`);
    say(
      `Settings: ${Object.entries(SERVER_ENV)
        .map(([key, value]) => `${key}=${value}`)
        .join(' ')}`,
    );
    say(
      `          (risk limits non-binding for the load: every check and its reads still run); step-up is not involved (consents are pre-authorised)`,
    );
    say(
      `Payments: ${P.payers} payers (one customer and one GBP account each, funded with ${(Number(FUNDING_MINOR) / 100).toLocaleString('en')}.00), each payment from a random payer to ` +
        `another random payer (sort code 990301: internal, ACSC at once), 1.00–999.99 on UK.OBIE.FPS (no charge below 1000.00): one transfer of two entries`,
    );
    say();

    // ---- Setup ------------------------------------------------------------------------------------------
    say('[1/3] Setup');
    let step = performance.now();
    const payers = await seedPayers(database, P.payers, FUNDING_MINOR);
    say(`      ${payers.length} payers seeded and funded in ${seconds(step)}`);
    const config = benchConfig(issuer, url.href, name);
    const partner = await registerPaymentPartner(database, config, `Bench PISP ${Date.now().toString(36)}`);
    const tokens = await AccessTokenMinter.forServer(database, config, partner.clientId, partner.jkt);
    const signer = new DetachedSigner(partner.jwsKey, partner.jwsKid, partner.signingIssuer, config.payments.trustAnchor);
    const baselineClientId = `cli_baseline${'0'.repeat(partner.clientId.length - 'cli_baseline'.length)}`;
    const planner = new Planner(payers, partner.clientId, baselineClientId);
    const prepare = new Preparer(database, planner, tokens, signer);
    say(
      `      PISP app ${partner.clientId} registered (ES256 client key, PS256 message-signing key ${partner.jwsKid}, iss ${partner.signingIssuer}, tan ${config.payments.trustAnchor})`,
    );

    // Consents through the real API (signed POST /domestic-payment-consents, client-credentials token).
    const { plans: apiPlans, seconds: apiSeconds } = await createConsentsThroughApi(openTeller, partner, signer, planner, P.apiConsents, database);
    say(
      `      ${apiPlans.length} consents created through POST ${CONSENTS_PATH} (signed, client-credentials token, ${P.connections} at a time) in ${apiSeconds.toFixed(1)} s ` +
        `(${(apiPlans.length / apiSeconds).toFixed(0)}/s, all 201 AWAU, no charges), then authorised with TypeOrmPaymentConsentStore.authorise`,
    );
    await checkBulkConsentsMatch(database, planner, apiPlans[0] as Plan);
    say('      bulk-inserted AUTH consents read back through TypeOrmPaymentConsentStore exactly like API-created, authorised ones');
    const apiItems = apiPlans.map((plan) => prepare.appItem(plan));
    const check = await sanityCheck(openTeller, partner, apiItems[0] as Item, apiPlans[0] as Plan, database, config);
    say(`      sanity: ${check}`);
    let appAccepted = 1;
    let baselineAccepted = 0;
    let runsStopped = 0;

    // Calibration: how fast each side goes, to size the pools of consents (fixed request counts, not timed).
    step = performance.now();
    const calibrationBase = await runBaseline(
      baseline,
      await prepare.baselinePool(CALIBRATION.base, 'internal'),
      'baseline calibration',
      { amount: CALIBRATION.base },
      'internal',
    );
    const calibrationPool = new Pool([
      ...apiItems.slice(1),
      ...(await prepare.appPool(Math.max(0, CALIBRATION.app - apiItems.length + 1), 'internal')).items,
    ]);
    const calibrationApp = await runPayments(
      openTeller,
      partner,
      calibrationPool,
      'payments calibration',
      { amount: calibrationPool.size },
      'internal',
    );
    for (const result of [calibrationBase, calibrationApp]) {
      if (result.non2xx + result.errors > 0) throw new Error(`${result.label} failed: ${describe(result)}\n  ${result.refusedSamples.join('\n  ')}`);
    }
    baselineAccepted += calibrationBase.ok;
    appAccepted += calibrationApp.ok;
    say(
      `      calibration (not measured): baseline ${calibrationBase.rps.toFixed(0)}/s, payments ${calibrationApp.rps.toFixed(0)}/s (${seconds(step)} with preparation)`,
    );
    say();

    // ---- Measured rounds --------------------------------------------------------------------------------
    say(`[2/3] Throughput: ${P.rounds} round(s) of baseline → payments (each run preceded by the preparation of its own consents)`);
    // Calibration runs are short and cold (JIT, buffer pool): the first round is sized for a quarter faster.
    let estimate = { base: calibrationBase.rps * COLD_FACTOR, app: calibrationApp.rps * COLD_FACTOR };
    const runs = { base: [] as LoadResult[], app: [] as LoadResult[] };
    const measure = async (route: Route, round: string) => {
      const base = await measured(database, `baseline POST /pay${route === 'external' ? ' (external)' : ''}`, estimate.base, async (count) => {
        const pool = await prepare.baselinePool(count, route);
        return async (label, options) => runBaseline(baseline, pool, label, options, route);
      });
      const app = await measured(database, `POST …/domestic-payments${route === 'external' ? ' (external)' : ''}`, estimate.app, async (count) => {
        const pool = await prepare.appPool(count, route);
        return async (label, options) => runPayments(openTeller, partner, pool, label, options, route);
      });
      runsStopped += base.all.length + app.all.length;
      baselineAccepted += base.all.reduce((sum, result) => sum + result.ok, 0);
      appAccepted += app.all.reduce((sum, result) => sum + result.ok, 0);
      say(`    ${round}: payments / baseline = ${(app.result.rps / base.result.rps).toFixed(3)}`);
      return { base: base.result, app: app.result };
    };
    for (let round = 1; round <= P.rounds; round += 1) {
      say(`    round ${round}`);
      const { base, app } = await measure('internal', `round ${round}`);
      runs.base.push(base);
      runs.app.push(app);
      estimate = { base: Math.max(estimate.base, base.rps), app: Math.max(estimate.app, app.rps) };
    }
    let external: { base: LoadResult; app: LoadResult } | undefined;
    if (P.external) {
      say('    variant: every payee at another bank (each payment credits the clearing account: one hot row), 1 round');
      const { base, app } = await measure('external', 'external');
      external = { base, app };
    }
    await Promise.all([baseline.stop(), openTeller.stop()]);

    const base = combine('baseline POST /pay (raw mysql2 transaction)', runs.base);
    const app = combine('POST …/domestic-payments (full path)', runs.app);
    const results: CombinedResult[] = [base, app];
    if (external)
      results.push(
        combine('baseline POST /pay, external payee', [external.base]),
        combine('POST …/domestic-payments, external payee', [external.app]),
      );
    say();
    say(
      `Throughput: ${P.connections} connections, ${P.durationSeconds} s per run after ${P.warmupSeconds} s warm-up, ${P.rounds} round(s); ` +
        `payments/s = median of the rounds; p50/p99 over all successful responses (201 with Status ACSC${external ? ', ACSP for external' : ''})`,
    );
    say(
      `  ${pad('', 46)}${lpad('payments/s', 11)}${lpad('p50', 10)}${lpad('p99', 10)}${lpad('failed', 8)}${lpad('vs baseline', 13)}   payments/s per round`,
    );
    const line = (result: CombinedResult, reference: CombinedResult) =>
      say(
        `  ${pad(result.label, 46)}${lpad(result.rps.toFixed(0), 11)}${lpad(ms(result.p50), 10)}${lpad(ms(result.p99), 10)}${lpad(String(result.failures), 8)}` +
          `${lpad(result === reference ? '1.000×' : `${(result.rps / reference.rps).toFixed(3)}×`, 13)}   ${result.runs.map((run) => run.rps.toFixed(0)).join(' / ')}`,
      );
    line(base, base);
    line(app, base);
    if (external) {
      line(results[2] as CombinedResult, results[2] as CombinedResult);
      line(results[3] as CombinedResult, results[2] as CombinedResult);
    }
    say(
      `  CPU per payment, ms (the ${cpuCount()} cores are shared by all three)   ${lpad('server', 8)}${lpad('database', 10)}${lpad('load gen', 10)}${lpad('busy', 13)}`,
    );
    for (const result of results) {
      const cpu = result.cpuPerRequest;
      const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : 'n/a');
      say(
        `  ${pad(result.label, 64)}${lpad(fmt(cpu.serverMs), 8)}${lpad(fmt(cpu.databaseMs), 10)}${lpad(fmt(cpu.loadGeneratorMs), 10)}${lpad(`${result.busyCores.toFixed(2)} cores`, 13)}`,
      );
    }
    say(
      `  Database server per payment${' '.repeat(30)}${lpad('statements', 11)}${lpad('fsyncs', 8)}${lpad('lock waits', 11)}${lpad('lock wait ms', 13)}${lpad('deadlocks', 11)} (total)`,
    );
    for (const result of results) say(`  ${pad(result.label, 57)}${countersPerPayment(result)}`);
    const other = otherCores(results.flatMap((result) => result.runs));
    say(
      `  Other processes on the machine during the measured runs: ${other.toFixed(2)} cores on average` +
        (other > 0.2 ? ' ← the machine was not quiet: the figures are disturbed (compare the runs above)' : ' (quiet)'),
    );
    const ratio = app.rps / base.rps;
    const roundRatios = runs.app.map((run, index) => run.rps / (runs.base[index]?.rps ?? Number.NaN));
    const perRound = `${roundRatios.map((value) => value.toFixed(3)).join(' / ')}, median ${median(roundRatios).toFixed(3)}`;
    const valid = results.every((result) => result.failures === 0);
    say(
      `  payments / baseline = ${ratio.toFixed(3)} (per round ${perRound}); target ≥ ${TARGET_RATIO} → ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}`,
    );
    say(
      `  ${valid ? 'valid: every response of every measured run was a 201 with the expected Status (0 failed, 0 errors)' : 'INVALID: some measured runs had other responses or errors (see above); the figures do not count'}`,
    );
    say();

    if (P.profile) {
      appAccepted += await profilePayments(url.href, openTellerPort, issuer, partner, prepare, estimate.app);
      runsStopped += 2;
      say();
    }
    say('[3/3] Invariants (whole database, after all runs)');
    const invariantsHold = await checkInvariants(database, payers, {
      appClientId: partner.clientId,
      baselineClientId,
      appAccepted,
      baselineAccepted,
      inFlightMax: runsStopped * P.connections,
      fundingMinor: FUNDING_MINOR,
    });
    say();
    say(`Total time: ${seconds(started)}`);
    return valid && invariantsHold ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

function seconds(since: number): string {
  const elapsed = (performance.now() - since) / 1000;
  return elapsed >= 90 ? `${Math.floor(elapsed / 60)} min ${(elapsed % 60).toFixed(0)} s` : `${elapsed.toFixed(1)} s`;
}

function cpuCount(): number {
  return cpus().length;
}

function describe(result: LoadResult): string {
  const codes = Object.entries(result.statusCounts)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
  return (
    `${result.label}: ${result.rps.toFixed(0)}/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)} — ${result.responses.toLocaleString('en')} responses in ${result.seconds.toFixed(1)} s ` +
    `[${codes}], errors ${result.errors}; other processes ${otherCores([result]).toFixed(2)} cores`
  );
}

/** Average cores used by processes other than the server, the database and the generator during the runs. */
function otherCores(runs: readonly LoadResult[]): number {
  let other = 0;
  let seconds = 0;
  for (const run of runs) {
    const { machineMs = Number.NaN, serverMs, databaseMs, loadGeneratorMs } = run.cpu;
    other += Math.max(0, machineMs - serverMs - databaseMs - loadGeneratorMs);
    seconds += run.seconds;
  }
  return other / (seconds * 1000);
}

function amountText(minor: bigint): string {
  return `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
}

/** Makes payment plans: a random payer pays a random other payer (or the external payee) 1.00–999.99. */
class Planner {
  private serial = 0;
  constructor(
    private readonly payers: readonly Payer[],
    readonly appClientId: string,
    readonly baselineClientId: string,
  ) {}

  plan(clientId: string, route: Route): Plan {
    this.serial += 1;
    const count = this.payers.length;
    const from = Math.floor(Math.random() * count);
    const payer = this.payers[from] as Payer;
    const payee = this.payers[(from + 1 + Math.floor(Math.random() * (count - 1))) % count] as Payer;
    const creditor =
      route === 'internal'
        ? { accountId: payee.accountId, identification: payee.identification, name: payee.name }
        : { accountId: clearingAccountId('GBP'), ...EXTERNAL_PAYEE };
    const amountMinor = BigInt(100 + Math.floor(Math.random() * 99_900));
    const reference = `Bench payment ${this.serial}`;
    const request = {
      Data: {
        Initiation: {
          InstructionIdentification: `BENCH-${this.serial}`,
          EndToEndIdentification: `BENCH-E2E-${this.serial}`,
          LocalInstrument: 'UK.OBIE.FPS',
          InstructedAmount: { Amount: amountText(amountMinor), Currency: 'GBP' },
          CreditorAccount: { SchemeName: SORT_CODE_SCHEME, Identification: creditor.identification, Name: creditor.name },
          RemittanceInformation: { Unstructured: [reference] },
        },
      },
      Risk: { PaymentContextCode: 'TransferToThirdParty' },
    };
    return {
      consent: { id: newId('pmc'), clientId, request, customerId: payer.customerId, debtorAccountId: payer.accountId, grantId: newGrantId() },
      payer,
      creditor,
      amountMinor,
      reference,
      route,
    };
  }
}

/** Turns plans into authorised consents in the database and ready-to-send requests. */
class Preparer {
  constructor(
    private readonly database: Database,
    private readonly planner: Planner,
    private readonly tokens: AccessTokenMinter,
    private readonly signer: DetachedSigner,
  ) {}

  /** The payment request of a plan: body signed, customer token minted, fresh idempotency key (DPoP proof added before the run). */
  appItem(plan: Plan): Item {
    const { consent } = plan;
    const body = JSON.stringify({ Data: { ConsentId: consent.id, Initiation: consent.request.Data.Initiation }, Risk: consent.request.Risk });
    const token = this.tokens.mint(consent.id, consent.customerId, consent.grantId);
    return {
      token,
      body,
      headers: {
        authorization: `DPoP ${token}`,
        'content-type': 'application/json',
        'x-idempotency-key': newIdempotencyKey(),
        'x-jws-signature': this.signer.sign(body),
      },
    };
  }

  async appPool(count: number, route: Route): Promise<Pool> {
    const plans = Array.from({ length: count }, () => this.planner.plan(this.planner.appClientId, route));
    await insertAuthorisedConsents(
      this.database,
      plans.map((plan) => plan.consent),
    );
    return new Pool(plans.map((plan) => this.appItem(plan)));
  }

  async baselinePool(count: number, route: Route): Promise<Pool> {
    const plans = Array.from({ length: count }, () => this.planner.plan(this.planner.baselineClientId, route));
    await insertAuthorisedConsents(
      this.database,
      plans.map((plan) => plan.consent),
    );
    return new Pool(
      plans.map((plan) => ({
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          clientId: plan.consent.clientId,
          idempotencyKey: newIdempotencyKey(),
          consentId: plan.consent.id,
          customerId: plan.payer.customerId,
          debtorAccountId: plan.payer.accountId,
          creditorAccountId: plan.creditor.accountId,
          creditorName: plan.creditor.name,
          creditorSchemeName: SORT_CODE_SCHEME,
          creditorIdentification: plan.creditor.identification,
          amountMinor: String(plan.amountMinor),
          currency: 'GBP',
          localInstrument: 'UK.OBIE.FPS',
          reference: plan.reference,
          external: plan.route === 'external',
        }),
      })),
    );
  }
}

interface RunOptions {
  readonly amount?: number;
  readonly durationSeconds?: number;
}

/** Only a 201 with the status the route gives counts: ACSC for a payee of ours, ACSP for one elsewhere. */
function acceptFor(route: Route) {
  const expected = route === 'internal' ? '"Status":"ACSC"' : '"Status":"ACSP"';
  return (status: number, body: string) => status === 201 && body.includes(expected);
}

async function runBaseline(server: ChildServer, pool: Pool, label: string, options: RunOptions, route: Route): Promise<LoadResult> {
  return drivePool(server, '/pay', pool, label, options, route);
}

/** Drives `pool` with POSTs to `path` on `server`: every request from the pool, counted as {@link acceptFor} says. */
function drivePool(server: ChildServer, path: string, pool: Pool, label: string, options: RunOptions, route: Route): Promise<LoadResult> {
  return runLoad({
    label,
    origin: server.origin,
    path,
    method: 'POST',
    connections: PISP_PARAMS.connections,
    durationSeconds: options.durationSeconds ?? 0,
    amount: options.amount,
    nextRequest: pool.take,
    accept: acceptFor(route),
    serverPid: server.pid,
  });
}

/** Mints a fresh DPoP proof (POST, the payments URL) for every request still in the pool, then drives the pool. */
async function runPayments(
  server: ChildServer,
  partner: PaymentPartner,
  pool: Pool,
  label: string,
  options: RunOptions,
  route: Route,
): Promise<LoadResult> {
  const htu = `${server.origin}${PAYMENTS_PATH}`;
  const iat = Math.floor(Date.now() / 1000);
  for (const item of pool.remaining) item.headers.dpop = new ProofMinter(partner.dpopKey, item.token ?? '').mint('POST', htu, iat);
  return drivePool(server, PAYMENTS_PATH, pool, label, options, route);
}

type Runner = (label: string, options: RunOptions) => Promise<LoadResult>;

/** Global status counters of the database server read around each measured run (nothing else runs meanwhile). */
const COUNTERS = {
  Questions: 'statements',
  Innodb_row_lock_waits: 'row lock waits',
  Innodb_row_lock_time: 'row lock wait ms',
  Innodb_deadlocks: 'deadlocks',
  Innodb_data_fsyncs: 'fsyncs',
} as const;
type Counters = Record<keyof typeof COUNTERS, number>;
const countersOf = new Map<LoadResult, Counters>();

async function readCounters(database: Database): Promise<Counters> {
  const names = Object.keys(COUNTERS);
  const rows = await database.dataSource.query<
    Array<{
      Variable_name: string;
      Value: string;
    }>
  >(`SHOW GLOBAL STATUS WHERE Variable_name IN (${names.map(() => '?').join(', ')})`, names);
  const values = new Map(rows.map((row) => [row.Variable_name.toLowerCase(), Number(row.Value)]));
  return Object.fromEntries(names.map((name) => [name, values.get(name.toLowerCase()) ?? Number.NaN])) as Counters;
}

/** Database counters per successful payment over the runs of a combined result. */
function countersPerPayment(result: CombinedResult): string {
  const totals = Object.fromEntries(Object.keys(COUNTERS).map((name) => [name, 0])) as Counters;
  for (const run of result.runs) {
    const counters = countersOf.get(run);
    for (const name of Object.keys(COUNTERS) as Array<keyof Counters>) totals[name] += counters?.[name] ?? Number.NaN;
  }
  const per = (name: keyof Counters, digits: number) => (totals[name] / Math.max(1, result.ok)).toFixed(digits);
  return (
    `${lpad(per('Questions', 1), 11)}${lpad(per('Innodb_data_fsyncs', 2), 8)}${lpad(per('Innodb_row_lock_waits', 3), 11)}${lpad(per('Innodb_row_lock_time', 2), 13)}` +
    `${lpad(String(totals.Innodb_deadlocks), 11)}`
  );
}

/**
 * Warm-up then a measured run from one pool sized for both at the estimated rate; a run that ran out of
 * prepared requests (each is single-use) is repeated with a larger pool, at most twice.
 */
async function measured(
  database: Database,
  label: string,
  estimate: number,
  preparePool: (count: number) => Promise<Runner>,
): Promise<{ result: LoadResult; all: LoadResult[] }> {
  const P = PISP_PARAMS;
  const all: LoadResult[] = [];
  let rate = estimate;
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const count = Math.ceil(rate * MARGIN * (P.warmupSeconds + P.durationSeconds)) + 10 * P.connections;
    const prepStarted = performance.now();
    const run = await preparePool(count);
    const prepared = seconds(prepStarted);
    const warm = await run(`${label} warm-up`, { durationSeconds: P.warmupSeconds });
    all.push(warm);
    if (warm.non2xx + warm.errors > 0) say(`      warning: ${describe(warm)}\n        ${warm.refusedSamples.join('\n        ')}`);
    const before = await readCounters(database);
    const result = await run(label, { durationSeconds: P.durationSeconds });
    const after = await readCounters(database);
    countersOf.set(
      result,
      Object.fromEntries(Object.keys(COUNTERS).map((name) => [name, after[name as keyof Counters] - before[name as keyof Counters]])) as Counters,
    );
    all.push(result);
    say(`      ${describe(result)}; ${count.toLocaleString('en')} requests prepared in ${prepared}`);
    if (result.non2xx + result.errors > 0 && result.refusedSamples.length > 0)
      say(`        refused: ${result.refusedSamples.join('\n        refused: ')}`);
    if (result.proofsShort === 0) return { result, all };
    say(`      ${result.proofsShort} requests found no prepared request left: ${attempt < 3 ? 'repeating the run with more' : 'giving up'}`);
    rate = Math.max(rate * 2, result.rps * 1.5);
    if (attempt === 3) return { result, all };
  }
  throw new Error('unreachable');
}

/**
 * BENCH_PISP_PROFILE=1: after the measured rounds (whose figures it does not touch), the same server restarted
 * with the profiling hooks of aisp-profile preloaded (V8 CPU profile, every mysql2 statement timed), one run of
 * payments, and where its CPU and statements go, per payment.
 */
async function profilePayments(
  databaseUrl: string,
  port: number,
  issuer: string,
  partner: PaymentPartner,
  prepare: Preparer,
  rate: number,
): Promise<number> {
  const P = PISP_PARAMS;
  const hooks = ['--import', './bench/lib/hooks/cpu-profile.ts', '--import', './bench/lib/hooks/sql-timing.ts'];
  const server = await startOpenTeller(databaseUrl, port, issuer, hooks, SERVER_ENV, true);
  const pool = await prepare.appPool(Math.ceil(rate * MARGIN * (P.warmupSeconds + P.durationSeconds)) + 10 * P.connections, 'internal');
  const warm = await runPayments(server, partner, pool, 'profile warm-up', { durationSeconds: P.warmupSeconds }, 'internal');
  await server.command('sql:reset');
  await server.command('cpu:start');
  const result = await runPayments(server, partner, pool, 'POST …/domestic-payments, profiled', { durationSeconds: P.durationSeconds }, 'internal');
  const profile = (await server.command('cpu:stop')) as CpuProfile;
  const statements = (await server.command('sql:dump')) as SqlStat[];
  await server.stop();
  const paid = Math.max(1, result.ok);
  say();
  say(`Profile (BENCH_PISP_PROFILE=1; a separate run with the profiler on, not part of the figures above): ${describe(result)}`);
  const summary = summarizeProfile(profile, 200);
  const busy = summary.totalMs - summary.idleMs;
  say(
    `  server CPU ${(busy / paid).toFixed(2)} ms per payment (${(busy / 1000).toFixed(1)} s busy of ${(summary.totalMs / 1000).toFixed(1)} s sampled)`,
  );
  const list = (title: string, shares: ReturnType<typeof summarizeProfile>['selfByArea'], count: number) => {
    say(`  ${title}`);
    for (const share of shares.slice(0, count))
      say(`    ${lpad((share.share * 100).toFixed(1), 5)}%  ${lpad((share.ms / paid).toFixed(3), 6)} ms  ${share.name}`);
  };
  list('by code area, self time:', summary.selfByArea, 12);
  list(
    'by code area, inclusive (that area anywhere on the stack):',
    summary.inclusiveByArea.filter((share) => !share.name.startsWith('node:')),
    12,
  );
  list(
    'OpenTeller functions, inclusive:',
    summary.inclusiveByFunction.filter((share) => share.name.includes('[openteller ')),
    20,
  );
  const sorted = [...statements].sort((a, b) => b.count - a.count);
  const total = sorted.reduce((sum, stat) => sum + stat.count, 0);
  say(`  SQL statements per payment: ${(total / paid).toFixed(1)} (count per payment, mean time under load)`);
  for (const stat of sorted)
    say(`    ${lpad((stat.count / paid).toFixed(2), 6)}  ${lpad(ms(stat.totalMs / stat.count), 9)}  ${stat.sql.slice(0, 140)}`);
  return warm.ok + result.ok;
}

/** Creates `count` consents through the real API, `connections` at a time, and authorises them with the store. */
async function createConsentsThroughApi(
  server: ChildServer,
  partner: PaymentPartner,
  signer: DetachedSigner,
  planner: Planner,
  count: number,
  database: Database,
): Promise<{ plans: Plan[]; seconds: number }> {
  const token = await partner.clientCredentialsToken();
  const minter = new ProofMinter(partner.dpopKey, token);
  const htu = `${server.origin}${CONSENTS_PATH}`;
  const plans = Array.from({ length: count }, () => planner.plan(partner.clientId, 'internal'));
  const created: Plan[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const plan = plans[next++];
      if (!plan) return;
      const body = JSON.stringify(plan.consent.request);
      const response = await fetch(htu, {
        method: 'POST',
        headers: {
          authorization: `DPoP ${token}`,
          dpop: minter.mint('POST', htu),
          'content-type': 'application/json',
          accept: 'application/json',
          'x-idempotency-key': newIdempotencyKey(),
          'x-jws-signature': signer.sign(body),
        },
        body,
      });
      const text = await response.text();
      if (response.status !== 201) throw new Error(`POST ${CONSENTS_PATH} answered ${response.status}: ${text.slice(0, 500)}`);
      const json = JSON.parse(text) as { Data: { ConsentId: string; Status: string; Charges?: unknown[] } };
      if (json.Data.Status !== 'AWAU' || json.Data.Charges) throw new Error(`unexpected consent: ${text.slice(0, 500)}`);
      if (!response.headers.get('x-jws-signature')) throw new Error('consent response without x-jws-signature');
      created.push({ ...plan, consent: { ...plan.consent, id: json.Data.ConsentId } });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: PISP_PARAMS.connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const store = new TypeOrmPaymentConsentStore(database.dataSource);
  const now = new Date();
  for (const plan of created) {
    const { id, customerId, debtorAccountId, grantId } = plan.consent;
    if (!(await store.authorise(id, { customerId, debtorAccountId, grantId }, now))) throw new Error(`consent ${id} could not be authorised`);
  }
  return { plans: created, seconds: elapsed };
}

/**
 * The consents the bench inserts in bulk must be indistinguishable from API-created ones authorised by the
 * store: insert one with the same request as an API-created consent and compare both as the store reads them.
 */
async function checkBulkConsentsMatch(database: Database, planner: Planner, apiPlan: Plan): Promise<void> {
  const store = new TypeOrmPaymentConsentStore(database.dataSource);
  const twin = planner.plan(planner.appClientId, 'internal');
  const consent = { ...apiPlan.consent, id: twin.consent.id, grantId: twin.consent.grantId };
  await insertAuthorisedConsents(database, [consent]);
  const [viaApi, viaBulk] = await Promise.all([store.findById(apiPlan.consent.id), store.findById(consent.id)]);
  if (!viaApi || !viaBulk) throw new Error('consent not found');
  const comparable = (value: typeof viaApi) => ({
    clientId: value.clientId,
    status: value.status,
    statusReason: value.statusReason,
    request: value.request,
    charges: value.charges,
    customerId: value.customerId,
    debtorAccountId: value.debtorAccountId,
  });
  const [a, b] = [JSON.stringify(comparable(viaApi), bigints), JSON.stringify(comparable(viaBulk), bigints)];
  if (a !== b) throw new Error(`bulk-inserted consent differs from an API-created one:\n  API:  ${a}\n  bulk: ${b}`);
  if (Math.abs(viaApi.authoriseBy.getTime() - viaBulk.authoriseBy.getTime()) > 120_000 || !viaBulk.authorisedAt || !viaBulk.grantId) {
    throw new Error('bulk consent authorisation deadline or grant differs from an API-created one');
  }
}

function bigints(_key: string, value: unknown) {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * One payment through the real API before any timing, so that a mistake in the bench's shortcuts fails loudly:
 * funds confirmation with a bench-minted customer token (→ 200), then the payment (→ 201 ACSC, response
 * signature verified with the server's public key, ledger and consent as expected).
 */
async function sanityCheck(
  server: ChildServer,
  partner: PaymentPartner,
  item: Item,
  plan: Plan,
  database: Database,
  config: ReturnType<typeof benchConfig>,
): Promise<string> {
  const consentId = plan.consent.id;
  const fundsPath = `${CONSENTS_PATH}/${consentId}/funds-confirmation`;
  const token = item.token ?? '';
  const minter = new ProofMinter(partner.dpopKey, token);
  const funds = await fetch(`${server.origin}${fundsPath}`, {
    headers: { authorization: `DPoP ${token}`, dpop: minter.mint('GET', `${server.origin}${fundsPath}`), accept: 'application/json' },
  });
  const fundsText = await funds.text();
  if (funds.status !== 200 || !fundsText.includes('"FundsAvailable":true')) {
    throw new Error(`funds confirmation with a bench-minted token answered ${funds.status}: ${fundsText.slice(0, 500)}`);
  }
  const response = await fetch(`${server.origin}${PAYMENTS_PATH}`, {
    method: 'POST',
    headers: { ...item.headers, dpop: minter.mint('POST', `${server.origin}${PAYMENTS_PATH}`), accept: 'application/json' },
    body: item.body,
  });
  const text = await response.text();
  if (response.status !== 201 || !text.includes('"Status":"ACSC"'))
    throw new Error(`sanity payment answered ${response.status}: ${text.slice(0, 500)}`);
  const signature = response.headers.get('x-jws-signature') ?? '';
  const [header, , sig] = signature.split('.');
  const keys = publicJwks(await loadKeyMaterial(config, new TypeOrmServerKeyStore(database.dataSource))).keys;
  const kid = JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')).kid as string;
  const jwk = keys.find((key) => key.kid === kid) as JWK;
  const crit = { 'http://openbanking.org.uk/iat': true, 'http://openbanking.org.uk/iss': true, 'http://openbanking.org.uk/tan': true };
  await compactVerify(`${header}.${Buffer.from(text).toString('base64url')}.${sig}`, await importJWK(jwk, 'PS256'), { algorithms: ['PS256'], crit });
  const paymentId = (JSON.parse(text) as { Data: { DomesticPaymentId: string } }).Data.DomesticPaymentId;
  const [row] = await database.dataSource.query<Array<{ consent_status: string; payment_status: string; credit_entries: number | string }>>(
    `SELECT c.status AS consent_status, p.status AS payment_status, (SELECT COUNT(*) FROM ledger_entry e JOIN ledger_transfer t ON t.id = e.transfer_id
        WHERE e.information LIKE CONCAT('%', p.id) AND t.kind = 'payment') AS credit_entries
       FROM payment p JOIN consent c ON c.id = p.consent_id WHERE p.id = ?`,
    [paymentId],
  );
  if (row?.consent_status !== 'COND' || row.payment_status !== 'ACSC' || Number(row.credit_entries) !== 1) {
    throw new Error(`sanity payment ${paymentId} not as expected in the database: ${JSON.stringify(row)}`);
  }
  return `funds confirmation 200 (FundsAvailable true) and POST ${PAYMENTS_PATH} 201 ACSC with a bench-minted token; response signature verified; consent COND, payment and its credit entry stored`;
}

interface InvariantContext {
  readonly appClientId: string;
  readonly baselineClientId: string;
  /** Successful responses counted (calibration, warm-ups and runs included). */
  readonly appAccepted: number;
  readonly baselineAccepted: number;
  /** Requests may still have been in flight when a timed run stopped: at most connections × runs. */
  readonly inFlightMax: number;
  readonly fundingMinor: bigint;
}

async function checkInvariants(database: Database, payers: readonly Payer[], context: InvariantContext): Promise<boolean> {
  const query = async <T>(sql: string, parameters: unknown[] = []) => await database.dataSource.query<T[]>(sql, parameters);
  let ok = true;
  const report = (holds: boolean, text: string) => {
    if (!holds) ok = false;
    say(`  ${holds ? 'ok  ' : 'FAIL'} ${text}`);
  };
  const [transfers] = await query<{ transfers: string; unbalanced: string; short: string }>(
    `SELECT COUNT(*) AS transfers, COALESCE(SUM(CASE WHEN total <> 0 THEN 1 ELSE 0 END), 0) AS unbalanced, COALESCE(SUM(CASE WHEN entries < 2 THEN 1 ELSE 0 END), 0) AS short
       FROM (SELECT t.id, COALESCE(SUM(e.amount_minor), 0) AS total, COUNT(e.id) AS entries FROM ledger_transfer t LEFT JOIN ledger_entry e ON e.transfer_id = t.id GROUP BY t.id) x`,
  );
  report(
    Number(transfers?.unbalanced) === 0 && Number(transfers?.short) === 0,
    `${Number(transfers?.transfers).toLocaleString('en')} transfers: each sums to zero (${transfers?.unbalanced} do not) and has ≥ 2 entries (${transfers?.short} do not)`,
  );
  const [accounts] = await query<{ accounts: string; differ: string }>(
    `SELECT COUNT(*) AS accounts, COALESCE(SUM(CASE WHEN a.balance_minor <> COALESCE(b.booked, 0) THEN 1 ELSE 0 END), 0) AS differ
       FROM account a LEFT JOIN (SELECT account_id, SUM(amount_minor) AS booked FROM ledger_entry WHERE status = 'BOOK' GROUP BY account_id) b ON b.account_id = a.id`,
  );
  report(Number(accounts?.differ) === 0, `${accounts?.accounts} accounts: balance = sum of its booked entries (${accounts?.differ} differ)`);
  const [negative] = await query<{ below: string; lowest: string }>(
    `SELECT COALESCE(SUM(CASE WHEN balance_minor < 0 THEN 1 ELSE 0 END), 0) AS below, MIN(balance_minor) AS lowest FROM account WHERE id IN (${payers.map(() => '?').join(',')})`,
    payers.map((payer) => payer.accountId),
  );
  report(Number(negative?.below) === 0, `${payers.length} payers: none below zero (lowest balance ${amountText(BigInt(negative?.lowest ?? 0))})`);
  for (const [who, clientId, accepted] of [
    ['OpenTeller', context.appClientId, context.appAccepted],
    ['baseline', context.baselineClientId, context.baselineAccepted],
  ] as const) {
    const [payments] = await query<{ payments: string; cond: string; rejected: string }>(
      `SELECT COUNT(*) AS payments, COALESCE(SUM(CASE WHEN c.status = 'COND' THEN 1 ELSE 0 END), 0) AS cond, COALESCE(SUM(CASE WHEN p.status = 'RJCT' THEN 1 ELSE 0 END), 0) AS rejected
         FROM payment p JOIN consent c ON c.id = p.consent_id WHERE p.client_id = ?`,
      [clientId],
    );
    const stored = Number(payments?.payments);
    const [consents] = await query<{ cond: string; auth: string }>(
      `SELECT COALESCE(SUM(CASE WHEN status = 'COND' THEN 1 ELSE 0 END), 0) AS cond, COALESCE(SUM(CASE WHEN status = 'AUTH' THEN 1 ELSE 0 END), 0) AS auth
         FROM consent WHERE client_id = ? AND kind = 'domestic-payment'`,
      [clientId],
    );
    report(
      stored >= accepted && stored <= accepted + context.inFlightMax && Number(payments?.rejected) === 0,
      `${who}: ${stored.toLocaleString('en')} payments stored for ${accepted.toLocaleString('en')} successful responses counted (+ ≤ ${context.inFlightMax} may have been in flight when timed runs stopped), ${payments?.rejected} rejected`,
    );
    report(
      Number(payments?.cond) === stored && Number(consents?.cond) === stored,
      `${who}: the consent of every payment is COND and no other consent is (${Number(consents?.cond).toLocaleString('en')}); ${Number(consents?.auth).toLocaleString('en')} prepared consents left unused (AUTH)`,
    );
  }
  // Payments ↔ ledger: one `payment` transfer per payment, and every payer's balance is its funding minus what it
  // paid plus what it was paid, as the payment rows say.
  const [totals] = await query<{ payments: string; amount: string; transfers: string; credited: string }>(
    `SELECT (SELECT COUNT(*) FROM payment WHERE status <> 'RJCT') AS payments, (SELECT COALESCE(SUM(amount_minor), 0) FROM payment WHERE status <> 'RJCT') AS amount,
            (SELECT COUNT(*) FROM ledger_transfer WHERE kind = 'payment') AS transfers,
            (SELECT COALESCE(SUM(e.amount_minor), 0) FROM ledger_entry e JOIN ledger_transfer t ON t.id = e.transfer_id WHERE t.kind = 'payment' AND e.amount_minor > 0) AS credited`,
  );
  report(
    totals?.payments === totals?.transfers && BigInt(totals?.amount ?? -1) === BigInt(totals?.credited ?? -2),
    `${Number(totals?.payments).toLocaleString('en')} payments, ${Number(totals?.transfers).toLocaleString('en')} payment transfers; amounts paid ${amountText(BigInt(totals?.amount ?? 0))} = credited ${amountText(BigInt(totals?.credited ?? 0))}`,
  );
  const paid = new Map(
    (
      await query<{ id: string; total: string }>(
        `SELECT debtor_account_id AS id, SUM(amount_minor) AS total FROM payment WHERE status <> 'RJCT' GROUP BY debtor_account_id`,
      )
    ).map((row) => [row.id, BigInt(row.total)]),
  );
  const received = new Map(
    (
      await query<{ id: string; total: string }>(
        `SELECT creditor_account_id AS id, SUM(amount_minor) AS total FROM payment WHERE status <> 'RJCT' AND creditor_account_id IS NOT NULL GROUP BY creditor_account_id`,
      )
    ).map((row) => [row.id, BigInt(row.total)]),
  );
  const balances = await query<{ id: string; balance_minor: string }>(
    `SELECT id, balance_minor FROM account WHERE id IN (${payers.map(() => '?').join(',')})`,
    payers.map((payer) => payer.accountId),
  );
  const off = balances.filter((row) => BigInt(row.balance_minor) !== context.fundingMinor - (paid.get(row.id) ?? 0n) + (received.get(row.id) ?? 0n));
  report(
    off.length === 0,
    `${balances.length} payers: balance = funding − payments made + payments received, per the payment rows (${off.length} differ)`,
  );
  return ok;
}
