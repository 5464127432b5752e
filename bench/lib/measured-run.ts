/**
 * A measured run of the payment benchmarks: its own pool of single-use requests prepared first, a warm-up, then the
 * timed run with the database counters read around it; repeated with a larger pool if the requests ran out.
 */
import { performance } from 'node:perf_hooks';
import type { Database } from '../../src/persistence/data-source.js';
import { withCounters } from './db-counters.js';
import type { LoadResult } from './load.js';
import { ms, say, seconds } from './report.js';
import type { Runner } from './request-pool.js';

export interface MeasureParams {
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

/** Pools are sized for the estimated rate × this margin; a run that still runs short is repeated with more. */
export const MARGIN = 1.6;

/** Requests to prepare for a warm-up and a run at `rate` per second. */
export function poolSizeFor(rate: number, params: MeasureParams): number {
  return Math.ceil(rate * MARGIN * (params.warmupSeconds + params.durationSeconds)) + 10 * params.connections;
}

/**
 * Warm-up then a measured run from one pool sized for both at the estimated rate; a run that ran out of
 * prepared requests (each is single-use) is repeated with a larger pool, at most twice.
 */
export async function measured(
  database: Database,
  label: string,
  estimate: number,
  params: MeasureParams,
  preparePool: (count: number) => Promise<Runner>,
): Promise<{ result: LoadResult; all: LoadResult[] }> {
  const all: LoadResult[] = [];
  let rate = estimate;
  for (let attempt = 1; ; attempt += 1) {
    const count = poolSizeFor(rate, params);
    const prepStarted = performance.now();
    const run = await preparePool(count);
    const prepared = seconds(prepStarted);
    const warm = await run(`${label} warm-up`, { durationSeconds: params.warmupSeconds });
    all.push(warm);
    if (warm.non2xx + warm.errors > 0) say(`      warning: ${describe(warm)}\n        ${warm.refusedSamples.join('\n        ')}`);
    const result = await withCounters(database, () => run(label, { durationSeconds: params.durationSeconds }));
    all.push(result);
    say(`      ${describe(result)}; ${count.toLocaleString('en')} requests prepared in ${prepared}`);
    if (result.non2xx + result.errors > 0 && result.refusedSamples.length > 0)
      say(`        refused: ${result.refusedSamples.join('\n        refused: ')}`);
    if (result.proofsShort === 0 || attempt === 3) return { result, all };
    say(`      ${result.proofsShort} requests found no prepared request left: repeating the run with more`);
    rate = Math.max(rate * 2, result.rps * 1.5);
  }
}

/** One line about a run: rate, latencies, status codes, errors, and how busy the machine was meanwhile. */
export function describe(result: LoadResult): string {
  const codes = Object.entries(result.statusCounts)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
  return (
    `${result.label}: ${result.rps.toFixed(0)}/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)} — ${result.responses.toLocaleString('en')} responses in ${result.seconds.toFixed(1)} s ` +
    `[${codes}], errors ${result.errors}; other processes ${otherCores([result]).toFixed(2)} cores, load ${loadText(result)}`
  );
}

/** The 1-minute load average at the start and the end of a run: `3.10→3.42`. */
export function loadText(result: LoadResult): string {
  return `${result.load.before.toFixed(2)}→${result.load.after.toFixed(2)}`;
}

/** Average cores used by processes other than the server, the database and the generator during the runs. */
export function otherCores(runs: readonly LoadResult[]): number {
  let other = 0;
  let elapsed = 0;
  for (const run of runs) {
    const { machineMs = Number.NaN, serverMs, databaseMs, loadGeneratorMs } = run.cpu;
    other += Math.max(0, machineMs - serverMs - databaseMs - loadGeneratorMs);
    elapsed += run.seconds;
  }
  return other / (elapsed * 1000);
}
