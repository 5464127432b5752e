/**
 * `npm run bench -- hot-account`: 1,000 payments from one debtor account, 50 in flight, through the full path of
 * `POST /domestic-payments`, against the same postings as raw SQL (the pisp baseline's `POST /pay`) at the same
 * concurrency, in paired rounds; verdict = median of the per-round ratios, target ≥ 0.5. See bench/README.md.
 */
import { performance } from 'node:perf_hooks';
import { createBenchDatabase, type BenchDatabase } from './lib/bench-database.js';
import { combine, median, type CombinedResult, type LoadResult } from './lib/load.js';
import { describe, otherCores } from './lib/measured-run.js';
import { withCounters } from './lib/db-counters.js';
import { openTellerEntry, startOpenTeller } from './lib/openteller.js';
import { checkConsumedConsents, checkLedger, InvariantReport } from './lib/payment-invariants.js';
import { baselineClientIdLike, baselinePool, domesticPaymentPlan, randomAmountMinor, type Plan } from './lib/payment-plans.js';
import { printPaymentTable, printRounds } from './lib/payment-summary.js';
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
} from './lib/pisp-fixture.js';
import { cleanUpOnInterrupt, freePort, startChildServer } from './lib/processes.js';
import { machineLoad, printMachineAndDatabase, say, seconds } from './lib/report.js';
import { acceptStatus, drivePool, Pool, type Item } from './lib/request-pool.js';
import { ProofMinter } from './lib/dpop.js';

const env = process.env;
const number = (name: string, fallback: number) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));

export const HOT_ACCOUNT_PARAMS = {
  databaseUrl: env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/test',
  payments: number('BENCH_HOT_PAYMENTS', 1000),
  inFlight: number('BENCH_HOT_IN_FLIGHT', 50),
  rounds: number('BENCH_ROUNDS', 3),
  payees: number('BENCH_PAYERS', 200),
  poolSize: 10,
};

export const HOT_ACCOUNT_TARGET_RATIO = 0.5;
const PAYMENTS_PATH = '/open-banking/v4.0/pisp/domestic-payments';
/** Per account: 10,000,000.00 GBP; the hot account pays at most rounds × (payments + warm-up) × 99.99. */
const FUNDING_MINOR = 1_000_000_000n;
const MAX_AMOUNT_MINOR = 10_000n;
const WARM_UP = 100;

/** What `benchHotAccount` found, for `npm run bench -- all`. */
export interface HotAccountOutcome {
  readonly ratio: number;
  readonly valid: boolean;
  readonly load: string;
}

export async function benchHotAccount(report?: (outcome: HotAccountOutcome) => void): Promise<number> {
  const started = performance.now();
  const P = HOT_ACCOUNT_PARAMS;
  const adminUrl = new URL(P.databaseUrl);
  let bench: BenchDatabase | undefined;
  const cleanUp = cleanUpOnInterrupt(() => bench);
  try {
    await printMachineAndDatabase(adminUrl.href, 'OpenTeller hot account benchmark');
    say(
      `Params:   ${P.payments} payments per run from ONE debtor account, ${P.inFlight} in flight, ${P.rounds} paired round(s) of baseline → OpenTeller ` +
        `(each after ${WARM_UP} warm-up payments), pool ${P.poolSize} (both servers), load generator autocannon in the bench process`,
    );
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
    const openTeller = await startOpenTeller(url.href, openTellerPort, issuer, [], PAYMENT_SERVER_ENV);
    say(`Servers:  OpenTeller \`openteller serve\` (${openTellerEntry()}) on ${issuer}, risk limits non-binding as in pisp`);
    say(`          baseline bench/baseline-server.ts (POST /pay: the same ledger writes in one raw mysql2 transaction) on ${baseline.origin}`);

    const payers = await seedPayers(database, P.payees + 1, FUNDING_MINOR);
    const hot = payers[0] as Payer;
    const payees = payers.slice(1);
    const config = benchConfig(issuer, url.href, name);
    const partner = await registerPaymentPartner(database, config, `Bench hot account ${Date.now().toString(36)}`);
    const tokens = await AccessTokenMinter.forServer(database, config, partner.clientId, partner.jkt);
    const signer = new DetachedSigner(partner.jwsKey, partner.jwsKid, partner.signingIssuer, config.payments.trustAnchor);
    const baselineClientId = baselineClientIdLike(partner.clientId);
    say(
      `Payments: every one from account ${hot.accountId} (customer ${hot.customerId}) to one of ${payees.length} other accounts of ours (ACSC at once), ` +
        `1.00–99.99 on UK.OBIE.FPS; each with its own pre-authorised consent, token, JWS, idempotency key and DPoP proof (as pisp)`,
    );
    say();

    let serial = 0;
    const plan = (clientId: string): Plan => {
      serial += 1;
      const payee = payees[Math.floor(Math.random() * payees.length)] as Payer;
      return domesticPaymentPlan(
        serial,
        clientId,
        hot,
        { accountId: payee.accountId, identification: payee.identification, name: payee.name },
        randomAmountMinor(MAX_AMOUNT_MINOR),
        'internal',
      );
    };
    const appPool = async (count: number): Promise<Pool> => {
      const plans = Array.from({ length: count }, () => plan(partner.clientId));
      await insertAuthorisedConsents(
        database,
        plans.map((each) => each.consent),
      );
      return new Pool(
        plans.map(({ consent }) => {
          const body = JSON.stringify({ Data: { ConsentId: consent.id, Initiation: consent.request.Data.Initiation }, Risk: consent.request.Risk });
          const token = tokens.mint(consent.id, consent.customerId, consent.grantId);
          return {
            token,
            body,
            headers: {
              authorization: `DPoP ${token}`,
              'content-type': 'application/json',
              'x-idempotency-key': newIdempotencyKey(),
              'x-jws-signature': signer.sign(body),
            },
          };
        }),
      );
    };
    const accept = acceptStatus('ACSC');
    const runApp = async (count: number, label: string): Promise<LoadResult> => {
      const pool = await appPool(count);
      // 1,000 payments on one account outlast a DPoP proof's 60 s: each proof is minted as its request is sent
      // (ES256 with node:crypto, ≈ 25 µs, at a few dozen requests a second).
      const htu = `${openTeller.origin}${PAYMENTS_PATH}`;
      const take = pool.take;
      pool.take = () => {
        const item = take();
        if (item) (item as Item).headers.dpop = new ProofMinter(partner.dpopKey, (item as Item).token ?? '').mint('POST', htu);
        return item;
      };
      return drivePool(openTeller, PAYMENTS_PATH, pool, label, { amount: count }, P.inFlight, accept);
    };
    const runBase = async (count: number, label: string): Promise<LoadResult> => {
      const pool = await baselinePool(
        database,
        Array.from({ length: count }, () => plan(baselineClientId)),
      );
      return drivePool(baseline, '/pay', pool, label, { amount: count }, P.inFlight, accept);
    };

    const runs = { base: [] as LoadResult[], app: [] as LoadResult[] };
    let accepted = { base: 0, app: 0 };
    for (let round = 1; round <= P.rounds; round += 1) {
      say(`    round ${round}`);
      const sides = [
        { key: 'base' as const, label: 'baseline POST /pay, one debtor', run: runBase },
        { key: 'app' as const, label: 'POST …/domestic-payments, one debtor', run: runApp },
      ];
      for (const side of sides) {
        const warm = await side.run(WARM_UP, `${side.label} warm-up`);
        const result = await withCounters(database, () => side.run(P.payments, side.label));
        for (const each of [warm, result]) {
          if (each.non2xx + each.errors > 0) say(`      refused: ${each.refusedSamples.join('\n      refused: ')}`);
        }
        accepted = { ...accepted, [side.key]: accepted[side.key] + warm.ok + result.ok };
        say(`      ${describe(result)}`);
        runs[side.key].push(result);
      }
      say(`    round ${round}: OpenTeller / baseline = ${((runs.app[round - 1]?.rps ?? 0) / (runs.base[round - 1]?.rps ?? Number.NaN)).toFixed(3)}`);
    }
    await Promise.all([baseline.stop(), openTeller.stop()]);

    const base: CombinedResult = combine('baseline POST /pay (raw SQL), one debtor', runs.base);
    const app: CombinedResult = combine('POST …/domestic-payments, one debtor', runs.app);
    say();
    say(`Summary: ${P.payments} payments per run, ${P.inFlight} in flight, all from one account; payments/s = median of the rounds`);
    printPaymentTable([
      { result: base, reference: base },
      { result: app, reference: base },
    ]);
    const verdict = printRounds(runs.base, runs.app);
    const valid = base.failures === 0 && app.failures === 0;
    say(
      `  verdict: median of the per-round ratios ${verdict.toFixed(3)}; target ≥ ${HOT_ACCOUNT_TARGET_RATIO} → ${verdict >= HOT_ACCOUNT_TARGET_RATIO ? 'MET' : 'NOT MET'}`,
    );
    say(
      `  ${valid ? 'valid: every response of every run was a 201 ACSC (0 failed, 0 errors)' : 'INVALID: some runs had other responses or errors (see above); the figures do not count'}`,
    );
    const all = [...runs.base, ...runs.app];
    const load = `${median(all.map((run) => run.load.before)).toFixed(2)} (1-min load average), other processes ${otherCores(all).toFixed(2)} cores`;
    say(`  machine load during the runs: ${load}; now ${machineLoad().toFixed(2)}`);
    say();
    say('Invariants (whole database, after all runs)');
    const invariants = new InvariantReport();
    await checkLedger(database, payers, FUNDING_MINOR, invariants);
    for (const side of [
      { who: 'OpenTeller', clientId: partner.clientId, accepted: accepted.app },
      { who: 'baseline', clientId: baselineClientId, accepted: accepted.base },
    ])
      await checkConsumedConsents(database, { ...side, inFlightMax: 0 }, invariants);
    say(`Total time: ${seconds(started)}`);
    report?.({ ratio: verdict, valid: valid && invariants.ok, load });
    return valid && invariants.ok ? 0 : 1;
  } finally {
    await cleanUp();
  }
}
