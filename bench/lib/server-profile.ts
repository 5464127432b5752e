/**
 * A profiled run of the payment benchmarks (BENCH_PISP_PROFILE=1, BENCH_VRP_PROFILE=1): after the measured rounds,
 * whose figures it does not touch, the server restarted with aisp-profile's hooks preloaded (V8 CPU profile, every
 * mysql2 statement timed), one warm-up and one run, then where its CPU and its statements go, per payment.
 */
import { summarizeProfile, type CpuProfile } from './cpuprofile.js';
import type { SqlStat } from './hooks/sql-timing.js';
import type { LoadResult } from './load.js';
import { describe, poolSizeFor, type MeasureParams } from './measured-run.js';
import { startOpenTeller } from './openteller.js';
import type { ChildServer } from './processes.js';
import { lpad, ms, say } from './report.js';
import type { Pool, RunOptions } from './request-pool.js';

const HOOKS = ['--import', './bench/lib/hooks/cpu-profile.ts', '--import', './bench/lib/hooks/sql-timing.ts'];

export interface ProfileOptions {
  readonly databaseUrl: string;
  readonly port: number;
  readonly issuer: string;
  readonly serverEnv: Readonly<Record<string, string>>;
  readonly params: MeasureParams;
  /** The rate to size the pool for (the measured rounds' best). */
  readonly rate: number;
  /** What the run is called and which setting asked for it, e.g. `POST …/domestic-vrps` and `BENCH_VRP_PROFILE=1`. */
  readonly label: string;
  readonly setting: string;
  /** What one successful response is, in the figures: `payment` unless told (`VRP`, `token`). */
  readonly unit?: string;
  /** Told the run's headline figures: server CPU (ms, from the profile) and SQL statements per successful response. */
  onFigures?(figures: { readonly serverCpuMs: number; readonly statements: number }): void;
  preparePool(count: number): Promise<Pool> | Pool;
  run(server: ChildServer, pool: Pool, label: string, options: RunOptions): Promise<LoadResult>;
}

/** @returns the successful responses of the warm-up and the run (payments made). */
export async function profileServerRun(options: ProfileOptions): Promise<number> {
  const { params } = options;
  const server = await startOpenTeller(options.databaseUrl, options.port, options.issuer, HOOKS, { ...options.serverEnv }, true);
  const pool = await options.preparePool(poolSizeFor(options.rate, params));
  const warm = await options.run(server, pool, 'profile warm-up', { durationSeconds: params.warmupSeconds });
  await server.command('sql:reset');
  await server.command('cpu:start');
  const result = await options.run(server, pool, `${options.label}, profiled`, { durationSeconds: params.durationSeconds });
  const profile = (await server.command('cpu:stop')) as CpuProfile;
  const statements = (await server.command('sql:dump')) as SqlStat[];
  await server.stop();
  const paid = Math.max(1, result.ok);
  const unit = options.unit ?? 'payment';
  say();
  say(`Profile (${options.setting}; a separate run with the profiler on, not part of the figures above): ${describe(result)}`);
  const summary = summarizeProfile(profile, 200);
  const busy = summary.totalMs - summary.idleMs;
  say(
    `  server CPU ${(busy / paid).toFixed(2)} ms per ${unit} (${(busy / 1000).toFixed(1)} s busy of ${(summary.totalMs / 1000).toFixed(1)} s sampled)`,
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
  options.onFigures?.({ serverCpuMs: busy / paid, statements: total / paid });
  say(`  SQL statements per ${unit}: ${(total / paid).toFixed(2)} (count per ${unit}, mean time under load)`);
  for (const stat of sorted)
    say(`    ${lpad((stat.count / paid).toFixed(2), 6)}  ${lpad(ms(stat.totalMs / stat.count), 9)}  ${stat.sql.slice(0, 140)}`);
  return warm.ok + result.ok;
}
