/**
 * `npm run bench -- aisp`: throughput and latency of the AIS resource API on MySQL/MariaDB, through the whole
 * path (JWT access token + DPoP proof + replay guard + consent check + database), against a bare Koa + mysql2
 * baseline under the same process layout; then a scale check of transaction paging over a 1M-entry and a
 * 10k-entry history. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as client from 'openid-client';
import { loadConfig } from '../src/config/config.js';
import { describeSandboxCustomers } from '../src/sandbox/sandbox-seed.js';
import type { Database } from '../src/persistence/data-source.js';
import { customerToken } from '../test/support/authorise.js';
import { API, partnerClient, registerPartner, type Partner } from '../test/support/partner.js';
import type { TestServer } from '../test/support/test-server.js';
import { createBenchDatabase, type BenchDatabase } from './lib/bench-database.js';
import { createDpopKey, ProofMinter, type DpopKey } from './lib/dpop.js';
import { combine, median, percentile, runLoad, type LoadResult } from './lib/load.js';
import { openTellerEntry, startOpenTeller } from './lib/openteller.js';
import { cleanUpOnInterrupt, freePort, startChildServer, type ChildServer } from './lib/processes.js';
import { lpad, ms, pad, printMachineAndDatabase, say } from './lib/report.js';
import { seedHistories, type SeededHistory } from './lib/scale-seed.js';

const env = process.env;
const number = (name: string, fallback: number) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));

export const PARAMS = {
  databaseUrl: env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/test',
  connections: number('BENCH_CONNECTIONS', 10),
  durationSeconds: number('BENCH_DURATION', 10),
  warmupSeconds: number('BENCH_WARMUP', 3),
  /** OpenTeller's pool: `openteller serve` opens the database with openDatabase's default pool of 10. */
  poolSize: 10,
  bigTransfers: number('BENCH_BIG', 1_000_000),
  smallTransfers: number('BENCH_SMALL', 10_000),
  deepPages: number('BENCH_DEEP_PAGES', 100),
  deepPageSize: 1000,
  repetitions: number('BENCH_REPS', 21),
  rounds: number('BENCH_ROUNDS', 3),
  skipScale: env.BENCH_SKIP_SCALE === '1',
  skipLoad: env.BENCH_SKIP_LOAD === '1',
};

const TARGET_BALANCES_RATIO = 0.35;
const TARGET_SCALE_RATIO = 1.5;
export const PERMISSIONS = ['ReadAccountsDetail', 'ReadBalances', 'ReadTransactionsDetail', 'ReadTransactionsCredits', 'ReadTransactionsDebits'];
export const ALICE = { username: 'alice', password: 'alice-sandbox-1' };

export { lpad, ms, pad, say, startOpenTeller };

export async function benchAisp(): Promise<number> {
  const adminUrl = new URL(PARAMS.databaseUrl);
  let bench: BenchDatabase | undefined;
  const cleanUp = cleanUpOnInterrupt(() => bench);

  try {
    await printMachine(adminUrl.href);
    bench = await createBenchDatabase(adminUrl.href);
    const { database, name } = bench;
    const url = new URL(bench.url);
    say(`Database: ${name} (created next to ${adminUrl.pathname.slice(1) || '(none)'}; dropped at the end)`);
    const alice = describeSandboxCustomers().find((customer) => customer.username === ALICE.username);
    const aliceAccounts = alice?.accounts.map((account) => account.AccountId) ?? [];
    const account = aliceAccounts[0] ?? 'acc_alice_current';
    say(`Sandbox seeded (migrated + seeded by this script); measured account: ${account}`);
    say();

    let verdict = 0;
    const openTellerPort = await freePort();
    const issuer = `http://127.0.0.1:${openTellerPort}`;
    if (!PARAMS.skipLoad) {
      // Both servers run side by side in their own child processes (the idle one costs nothing); the rounds
      // alternate baseline → balances → transactions so that drift on this shared machine hits all alike.
      say(`[1/2] Throughput: ${PARAMS.rounds} round(s) of baseline → balances → transactions`);
      const baselinePort = await freePort();
      const baseline = await startChildServer(
        'baseline',
        ['bench/baseline-server.ts'],
        { BENCH_DB_URL: url.href, BENCH_POOL_SIZE: String(PARAMS.poolSize), PORT: String(baselinePort) },
        baselinePort,
      );
      const openTeller = await startOpenTeller(url.href, openTellerPort, issuer);
      say(`      baseline:   bare Koa + @koa/router + mysql2 pool (${PARAMS.poolSize}), bench/baseline-server.ts via tsx, on ${baseline.origin}`);
      say(`      OpenTeller: \`openteller serve\` (${openTellerEntry()}, pool ${PARAMS.poolSize}) on ${issuer}`);
      const session = await partnerSession(database, url.href, name, issuer);
      const baselineLoad = { origin: baseline.origin, connections: PARAMS.connections, serverPid: baseline.pid, path: `/balance/${account}` };
      const balancesPath = `${API}/accounts/${account}/balances`;
      const transactionsPath = `${API}/accounts/${account}/transactions`;
      const runs: { base: LoadResult[]; balances: LoadResult[]; transactions: LoadResult[] } = { base: [], balances: [], transactions: [] };
      for (let round = 1; round <= PARAMS.rounds; round += 1) {
        say(`    round ${round}`);
        await runLoad({ ...baselineLoad, label: 'baseline warm-up', durationSeconds: PARAMS.warmupSeconds });
        const base = await runLoad({ ...baselineLoad, label: `baseline GET /balance/${account}`, durationSeconds: PARAMS.durationSeconds });
        say(`      ${describe(base)}`);
        runs.base.push(base);
        runs.balances.push(await measureEndpoint(session, openTeller, `GET ${balancesPath}`, balancesPath, aliceAccounts, base.rps));
        runs.transactions.push(await measureEndpoint(session, openTeller, `GET ${transactionsPath}`, transactionsPath, aliceAccounts, base.rps));
      }
      await Promise.all([baseline.stop(), openTeller.stop()]);

      const base = combine('baseline GET /balance/{id}', runs.base);
      const balances = combine('GET …/accounts/{id}/balances', runs.balances);
      const transactions = combine('GET …/accounts/{id}/transactions', runs.transactions);
      say();
      say(
        `Throughput: ${PARAMS.connections} connections, ${PARAMS.durationSeconds} s per run after ${PARAMS.warmupSeconds} s warm-up, ${PARAMS.rounds} round(s); ` +
          `req/s = median of the rounds; p50/p99 over all 2xx responses`,
      );
      say(`  ${pad('', 36)}${lpad('req/s', 8)}${lpad('p50', 10)}${lpad('p99', 10)}${lpad('non-2xx', 9)}${lpad('vs baseline', 13)}   req/s per round`);
      for (const result of [base, balances, transactions]) {
        const ratio = result === base ? '1.000×' : `${(result.rps / base.rps).toFixed(3)}×`;
        say(
          `  ${pad(result.label, 36)}${lpad(result.rps.toFixed(0), 8)}${lpad(ms(result.p50), 10)}${lpad(ms(result.p99), 10)}${lpad(String(result.failures), 9)}${lpad(ratio, 13)}   ` +
            result.runs.map((run) => run.rps.toFixed(0)).join(' / '),
        );
      }
      say(
        `  CPU per 2xx request, ms (the 2 cores are shared by all three)   ${lpad('server', 8)}${lpad('database', 10)}${lpad('load gen', 10)}${lpad('busy', 13)}`,
      );
      for (const result of [base, balances, transactions]) {
        const cpu = result.cpuPerRequest;
        const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : 'n/a');
        say(
          `  ${pad(result.label, 64)}${lpad(fmt(cpu.serverMs), 8)}${lpad(fmt(cpu.databaseMs), 10)}${lpad(fmt(cpu.loadGeneratorMs), 10)}${lpad(`${result.busyCores.toFixed(2)} cores`, 13)}`,
        );
      }
      const ratios = runs.balances.map((run, index) => run.rps / (runs.base[index]?.rps ?? Number.NaN));
      const balancesRatio = median(ratios);
      const perRound = ratios.map((value) => value.toFixed(3)).join(' / ');
      const valid = base.failures + balances.failures + transactions.failures === 0;
      say(
        `  balances / baseline, median of the per-round ratios = ${balancesRatio.toFixed(3)} (per round ${perRound}); target ≥ ${TARGET_BALANCES_RATIO} → ${balancesRatio >= TARGET_BALANCES_RATIO ? 'MET' : 'NOT MET'}`,
      );
      say(
        `  ${valid ? 'valid: 0 non-2xx responses and 0 errors in every measured run' : 'INVALID: some measured runs had non-2xx responses or errors (see above); the figures do not count'}`,
      );
      if (!valid) verdict = 1;
      say();
    }

    if (!PARAMS.skipScale) {
      // 3. Scale check: 1M vs 10k history, first and deep pages through the real API.
      say(
        `[2/2] Scale check: bulk-loading ${PARAMS.bigTransfers.toLocaleString('en')} and ${PARAMS.smallTransfers.toLocaleString('en')} transfers (2 entries each)…`,
      );
      const histories = await seedHistories(
        database,
        url.href,
        [
          { tag: tagOf(PARAMS.bigTransfers), transfers: PARAMS.bigTransfers, nickname: 'Bench big', accountNumber: '88000001' },
          { tag: tagOf(PARAMS.smallTransfers), transfers: PARAMS.smallTransfers, nickname: 'Bench small', accountNumber: '88000002' },
        ],
        (line) => say(line),
      );
      for (const history of histories) {
        say(
          `      ${history.accountId}: ${history.transfers.toLocaleString('en')} transfers, ${history.entries.toLocaleString('en')} entries, balance ${history.balanceMinor} (loaded in ${history.seconds.toFixed(1)} s; sums checked)`,
        );
      }
      await database.dataSource.query('ANALYZE TABLE ledger_entry, ledger_transfer, account');
      const openTeller = await startOpenTeller(url.href, openTellerPort, issuer);
      const session = await partnerSession(database, url.href, name, issuer);
      await scaleCheck(session, histories as [SeededHistory, SeededHistory]);
      await openTeller.stop();
    }
    return verdict;
  } finally {
    await cleanUp();
  }
}

function tagOf(count: number): string {
  if (count >= 1_000_000 && count % 1_000_000 === 0) return `${count / 1_000_000}m`;
  if (count >= 1_000 && count % 1_000 === 0) return `${count / 1_000}k`;
  return String(count);
}

export async function printMachine(adminUrl: string): Promise<void> {
  await printMachineAndDatabase(adminUrl, 'OpenTeller AIS benchmark');
  say(
    `Params:   connections ${PARAMS.connections}, duration ${PARAMS.durationSeconds} s (+${PARAMS.warmupSeconds} s warm-up), pool ${PARAMS.poolSize} (both servers), ` +
      `load generator autocannon in the bench process, each server in its own child process`,
  );
  if (!PARAMS.skipScale) {
    say(
      `          scale: ${PARAMS.bigTransfers.toLocaleString('en')} vs ${PARAMS.smallTransfers.toLocaleString('en')} transfers, deep page after ${PARAMS.deepPages} pages of ${PARAMS.deepPageSize}, p50 of ${PARAMS.repetitions} repetitions`,
    );
  }
}

/** A registered partner whose DPoP key the bench holds, so that it can mint proofs for its tokens itself. */
export interface Session {
  readonly server: TestServer;
  readonly partner: Partner;
  readonly key: DpopKey;
}

export async function partnerSession(database: Database, databaseUrl: string, databaseName: string, issuer: string): Promise<Session> {
  const config = {
    ...loadConfig({ ISSUER: issuer, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }),
    database: { kind: 'mysql' as const, url: databaseUrl, database: databaseName },
  };
  // registerPartner / customerToken need only the issuer, the config and the database of a TestServer.
  const server = { issuer, config, database, testDatabase: undefined, instance: undefined } as unknown as TestServer;
  const registered = await registerPartner(server, `Bench Partner ${randomBytes(3).toString('hex')}`);
  const key = await createDpopKey();
  const partner = partnerClient(server, registered.clientId, registered.config, client.getDPoPHandle(registered.config, key.keyPair));
  return { server, partner, key };
}

/** A fresh consent over `accountIds` authorised by alice via PAR + login + consent page, and its token. */
export async function freshToken(
  session: Session,
  accountIds: readonly string[],
): Promise<{ token: string; minter: ProofMinter; consentId: string }> {
  const { accessToken, consentId } = await customerToken(session.server, session.partner, PERMISSIONS, { ...ALICE, accountIds: [...accountIds] });
  return { token: accessToken, minter: new ProofMinter(session.key, accessToken), consentId };
}

/** What the benchmarks read of an AIS response body. */
interface AisBody {
  readonly Data?: { readonly Transaction?: readonly unknown[]; readonly Balance?: readonly unknown[] };
  readonly Links?: { readonly Next?: string };
}

export async function timedGet(target: URL, token: string, minter: ProofMinter): Promise<{ status: number; ms: number; body: AisBody | undefined }> {
  const proof = minter.mint('GET', `${target.origin}${target.pathname}`);
  const started = performance.now();
  const response = await fetch(target, { headers: { authorization: `DPoP ${token}`, dpop: proof, accept: 'application/json' } });
  const text = await response.text();
  const elapsed = performance.now() - started;
  return { status: response.status, ms: elapsed, body: text ? (JSON.parse(text) as AisBody) : undefined };
}

/**
 * Warm-up then a measured run of GET `path` with a fresh token; every request carries its own pre-generated
 * DPoP proof (made right before each run, so all stay within the 60 s iat window).
 */
export async function measureEndpoint(
  session: Session,
  server: ChildServer,
  label: string,
  path: string,
  accountIds: readonly string[],
  baselineRps: number,
): Promise<LoadResult> {
  const { token, minter } = await freshToken(session, accountIds);
  const htu = `${server.origin}${path}`;
  const check = await timedGet(new URL(htu), token, minter);
  if (check.status !== 200) throw new Error(`${label}: sanity request answered ${check.status}: ${JSON.stringify(check.body)}`);
  const headers = { authorization: `DPoP ${token}` };
  const base = { origin: server.origin, path, connections: PARAMS.connections, headers, serverPid: server.pid };
  const slack = 4 * PARAMS.connections + 100;
  const warmProofs = minter.mintMany(Math.ceil(baselineRps * 1.25 * PARAMS.warmupSeconds) + slack, 'GET', htu);
  const warm = await runLoad({ ...base, label: `${label} warm-up`, durationSeconds: PARAMS.warmupSeconds, proofs: warmProofs });
  let expectedRps = warm.proofsShort > 0 ? baselineRps : warm.rps * 3;
  let result: LoadResult | undefined;
  // Proofs are single-use: should the run outpace the estimate, it is repeated with more (at most twice).
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const mintStarted = performance.now();
    const proofs = minter.mintMany(Math.ceil(expectedRps * PARAMS.durationSeconds) + slack, 'GET', htu);
    const mintMs = performance.now() - mintStarted;
    result = await runLoad({ ...base, label, durationSeconds: PARAMS.durationSeconds, proofs });
    say(`      ${describe(result)}; ${proofs.length.toLocaleString('en')} proofs pre-generated in ${mintMs.toFixed(0)} ms`);
    if (result.proofsShort === 0) break;
    say(
      `      ${result.proofsShort} requests found no unused proof (a replay → 401): ${attempt < 3 ? 'repeating the run with more proofs' : 'giving up'}`,
    );
    expectedRps = Math.max(expectedRps * 2, result.rps * 3);
  }
  return result as LoadResult;
}

export function describe(result: LoadResult): string {
  const codes = Object.entries(result.statusCounts)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
  return `${result.label}: ${result.rps.toFixed(0)} req/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)} — ${result.responses.toLocaleString('en')} responses in ${result.seconds.toFixed(1)} s [${codes}], errors ${result.errors}`;
}

/** p50 latency of `reps` sequential requests of one URL (each with a fresh proof), after 2 unmeasured ones. */
async function repeated(target: URL, token: string, minter: ProofMinter, reps: number): Promise<{ p50: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < reps + 2; i += 1) {
    const response = await timedGet(target, token, minter);
    if (response.status !== 200)
      throw new Error(`${target.pathname}${target.search}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
    rows = response.body?.Data?.Transaction?.length ?? response.body?.Data?.Balance?.length ?? 0;
    if (i >= 2) times.push(response.ms);
  }
  return { p50: median(times), rows };
}

/** Follows `Links.Next` from `first` for up to `pages` pages; returns the URL of the page after them (or of the last page). */
async function walk(
  first: URL,
  pages: number,
  token: string,
  minter: ProofMinter,
): Promise<{ deep: URL; depthPages: number; latencies: number[]; rowsBefore: number }> {
  let current = first;
  const latencies: number[] = [];
  let rowsBefore = 0;
  for (let page = 0; page < pages; page += 1) {
    const response = await timedGet(current, token, minter);
    if (response.status !== 200) throw new Error(`walk page ${page + 1}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
    latencies.push(response.ms);
    const next = response.body?.Links?.Next;
    if (!next) return { deep: current, depthPages: page, latencies, rowsBefore };
    rowsBefore += response.body?.Data?.Transaction?.length ?? 0;
    current = new URL(next);
  }
  return { deep: current, depthPages: pages, latencies, rowsBefore };
}

/** Rows the database read (global Handler_read_* counters, all kinds summed) while `work` ran alone. */
async function rowsRead(database: Database, work: () => Promise<unknown>): Promise<number> {
  const read = async () => {
    const rows = await database.dataSource.query<Array<{ Variable_name: string; Value: string }>>("SHOW GLOBAL STATUS LIKE 'Handler_read%'");
    return rows.reduce((sum, row) => sum + Number(row.Value), 0);
  };
  const before = await read();
  await work();
  return (await read()) - before;
}

async function scaleCheck(session: Session, [big, small]: [SeededHistory, SeededHistory]): Promise<boolean> {
  const database = session.server.database;
  const { token, minter } = await freshToken(session, [big.accountId, small.accountId]);
  const origin = session.server.issuer;
  const url = (accountId: string, tail: string) => new URL(`${origin}${API}/accounts/${accountId}/${tail}`);
  const reps = PARAMS.repetitions;
  const measure = async (history: SeededHistory) => {
    const firstDefault = await repeated(url(history.accountId, 'transactions'), token, minter, reps);
    const firstLarge = await repeated(url(history.accountId, `transactions?pageSize=${PARAMS.deepPageSize}`), token, minter, reps);
    const route = await walk(url(history.accountId, `transactions?pageSize=${PARAMS.deepPageSize}`), PARAMS.deepPages, token, minter);
    const deep = await repeated(route.deep, token, minter, reps);
    const balances = await repeated(url(history.accountId, 'balances'), token, minter, reps);
    const firstReads = await rowsRead(database, () =>
      timedGet(url(history.accountId, `transactions?pageSize=${PARAMS.deepPageSize}`), token, minter),
    );
    const deepReads = await rowsRead(database, () => timedGet(route.deep, token, minter));
    return { history, firstDefault, firstLarge, route, deep, balances, firstReads, deepReads };
  };
  const smallResult = await measure(small);
  const bigResult = await measure(big);

  say();
  say(`Scale check (sequential requests, p50 of ${reps}; deep page = ${PARAMS.deepPageSize}-row page reached by following Links.Next)`);
  const header = `  ${pad('', 40)}${lpad(tagOf(small.transfers) + ' account', 16)}${lpad(tagOf(big.transfers) + ' account', 16)}${lpad('ratio', 9)}${lpad('target', 9)}`;
  say(header);
  const line = (label: string, a: number, b: number, target: boolean) =>
    say(
      `  ${pad(label, 40)}${lpad(ms(a), 16)}${lpad(ms(b), 16)}${lpad(`${(b / a).toFixed(2)}×`, 9)}${lpad(target ? `≤ ${TARGET_SCALE_RATIO}×` : '', 9)}`,
    );
  line('first page (default pageSize 100)', smallResult.firstDefault.p50, bigResult.firstDefault.p50, true);
  line(`first page (pageSize ${PARAMS.deepPageSize})`, smallResult.firstLarge.p50, bigResult.firstLarge.p50, false);
  line(`deep page (pageSize ${PARAMS.deepPageSize})`, smallResult.deep.p50, bigResult.deep.p50, true);
  line('balances', smallResult.balances.p50, bigResult.balances.p50, false);
  for (const result of [smallResult, bigResult]) {
    const { route } = result;
    const walked = route.latencies;
    const head = walked.slice(0, Math.min(10, walked.length));
    const tail = walked.slice(-Math.min(10, walked.length));
    say(
      `  ${result.history.accountId}: deep page = page ${route.depthPages + 1} (${route.rowsBefore.toLocaleString('en')} rows deep, ${result.deep.rows} rows); ` +
        `walk of ${walked.length} pages: first 10 p50 ${ms(median(head))}, last 10 p50 ${ms(median(tail))}, max ${ms(
          percentile(
            [...walked].sort((a, b) => a - b),
            100,
          ),
        )}`,
    );
    say(
      `    rows read by the database per request (Handler_read_*): first page of ${PARAMS.deepPageSize} ${result.firstReads.toLocaleString('en')}, ` +
        `deep page ${result.deepReads.toLocaleString('en')}${result.deepReads > 5 * result.firstReads ? '  ← grows with depth: the seek does not start at the cursor' : ''}`,
    );
  }
  const firstRatio = bigResult.firstDefault.p50 / smallResult.firstDefault.p50;
  const deepRatio = bigResult.deep.p50 / smallResult.deep.p50;
  const ok = firstRatio <= TARGET_SCALE_RATIO && deepRatio <= TARGET_SCALE_RATIO;
  const ratioLabel = `${tagOf(big.transfers)}/${tagOf(small.transfers)}`;
  say(
    `  ${ratioLabel}: first page ${firstRatio.toFixed(2)}×, deep page ${deepRatio.toFixed(2)}× (target ≤ ${TARGET_SCALE_RATIO}×) → ${ok ? 'MET' : 'NOT MET'}`,
  );
  return ok;
}
