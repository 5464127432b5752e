/** The summary tables of the payment benchmarks: throughput and latency, CPU and database work per payment, rounds. */
import { cpus } from 'node:os';
import { COUNTER_TITLES, countersPerRequest } from './db-counters.js';
import { median, type CombinedResult, type LoadResult } from './load.js';
import { loadText, otherCores } from './measured-run.js';
import { lpad, ms, pad, say } from './report.js';

/** A line of the table and the result its ratio is taken against (itself for a baseline). */
export interface SummaryRow {
  readonly result: CombinedResult;
  readonly reference: CombinedResult;
}

/**
 * Prints payments/s (median of the rounds), p50, p99, failures and the ratio to the reference of each row; then CPU
 * per payment of the server, the database and the generator; the database's statements, fsyncs, lock waits and
 * deadlocks per payment; and how many cores other processes used meanwhile.
 * @returns those other processes' average cores (above 0.2 the figures are disturbed).
 */
export function printPaymentTable(rows: readonly SummaryRow[]): number {
  say(
    `  ${pad('', 46)}${lpad('payments/s', 11)}${lpad('p50', 10)}${lpad('p99', 10)}${lpad('failed', 8)}${lpad('vs baseline', 13)}   payments/s per round`,
  );
  for (const { result, reference } of rows) {
    say(
      `  ${pad(result.label, 46)}${lpad(result.rps.toFixed(0), 11)}${lpad(ms(result.p50), 10)}${lpad(ms(result.p99), 10)}${lpad(String(result.failures), 8)}` +
        `${lpad(result === reference ? '1.000×' : `${(result.rps / reference.rps).toFixed(3)}×`, 13)}   ${result.runs.map((run) => run.rps.toFixed(0)).join(' / ')}`,
    );
  }
  say(
    `  CPU per payment, ms (the ${cpus().length} cores are shared by all three)   ${lpad('server', 8)}${lpad('database', 10)}${lpad('load gen', 10)}${lpad('busy', 13)}`,
  );
  const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : 'n/a');
  for (const { result } of rows) {
    const cpu = result.cpuPerRequest;
    say(
      `  ${pad(result.label, 64)}${lpad(fmt(cpu.serverMs), 8)}${lpad(fmt(cpu.databaseMs), 10)}${lpad(fmt(cpu.loadGeneratorMs), 10)}${lpad(`${result.busyCores.toFixed(2)} cores`, 13)}`,
    );
  }
  say(`  Database server per payment${' '.repeat(30)}${COUNTER_TITLES}`);
  for (const { result } of rows) say(`  ${pad(result.label, 57)}${countersPerRequest(result)}`);
  const other = otherCores(rows.flatMap((row) => row.result.runs));
  say(
    `  Other processes on the machine during the measured runs: ${other.toFixed(2)} cores on average` +
      (other > 0.2 ? ' ← the machine was not quiet: the figures are disturbed (compare the runs above)' : ' (quiet)'),
  );
  return other;
}

/** Per round: the full path's rate over the baseline's of the same round. */
export function roundRatios(base: readonly LoadResult[], app: readonly LoadResult[]): number[] {
  return app.map((run, index) => run.rps / (base[index]?.rps ?? Number.NaN));
}

/**
 * One line per round (baseline and full path rates, their ratio, the load average over each run and the cores other
 * processes used), then the median of the per-round ratios, which it returns.
 */
export function printRounds(base: readonly LoadResult[], app: readonly LoadResult[]): number {
  const ratios = roundRatios(base, app);
  say(
    `  ${pad('round', 7)}${lpad('baseline/s', 11)}${lpad('full path/s', 12)}${lpad('ratio', 8)}   load avg (1 min) baseline | full path   other processes`,
  );
  ratios.forEach((ratio, index) => {
    const b = base[index] as LoadResult;
    const a = app[index] as LoadResult;
    say(
      `  ${pad(String(index + 1), 7)}${lpad(b.rps.toFixed(0), 11)}${lpad(a.rps.toFixed(0), 12)}${lpad(ratio.toFixed(3), 8)}   ${pad(`${loadText(b)} | ${loadText(a)}`, 40)}` +
        `${otherCores([b]).toFixed(2)} | ${otherCores([a]).toFixed(2)} cores`,
    );
  });
  const verdict = median(ratios);
  say(`  median of the per-round ratios: ${verdict.toFixed(3)}`);
  return verdict;
}
