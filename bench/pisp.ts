/**
 * `npm run bench -- pisp`: throughput and latency of `POST /domestic-payments` on MySQL/MariaDB through the whole
 * path (customer access token + DPoP proof + replay guard + consent + detached JWS + idempotency key + schema +
 * risk reads + ledger transaction + signed response), against a baseline that makes the same ledger writes in
 * one raw mysql2 transaction, under the same process layout. See bench/README.md.
 */
import { performance } from 'node:perf_hooks';
import { clearingAccountId } from '../src/domain/payments/payee.js';
import type { Database } from '../src/persistence/data-source.js';
import { TypeOrmPaymentConsentStore } from '../src/persistence/stores/payment-consent-store.js';
import { createConsentsThroughApi } from './lib/api-consents.js';
import { createBenchDatabase, type BenchDatabase } from './lib/bench-database.js';
import { ProofMinter } from './lib/dpop.js';
import { combine, median, type LoadResult } from './lib/load.js';
import { describe, measured } from './lib/measured-run.js';
import { openTellerEntry, startOpenTeller } from './lib/openteller.js';
import { checkConsumedConsents, checkLedger, InvariantReport } from './lib/payment-invariants.js';
import { baselineClientIdLike, baselinePool, domesticPaymentPlan, randomAmountMinor, type Plan, type Route } from './lib/payment-plans.js';
import { printPaymentTable, roundRatios, type SummaryRow } from './lib/payment-summary.js';
import {
  AccessTokenMinter,
  benchConfig,
  DetachedSigner,
  insertAuthorisedConsents,
  newIdempotencyKey,
  PAYMENT_SERVER_ENV,
  registerPaymentPartner,
  seedPayers,
  type Payer,
  type PaymentPartner,
} from './lib/pisp-fixture.js';
import { cleanUpOnInterrupt, freePort, startChildServer, type ChildServer } from './lib/processes.js';
import { printMachineAndDatabase, say, seconds } from './lib/report.js';
import { acceptStatus, addProofs, drivePool, Pool, type Item, type RunOptions } from './lib/request-pool.js';
import { verifyResponseSignature } from './lib/response-signature.js';
import { profileServerRun } from './lib/server-profile.js';

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
const SERVER_ENV = PAYMENT_SERVER_ENV;
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
/** Amounts are 1.00 to 999.99 (FPS is free below 1000.00). */
const MAX_AMOUNT_MINOR = 100_000n;

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
    const baselineClientId = baselineClientIdLike(partner.clientId);
    const planner = new Planner(payers, partner.clientId, baselineClientId);
    const prepare = new Preparer(database, planner, tokens, signer);
    say(
      `      PISP app ${partner.clientId} registered (ES256 client key, PS256 message-signing key ${partner.jwsKid}, iss ${partner.signingIssuer}, tan ${config.payments.trustAnchor})`,
    );

    // Consents through the real API (signed POST /domestic-payment-consents, client-credentials token).
    const { plans: apiPlans, seconds: apiSeconds } = await createPaymentConsents(openTeller, partner, signer, planner, P.apiConsents, database);
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
      const base = await measured(database, `baseline POST /pay${route === 'external' ? ' (external)' : ''}`, estimate.base, P, async (count) => {
        const pool = await prepare.baselinePool(count, route);
        return async (label, options) => runBaseline(baseline, pool, label, options, route);
      });
      const app = await measured(database, `POST …/domestic-payments${route === 'external' ? ' (external)' : ''}`, estimate.app, P, async (count) => {
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
    const rows: SummaryRow[] = [
      { result: base, reference: base },
      { result: app, reference: base },
    ];
    if (external) {
      const externalBase = combine('baseline POST /pay, external payee', [external.base]);
      rows.push(
        { result: externalBase, reference: externalBase },
        { result: combine('POST …/domestic-payments, external payee', [external.app]), reference: externalBase },
      );
    }
    say();
    say(
      `Throughput: ${P.connections} connections, ${P.durationSeconds} s per run after ${P.warmupSeconds} s warm-up, ${P.rounds} round(s); ` +
        `payments/s = median of the rounds; p50/p99 over all successful responses (201 with Status ACSC${external ? ', ACSP for external' : ''})`,
    );
    printPaymentTable(rows);
    const ratios = roundRatios(runs.base, runs.app);
    const ratio = median(ratios);
    const perRound = ratios.map((value) => value.toFixed(3)).join(' / ');
    const valid = rows.every((row) => row.result.failures === 0);
    say(
      `  payments / baseline, median of the per-round ratios = ${ratio.toFixed(3)} (per round ${perRound}); target ≥ ${TARGET_RATIO} → ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}`,
    );
    say(
      `  ${valid ? 'valid: every response of every measured run was a 201 with the expected Status (0 failed, 0 errors)' : 'INVALID: some measured runs had other responses or errors (see above); the figures do not count'}`,
    );
    say();

    if (P.profile) {
      appAccepted += await profileServerRun({
        databaseUrl: url.href,
        port: openTellerPort,
        issuer,
        serverEnv: SERVER_ENV,
        params: P,
        rate: estimate.app,
        label: 'POST …/domestic-payments',
        setting: 'BENCH_PISP_PROFILE=1',
        preparePool: (count) => prepare.appPool(count, 'internal'),
        run: (server, pool, label, options) => runPayments(server, partner, pool, label, options, 'internal'),
      });
      runsStopped += 2;
      say();
    }
    say('[3/3] Invariants (whole database, after all runs)');
    const invariants = new InvariantReport();
    await checkLedger(database, payers, FUNDING_MINOR, invariants);
    for (const side of [
      { who: 'OpenTeller', clientId: partner.clientId, accepted: appAccepted },
      { who: 'baseline', clientId: baselineClientId, accepted: baselineAccepted },
    ])
      await checkConsumedConsents(database, { ...side, inFlightMax: runsStopped * P.connections }, invariants);
    say();
    say(`Total time: ${seconds(started)}`);
    return valid && invariants.ok ? 0 : 1;
  } finally {
    await cleanUp();
  }
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
    return domesticPaymentPlan(this.serial, clientId, payer, creditor, randomAmountMinor(MAX_AMOUNT_MINOR), route);
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

  baselinePool(count: number, route: Route): Promise<Pool> {
    return baselinePool(
      this.database,
      Array.from({ length: count }, () => this.planner.plan(this.planner.baselineClientId, route)),
    );
  }
}

/** Only a 201 with the status the route gives counts: ACSC for a payee of ours, ACSP for one elsewhere. */
function acceptFor(route: Route) {
  return acceptStatus(route === 'internal' ? 'ACSC' : 'ACSP');
}

async function runBaseline(server: ChildServer, pool: Pool, label: string, options: RunOptions, route: Route): Promise<LoadResult> {
  return drivePool(server, '/pay', pool, label, options, PISP_PARAMS.connections, acceptFor(route));
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
  addProofs(pool, partner.dpopKey, `${server.origin}${PAYMENTS_PATH}`);
  return drivePool(server, PAYMENTS_PATH, pool, label, options, PISP_PARAMS.connections, acceptFor(route));
}

/** Creates `count` consents through the real API, `connections` at a time, and authorises them with the store. */
async function createPaymentConsents(
  server: ChildServer,
  partner: PaymentPartner,
  signer: DetachedSigner,
  planner: Planner,
  count: number,
  database: Database,
): Promise<{ plans: Plan[]; seconds: number }> {
  const planned = Array.from({ length: count }, () => planner.plan(partner.clientId, 'internal'));
  const { ids, seconds } = await createConsentsThroughApi(
    server,
    partner,
    signer,
    CONSENTS_PATH,
    planned.map((plan) => plan.consent.request),
    PISP_PARAMS.connections,
  );
  const plans = planned.map((plan, index) => ({ ...plan, consent: { ...plan.consent, id: ids[index] as string } }));
  const store = new TypeOrmPaymentConsentStore(database.dataSource);
  const now = new Date();
  for (const plan of plans) {
    const { id, customerId, debtorAccountId, grantId } = plan.consent;
    if (!(await store.authorise(id, { customerId, debtorAccountId, grantId }, now))) throw new Error(`consent ${id} could not be authorised`);
  }
  return { plans, seconds };
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
  await verifyResponseSignature(text, response.headers.get('x-jws-signature') ?? '', database, config);
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
