/**
 * Global status counters of the database server read around a measured run (nothing else of the bench runs
 * meanwhile; other databases on the same server would count too), reported per successful request.
 */
import type { Database } from '../../src/persistence/data-source.js';
import type { CombinedResult, LoadResult } from './load.js';
import { lpad } from './report.js';

const COUNTERS = {
  Questions: 'statements',
  Innodb_row_lock_waits: 'row lock waits',
  Innodb_row_lock_time: 'row lock wait ms',
  Innodb_deadlocks: 'deadlocks',
  Innodb_data_fsyncs: 'fsyncs',
} as const;
type Counters = Record<keyof typeof COUNTERS, number>;
const NAMES = Object.keys(COUNTERS) as Array<keyof Counters>;
const countersOf = new Map<LoadResult, Counters>();

async function readCounters(database: Database): Promise<Counters> {
  const rows = await database.dataSource.query<Array<{ Variable_name: string; Value: string }>>(
    `SHOW GLOBAL STATUS WHERE Variable_name IN (${NAMES.map(() => '?').join(', ')})`,
    NAMES,
  );
  const values = new Map(rows.map((row) => [row.Variable_name.toLowerCase(), Number(row.Value)]));
  return Object.fromEntries(NAMES.map((name) => [name, values.get(name.toLowerCase()) ?? Number.NaN])) as Counters;
}

/** Runs `run` between two readings of the counters and remembers their difference for its result. */
export async function withCounters(database: Database, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const before = await readCounters(database);
  const result = await run();
  const after = await readCounters(database);
  countersOf.set(result, Object.fromEntries(NAMES.map((name) => [name, after[name] - before[name]])) as Counters);
  return result;
}

/** The column titles of {@link countersPerRequest}. */
export const COUNTER_TITLES = `${lpad('statements', 11)}${lpad('fsyncs', 8)}${lpad('lock waits', 11)}${lpad('lock wait ms', 13)}${lpad('deadlocks', 11)} (total)`;

/** Database counters per successful request over the runs of a combined result. */
export function countersPerRequest(result: CombinedResult): string {
  const totals = Object.fromEntries(NAMES.map((name) => [name, 0])) as Counters;
  for (const run of result.runs) {
    const counters = countersOf.get(run);
    for (const name of NAMES) totals[name] += counters?.[name] ?? Number.NaN;
  }
  const per = (name: keyof Counters, digits: number) => (totals[name] / Math.max(1, result.ok)).toFixed(digits);
  return (
    `${lpad(per('Questions', 1), 11)}${lpad(per('Innodb_data_fsyncs', 2), 8)}${lpad(per('Innodb_row_lock_waits', 3), 11)}${lpad(per('Innodb_row_lock_time', 2), 13)}` +
    `${lpad(String(totals.Innodb_deadlocks), 11)}`
  );
}
