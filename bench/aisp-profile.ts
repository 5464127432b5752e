/**
 * `npm run bench -- aisp-profile`: where the time of GET …/accounts/{id}/balances goes, on the same setup as
 * `aisp` (fresh MySQL database, sandbox seed, `openteller serve` in a child process, autocannon here):
 *   1. the baseline and the endpoint as they are (req/s, CPU per request of server / database / load generator);
 *   2. the endpoint with the DPoP replay-guard INSERT switched off by a preloaded hook (an experiment: no file
 *      of the application changes; see bench/lib/hooks/no-replay-guard.ts);
 *   3. every SQL statement of one request, timed through mysql2's diagnostics channel, sequentially and under load;
 *   4. a V8 CPU profile of the server under load, by code area and by function.
 * BENCH_PROFILE_ENDPOINT=transactions profiles …/transactions instead; BENCH_PROFILE_SAVE=file.cpuprofile keeps
 * the raw profile (open it in Chrome DevTools → Performance).
 */
import { writeFileSync } from 'node:fs';
import { describeSandboxCustomers } from '../src/sandbox/sandbox-seed.js';
import { API } from '../test/support/partner.js';
import {
  ALICE,
  PARAMS,
  describe,
  freshToken,
  lpad,
  measureEndpoint,
  ms,
  pad,
  partnerSession,
  printMachine,
  say,
  startOpenTeller,
  timedGet,
} from './aisp.js';
import { createBenchDatabase, type BenchDatabase } from './lib/bench-database.js';
import { summarizeProfile, type CpuProfile, type Share } from './lib/cpuprofile.js';
import type { SqlStat } from './lib/hooks/sql-timing.js';
import { combine, median, percentile, runLoad, type CombinedResult, type LoadResult } from './lib/load.js';
import { freePort, startChildServer, stopAllChildServers } from './lib/processes.js';
import { measureSteps } from './lib/steps.js';

const SEQUENTIAL_REQUESTS = 300;
const STEP_ITERATIONS = 1000;

export async function profileAisp(): Promise<number> {
  let bench: BenchDatabase | undefined;
  const cleanUp = async () => {
    await stopAllChildServers();
    await bench?.drop();
  };
  const onSignal = () => {
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await printMachine(PARAMS.databaseUrl);
    const created = await createBenchDatabase(PARAMS.databaseUrl);
    bench = created;
    const { database } = created;
    const accountIds =
      describeSandboxCustomers()
        .find((c) => c.username === ALICE.username)
        ?.accounts.map((a) => a.AccountId) ?? [];
    const account = accountIds[0] ?? 'acc_alice_current';
    const which = process.env.BENCH_PROFILE_ENDPOINT === 'transactions' ? 'transactions' : 'balances';
    const path = `${API}/accounts/${account}/${which}`;
    say(`Profiling GET ${path}`);
    say();

    // Baseline, the endpoint as it is, and the endpoint with the replay-guard INSERT off (hook), side by side
    // in three child processes and measured in alternating rounds so that drift hits all three alike.
    const baselinePort = await freePort();
    const baseline = await startChildServer(
      'baseline',
      ['bench/baseline-server.ts'],
      { BENCH_DB_URL: bench.url, BENCH_POOL_SIZE: String(PARAMS.poolSize), PORT: String(baselinePort) },
      baselinePort,
    );
    const baselineLoad = { origin: baseline.origin, path: `/balance/${account}`, connections: PARAMS.connections, serverPid: baseline.pid };
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const asIsServer = await startOpenTeller(bench.url, port, issuer);
    const asIsSession = await partnerSession(database, bench.url, bench.name, issuer);
    const hookPort = await freePort();
    const hookIssuer = `http://127.0.0.1:${hookPort}`;
    const hookServer = await startOpenTeller(bench.url, hookPort, hookIssuer, ['--import', './bench/lib/hooks/no-replay-guard.ts']);
    const hookSession = await partnerSession(database, bench.url, bench.name, hookIssuer);
    const hookPath = path;
    // Each step alone, in this process, with the application's own code — first, while the database is quiet
    // (right after a load run, InnoDB's background flushing makes commits several times slower).
    const stepToken = await freshToken(asIsSession, accountIds);
    const steps = await measureSteps({
      database,
      databaseUrl: bench.url,
      config: asIsSession.server.config,
      issuer,
      path,
      token: stepToken.token,
      minter: stepToken.minter,
      consentId: stepToken.consentId,
      accountIds,
      accountId: account,
      iterations: STEP_ITERATIONS,
    });
    const replayRows = async () =>
      Number((await database.dataSource.query<Array<{ n: number | string }>>('SELECT COUNT(*) AS n FROM replay_guard'))[0]?.n ?? 0);
    const runs: { base: LoadResult[]; asIs: LoadResult[]; noReplay: LoadResult[] } = { base: [], asIs: [], noReplay: [] };
    let rowsAdded = 0;
    for (let round = 1; round <= PARAMS.rounds; round += 1) {
      say(`    round ${round}`);
      await runLoad({ ...baselineLoad, label: 'warm-up', durationSeconds: PARAMS.warmupSeconds });
      const baseRun = await runLoad({ ...baselineLoad, label: 'baseline (Koa + mysql2, 1 SELECT)', durationSeconds: PARAMS.durationSeconds });
      say(`      ${describe(baseRun)}`);
      runs.base.push(baseRun);
      runs.asIs.push(await measureEndpoint(asIsSession, asIsServer, `${which} as it is`, path, accountIds, baseRun.rps));
      const before = await replayRows();
      runs.noReplay.push(await measureEndpoint(hookSession, hookServer, `${which}, replay-guard INSERT off`, hookPath, accountIds, baseRun.rps));
      rowsAdded += (await replayRows()) - before;
    }
    await Promise.all([baseline.stop(), asIsServer.stop(), hookServer.stop()]);
    const base = combine('baseline (Koa + mysql2, 1 SELECT)', runs.base);
    const asIs = combine(`${which} as it is`, runs.asIs);
    const noReplay = combine(`${which}, replay-guard INSERT off`, runs.noReplay);

    // SQL timing (hook over IPC): one request at a time, then under load.
    const profiledServer = async (hook: string) =>
      startChildServer(
        `openteller (${hook})`,
        ['src/cli/run.ts', 'serve'],
        { DATABASE_URL: created.url, PORT: String(port), HOST: '127.0.0.1', ISSUER: issuer, LOG_LEVEL: 'silent', OPENTELLER_MODE: 'sandbox' },
        port,
        { nodeOptions: ['--import', `./bench/lib/hooks/${hook}.ts`], ipc: true },
      );
    let server = await profiledServer('sql-timing');
    let session = await partnerSession(database, bench.url, bench.name, issuer);
    const { token, minter } = await freshToken(session, accountIds);
    const target = new URL(`${issuer}${path}`);
    for (let i = 0; i < 50; i += 1) await timedGet(target, token, minter);
    await server.command('sql:reset');
    const sequential: number[] = [];
    for (let i = 0; i < SEQUENTIAL_REQUESTS; i += 1) {
      const response = await timedGet(target, token, minter);
      if (response.status !== 200) throw new Error(`sequential request: ${response.status}`);
      sequential.push(response.ms);
    }
    const sqlSequential = (await server.command('sql:dump')) as SqlStat[];
    await server.command('sql:reset');
    const timed = await measureEndpoint(session, server, `${which}, SQL timing hook on`, path, accountIds, base.rps);
    const sqlLoad = (await server.command('sql:dump')) as SqlStat[];
    await server.stop();

    // CPU profile of the server under load (hook over IPC).
    server = await profiledServer('cpu-profile');
    session = await partnerSession(database, bench.url, bench.name, issuer);
    await server.command('cpu:start');
    const profiled = await measureEndpoint(session, server, `${which}, CPU profiler on`, path, accountIds, base.rps);
    const profile = (await server.command('cpu:stop')) as CpuProfile;
    const saveAs = process.env.BENCH_PROFILE_SAVE;
    if (saveAs) writeFileSync(saveAs, JSON.stringify(profile));

    await server.stop();

    // Report.
    say();
    say(
      `Throughput: ${PARAMS.connections} connections, ${PARAMS.durationSeconds} s runs, ${PARAMS.rounds} round(s) (req/s = median; CPU per 2xx response)`,
    );
    say(
      `  ${pad('', 44)}${lpad('req/s', 7)}${lpad('ratio', 8)}${lpad('p50', 10)}${lpad('server CPU', 12)}${lpad('DB CPU', 10)}${lpad('loadgen CPU', 13)}   req/s per round`,
    );
    const row = (result: CombinedResult) => {
      const cpu = result.cpuPerRequest;
      say(
        `  ${pad(result.label, 44)}${lpad(result.rps.toFixed(0), 7)}${lpad((result.rps / base.rps).toFixed(3), 8)}${lpad(ms(result.p50), 10)}` +
          `${lpad(ms(cpu.serverMs), 12)}${lpad(ms(cpu.databaseMs), 10)}${lpad(ms(cpu.loadGeneratorMs), 13)}   ${result.runs.map((run) => run.rps.toFixed(0)).join(' / ')}` +
          (result.failures ? `   non-2xx/errors ${result.failures}` : ''),
      );
    };
    for (const result of [base, asIs, noReplay, combine(timed.label, [timed]), combine(profiled.label, [profiled])]) row(result);
    say(
      `  (replay_guard rows added during the hook's runs: ${rowsAdded} for ${runs.noReplay.reduce((sum, run) => sum + run.responses, 0).toLocaleString('en')} API requests — the OAuth endpoints may add a few; thousands would mean the hook did not take)`,
    );

    const sortedSequential = [...sequential].sort((a, b) => a - b);
    say();
    say(
      `One request at a time (${SEQUENTIAL_REQUESTS} requests): latency p50 ${ms(median(sequential))}, p90 ${ms(percentile(sortedSequential, 90))}`,
    );
    say('SQL statements per request (time = call on the connection → result callback, incl. driver parsing)');
    say(`  ${lpad('per req', 8)}${lpad('seq mean', 10)}${lpad('load mean', 11)}${lpad('load ms/req', 13)}  statement`);
    const loadByShape = new Map(sqlLoad.map((stat) => [stat.sql, stat]));
    let seqTotal = 0;
    let loadTotal = 0;
    for (const stat of [...sqlSequential].sort((a, b) => b.totalMs - a.totalMs)) {
      const underLoad = loadByShape.get(stat.sql);
      const perRequest = stat.count / SEQUENTIAL_REQUESTS;
      const loadMsPerRequest = underLoad ? underLoad.totalMs / Math.max(1, timed.responses) : Number.NaN;
      seqTotal += stat.totalMs / SEQUENTIAL_REQUESTS;
      loadTotal += Number.isFinite(loadMsPerRequest) ? loadMsPerRequest : 0;
      say(
        `  ${lpad(perRequest.toFixed(2), 8)}${lpad(ms(stat.totalMs / stat.count), 10)}${lpad(underLoad ? ms(underLoad.totalMs / underLoad.count) : 'n/a', 11)}${lpad(ms(loadMsPerRequest), 13)}  ${stat.sql.slice(0, 150)}`,
      );
    }
    say(`  SQL time per request: ${ms(seqTotal)} one at a time (of ${ms(median(sequential))} p50 latency); ${ms(loadTotal)} under load`);

    const summary = summarizeProfile(profile, 15);
    const busy = summary.totalMs - summary.idleMs;
    const list = (title: string, shares: Share[]) => {
      say(title);
      for (const share of shares)
        say(
          `  ${lpad((share.share * 100).toFixed(1), 5)}%  ${lpad((share.ms / Math.max(1, profiled.responses)).toFixed(3), 7)} ms/req  ${share.name}`,
        );
    };
    say();
    say(
      `Server CPU profile under load: ${(busy / 1000).toFixed(1)} s busy of ${(summary.totalMs / 1000).toFixed(1)} s sampled, ${profiled.responses} responses → ${(busy / Math.max(1, profiled.responses)).toFixed(3)} ms CPU per request`,
    );
    list('By code area, self time:', summary.selfByArea);
    list('By code area, inclusive (time with that area anywhere on the stack):', summary.inclusiveByArea);
    list('By function, self time:', summary.selfByFunction);
    list('By function, inclusive:', summary.inclusiveByFunction);

    say();
    say(`Each step alone (${STEP_ITERATIONS} sequential calls in the bench process with the application's code; CPU per call)`);
    say(`  ${pad('step', 52)}${lpad('wall p50', 10)}${lpad('node CPU', 10)}${lpad('DB CPU', 10)}`);
    for (const step of steps)
      say(`  ${pad(step.name, 52)}${lpad(ms(step.wallP50Ms), 10)}${lpad(ms(step.nodeCpuMs), 10)}${lpad(ms(step.databaseCpuMs), 10)}`);
    return 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUp();
  }
}
