/**
 * `npm run bench -- vrp`: throughput and latency of `POST /domestic-vrps` — a payment under an authorised domestic VRP
 * mandate — on MySQL/MariaDB through the whole path (customer access token bound to the mandate + DPoP proof + replay
 * guard + detached JWS + idempotency key + schema + mandate checks + the mandate locked and its payments summed over
 * each periodic limit + risk reads + ledger transaction + signed response), against the pisp bench's baseline (the same
 * ledger writes in one raw mysql2 transaction), in paired rounds. See bench/README.md.
 */
import { performance } from 'node:perf_hooks';
import type { Config } from '../src/config/config.js';
import type { Database } from '../src/persistence/data-source.js';
import { createBenchDatabase, type BenchDatabase } from './lib/bench-database.js';
import { ProofMinter } from './lib/dpop.js';
import { combine, type LoadResult } from './lib/load.js';
import { describe, measured } from './lib/measured-run.js';
import { openTellerEntry, startOpenTeller } from './lib/openteller.js';
import { checkConsumedConsents, checkLedger, InvariantReport } from './lib/payment-invariants.js';
import { baselineClientIdLike, baselinePool, domesticPaymentPlan, randomAmountMinor } from './lib/payment-plans.js';
import { printPaymentTable, printRounds } from './lib/payment-summary.js';
import {
  AccessTokenMinter,
  benchConfig,
  DetachedSigner,
  newIdempotencyKey,
  PAYMENT_SERVER_ENV,
  registerPaymentPartner,
  seedPayers,
  type PaymentPartner,
} from './lib/pisp-fixture.js';
import { cleanUpOnInterrupt, freePort, startChildServer, type ChildServer } from './lib/processes.js';
import { amountText, machineLoad, printMachineAndDatabase, say, seconds } from './lib/report.js';
import { acceptStatus, addProofs, drivePool, Pool, type Item, type RunOptions } from './lib/request-pool.js';
import { verifyResponseSignature } from './lib/response-signature.js';
import { profileServerRun } from './lib/server-profile.js';
import { createMandates, MANDATE_LIMITS, MAX_PAYMENT_MINOR, VRP_CONSENTS_PATH, VRPS_PATH, vrpRequest, type Mandate } from './lib/vrp-fixture.js';
import { checkMandatePayments } from './lib/vrp-invariants.js';

const env = process.env;
const number = (name: string, fallback: number) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));
const payers = number('BENCH_PAYERS', 200);

export const VRP_PARAMS = {
  databaseUrl: env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/test',
  connections: number('BENCH_CONNECTIONS', 10),
  durationSeconds: number('BENCH_DURATION', 20),
  warmupSeconds: number('BENCH_WARMUP', 3),
  rounds: number('BENCH_ROUNDS', 3),
  /** OpenTeller's pool: `openteller serve` opens the database with openDatabase's default pool of 10. */
  poolSize: 10,
  payers,
  /** One mandate per payer by default: many customers' mandates, as in real use (see bench/README.md). */
  mandates: number('BENCH_MANDATES', payers),
  profile: env.BENCH_VRP_PROFILE === '1',
};

const TARGET_RATIO = 0.25;
/** Per payer: 10,000,000.00 GBP, far more than the bench can spend (amounts are 1.00 to 99.99). */
const FUNDING_MINOR = 1_000_000_000n;
/** Requests of the calibration runs, which size the pools of the first round (not timed). */
const CALIBRATION = { base: 2_000, app: 600 };
const COLD_FACTOR = 1.25;
const ACSC = acceptStatus('ACSC');

export async function benchVrp(): Promise<number> {
  const started = performance.now();
  const P = VRP_PARAMS;
  const adminUrl = new URL(P.databaseUrl);
  let bench: BenchDatabase | undefined;
  const cleanUp = cleanUpOnInterrupt(() => bench);

  try {
    await printMachineAndDatabase(adminUrl.href, 'OpenTeller VRP benchmark');
    say(
      `Params:   connections ${P.connections}, duration ${P.durationSeconds} s (+${P.warmupSeconds} s warm-up), ${P.rounds} round(s), pool ${P.poolSize} (both servers), ` +
        `load generator autocannon in the bench process, each server in its own child process`,
    );
    if (P.durationSeconds > 40) say('          warning: BENCH_DURATION > 40 s: DPoP proofs (60 s) may go stale during the run');
    if (P.payers < 2 || P.mandates < 1) throw new Error('BENCH_PAYERS must be ≥ 2 and BENCH_MANDATES ≥ 1');
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
    const openTeller = await startOpenTeller(url.href, openTellerPort, issuer, [], { ...PAYMENT_SERVER_ENV });
    say(`Servers:  OpenTeller \`openteller serve\` (${openTellerEntry()}) on ${issuer}`);
    say(`          baseline bench/baseline-server.ts (bare Koa + mysql2, POST /pay = the ledger writes in one transaction) on ${baseline.origin}`);
    say(
      `Settings: ${Object.entries(PAYMENT_SERVER_ENV)
        .map(([key, value]) => `${key}=${value}`)
        .join(' ')} (risk limits non-binding: every check and its reads still run)`,
    );
    say(
      `Mandates: ${P.mandates} (mandate k from payer k to a random other payer of ours; VRPType Other, SCANotRequired, for a year; at most ` +
        `${amountText(MANDATE_LIMITS.individualMinor)} a payment, ${amountText(MANDATE_LIMITS.dayMinor)} a day (Consent), ${amountText(MANDATE_LIMITS.monthMinor)} a month (Calendar))`,
    );
    say(
      `Payments: ${P.payers} payers (one customer and one GBP account each, funded with ${amountText(FUNDING_MINOR)}); each payment under a random mandate ` +
        `(its own InstructionIdentification, idempotency key, access token and DPoP proof), 1.00–${amountText(MAX_PAYMENT_MINOR - 1n)} on UK.OBIE.FPS, ACSC at once: ` +
        `one transfer of two entries. The baseline makes the same payer → payee postings.`,
    );
    say();

    // ---- Setup ------------------------------------------------------------------------------------------
    say('[1/3] Setup');
    let step = performance.now();
    const payerList = await seedPayers(database, P.payers, FUNDING_MINOR);
    say(`      ${payerList.length} payers seeded and funded in ${seconds(step)}`);
    const config = benchConfig(issuer, url.href, name);
    const partner = await registerPaymentPartner(database, config, `Bench VRP ${Date.now().toString(36)}`);
    const tokens = await AccessTokenMinter.forServer(database, config, partner.clientId, partner.jkt);
    const signer = new DetachedSigner(partner.jwsKey, partner.jwsKid, partner.signingIssuer, config.payments.trustAnchor);
    const baselineClientId = baselineClientIdLike(partner.clientId);
    say(
      `      PISP app ${partner.clientId} registered (ES256 client key, PS256 message-signing key ${partner.jwsKid}, iss ${partner.signingIssuer})`,
    );
    const { mandates, seconds: mandateSeconds } = await createMandates(
      openTeller,
      partner,
      signer,
      database,
      config,
      payerList,
      P.mandates,
      P.connections,
    );
    say(
      `      ${mandates.length} mandates created through POST ${VRP_CONSENTS_PATH} (signed, client-credentials token, ${P.connections} at a time) in ` +
        `${mandateSeconds.toFixed(1)} s (${(mandates.length / mandateSeconds).toFixed(0)}/s, all 201 AWAU), then authorised with TypeOrmVrpConsentStore.authorise`,
    );
    const prepare = new Preparer(database, mandates, tokens, signer, baselineClientId);
    say(`      sanity: ${await sanityCheck(openTeller, partner, prepare, database, config)}`);
    let appAccepted = 1;
    let baselineAccepted = 0;
    let runsStopped = 0;

    // Calibration: how fast each side goes, to size the pools of the first round (fixed request counts, not timed).
    step = performance.now();
    const calibrationBase = await runBaseline(baseline, await prepare.baselinePool(CALIBRATION.base), 'baseline calibration', {
      amount: CALIBRATION.base,
    });
    const calibrationApp = await runVrps(openTeller, partner, prepare.appPool(CALIBRATION.app), 'VRPs calibration', { amount: CALIBRATION.app });
    for (const result of [calibrationBase, calibrationApp]) {
      if (result.non2xx + result.errors > 0) throw new Error(`${result.label} failed: ${describe(result)}\n  ${result.refusedSamples.join('\n  ')}`);
    }
    baselineAccepted += calibrationBase.ok;
    appAccepted += calibrationApp.ok;
    say(
      `      calibration (not measured): baseline ${calibrationBase.rps.toFixed(0)}/s, VRPs ${calibrationApp.rps.toFixed(0)}/s (${seconds(step)} with preparation)`,
    );
    say();

    // ---- Measured rounds --------------------------------------------------------------------------------
    say(`[2/3] Throughput: ${P.rounds} paired round(s) of baseline → VRPs, back to back (each run preceded by the preparation of its own requests)`);
    // Calibration runs are short and cold (JIT, buffer pool): the first round is sized for a quarter faster.
    let estimate = { base: calibrationBase.rps * COLD_FACTOR, app: calibrationApp.rps * COLD_FACTOR };
    const runs = { base: [] as LoadResult[], app: [] as LoadResult[] };
    for (let round = 1; round <= P.rounds; round += 1) {
      say(`    round ${round} (load average ${machineLoad().toFixed(2)})`);
      const base = await measured(database, 'baseline POST /pay', estimate.base, P, async (count) => {
        const pool = await prepare.baselinePool(count);
        return async (label, options) => runBaseline(baseline, pool, label, options);
      });
      const app = await measured(database, 'POST …/domestic-vrps', estimate.app, P, async (count) => {
        const pool = prepare.appPool(count);
        return async (label, options) => runVrps(openTeller, partner, pool, label, options);
      });
      runsStopped += base.all.length + app.all.length;
      baselineAccepted += base.all.reduce((sum, result) => sum + result.ok, 0);
      appAccepted += app.all.reduce((sum, result) => sum + result.ok, 0);
      runs.base.push(base.result);
      runs.app.push(app.result);
      say(`    round ${round}: VRPs / baseline = ${(app.result.rps / base.result.rps).toFixed(3)}`);
      estimate = { base: Math.max(estimate.base, base.result.rps), app: Math.max(estimate.app, app.result.rps) };
    }
    await Promise.all([baseline.stop(), openTeller.stop()]);

    const base = combine('baseline POST /pay (raw mysql2 transaction)', runs.base);
    const app = combine('POST …/domestic-vrps (full path)', runs.app);
    say();
    say(
      `Throughput: ${P.connections} connections, ${P.durationSeconds} s per run after ${P.warmupSeconds} s warm-up, ${P.rounds} round(s); ` +
        `payments/s = median of the rounds; p50/p99 over all successful responses (201 with Status ACSC)`,
    );
    printPaymentTable([
      { result: base, reference: base },
      { result: app, reference: base },
    ]);
    say('  Paired rounds (the verdict is the median of the per-round ratios):');
    const verdict = printRounds(runs.base, runs.app);
    const valid = base.failures === 0 && app.failures === 0;
    say(
      `  VRPs / baseline = ${verdict.toFixed(3)} (median of the per-round ratios); target ≥ ${TARGET_RATIO} → ${verdict >= TARGET_RATIO ? 'MET' : 'NOT MET'}`,
    );
    say(
      `  ${valid ? 'valid: every response of every measured run was a 201 with Status ACSC (0 failed, 0 errors)' : 'INVALID: some measured runs had other responses or errors (see above); the figures do not count'}`,
    );
    say();

    if (P.profile) {
      appAccepted += await profileServerRun({
        databaseUrl: url.href,
        port: openTellerPort,
        issuer,
        serverEnv: PAYMENT_SERVER_ENV,
        params: P,
        rate: estimate.app,
        label: 'POST …/domestic-vrps',
        setting: 'BENCH_VRP_PROFILE=1',
        preparePool: (count) => prepare.appPool(count),
        run: (server, pool, label, options) => runVrps(server, partner, pool, label, options),
      });
      runsStopped += 2;
      say();
    }
    say('[3/3] Invariants (whole database, after all runs)');
    const invariants = new InvariantReport();
    const inFlightMax = runsStopped * P.connections;
    await checkLedger(database, payerList, FUNDING_MINOR, invariants);
    await checkMandatePayments(
      database,
      { who: 'OpenTeller', clientId: partner.clientId, accepted: appAccepted, inFlightMax },
      mandates.length,
      invariants,
    );
    await checkConsumedConsents(database, { who: 'baseline', clientId: baselineClientId, accepted: baselineAccepted, inFlightMax }, invariants);
    say();
    say(`Total time: ${seconds(started)}`);
    return valid && invariants.ok ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

/** Makes the requests of both sides: each payment under a random mandate, its payer paying the mandate's payee. */
class Preparer {
  private serial = 0;

  constructor(
    private readonly database: Database,
    readonly mandates: readonly Mandate[],
    private readonly tokens: AccessTokenMinter,
    readonly signer: DetachedSigner,
    private readonly baselineClientId: string,
  ) {}

  private next(): { mandate: Mandate; serial: number; amountMinor: bigint } {
    this.serial += 1;
    const mandate = this.mandates[Math.floor(Math.random() * this.mandates.length)] as Mandate;
    return { mandate, serial: this.serial, amountMinor: randomAmountMinor(MAX_PAYMENT_MINOR) };
  }

  /**
   * A VRP request: its own instruction, body signed, an access token for the mandate minted for this payment alone (a
   * partner refreshes the mandate's token when a payment is due), a fresh idempotency key (DPoP proof added before the run).
   */
  appItem(mandate: Mandate, serial: number, amountMinor: bigint): Item {
    const body = JSON.stringify(vrpRequest(mandate, serial, amountMinor));
    const token = this.tokens.mint(mandate.id, mandate.payer.customerId, mandate.grantId);
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

  appPool(count: number): Pool {
    return new Pool(
      Array.from({ length: count }, () => {
        const { mandate, serial, amountMinor } = this.next();
        return this.appItem(mandate, serial, amountMinor);
      }),
    );
  }

  /** The baseline's requests: the same payer → payee postings, each consuming a domestic payment consent of its own. */
  baselinePool(count: number): Promise<Pool> {
    const plans = Array.from({ length: count }, () => {
      const { mandate, serial, amountMinor } = this.next();
      return domesticPaymentPlan(serial, this.baselineClientId, mandate.payer, mandate.creditor, amountMinor, 'internal');
    });
    return baselinePool(this.database, plans);
  }
}

async function runBaseline(server: ChildServer, pool: Pool, label: string, options: RunOptions): Promise<LoadResult> {
  return drivePool(server, '/pay', pool, label, options, VRP_PARAMS.connections, ACSC);
}

/** Mints a fresh DPoP proof (POST, the VRPs URL) for every request still in the pool, then drives the pool. */
async function runVrps(server: ChildServer, partner: PaymentPartner, pool: Pool, label: string, options: RunOptions): Promise<LoadResult> {
  addProofs(pool, partner.dpopKey, `${server.origin}${VRPS_PATH}`);
  return drivePool(server, VRPS_PATH, pool, label, options, VRP_PARAMS.connections, ACSC);
}

/**
 * Before any timing, so that a mistake in the bench's shortcuts fails loudly: with a bench-minted customer token for the
 * first mandate, `POST …/funds-confirmation` (→ 201, Available), then one VRP (→ 201 ACSC, response signature verified
 * with the server's public key, the payment and its credit entry stored, the mandate still AUTH).
 */
async function sanityCheck(server: ChildServer, partner: PaymentPartner, prepare: Preparer, database: Database, config: Config): Promise<string> {
  const mandate = prepare.mandates[0] as Mandate;
  const item = prepare.appItem(mandate, 0, 1_00n);
  const token = item.token ?? '';
  const minter = new ProofMinter(partner.dpopKey, token);
  const fundsUrl = `${server.origin}${VRP_CONSENTS_PATH}/${mandate.id}/funds-confirmation`;
  const fundsBody = JSON.stringify({ Data: { ConsentId: mandate.id, Reference: 'BENCH', InstructedAmount: { Amount: '1.00', Currency: 'GBP' } } });
  const funds = await fetch(fundsUrl, {
    method: 'POST',
    headers: {
      authorization: `DPoP ${token}`,
      dpop: minter.mint('POST', fundsUrl),
      'content-type': 'application/json',
      accept: 'application/json',
      'x-jws-signature': prepare.signer.sign(fundsBody),
    },
    body: fundsBody,
  });
  const fundsText = await funds.text();
  if (funds.status !== 201 || !fundsText.includes('"FundsAvailable":"Available"')) {
    throw new Error(`funds confirmation with a bench-minted token answered ${funds.status}: ${fundsText.slice(0, 500)}`);
  }
  const response = await fetch(`${server.origin}${VRPS_PATH}`, {
    method: 'POST',
    headers: { ...item.headers, dpop: minter.mint('POST', `${server.origin}${VRPS_PATH}`), accept: 'application/json' },
    body: item.body,
  });
  const text = await response.text();
  if (response.status !== 201 || !text.includes('"Status":"ACSC"')) throw new Error(`sanity VRP answered ${response.status}: ${text.slice(0, 500)}`);
  await verifyResponseSignature(text, response.headers.get('x-jws-signature') ?? '', database, config);
  const paymentId = (JSON.parse(text) as { Data: { DomesticVRPId: string } }).Data.DomesticVRPId;
  const [row] = await database.dataSource.query<
    Array<{ consent_status: string; payment_status: string; kind: string; credit_entries: number | string }>
  >(
    `SELECT c.status AS consent_status, p.status AS payment_status, p.kind, (SELECT COUNT(*) FROM ledger_entry e JOIN ledger_transfer t ON t.id = e.transfer_id
        WHERE e.information LIKE CONCAT('%', p.id) AND t.kind = 'payment' AND e.account_id = ?) AS credit_entries
       FROM payment p JOIN consent c ON c.id = p.consent_id WHERE p.id = ?`,
    [mandate.creditor.accountId, paymentId],
  );
  if (row?.consent_status !== 'AUTH' || row.payment_status !== 'ACSC' || row.kind !== 'domestic-vrp' || Number(row.credit_entries) !== 1) {
    throw new Error(`sanity VRP ${paymentId} not as expected in the database: ${JSON.stringify(row)}`);
  }
  return (
    `funds confirmation 201 (Available) and POST ${VRPS_PATH} 201 ACSC with a bench-minted token; response signature verified; ` +
    `the VRP and its credit to the payee stored, the mandate still AUTH`
  );
}
