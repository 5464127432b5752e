import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { adminQuery } from './bench-database.js';

/** Output helpers shared by the benchmarks. */
export const say = (line = '') => process.stdout.write(`${line}\n`);
export const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : 'n/a');
export const pad = (value: string, width: number) => value.padEnd(width);
export const lpad = (value: string, width: number) => value.padStart(width);

/** Prints the title, the machine (cores, RAM, node) and the database server (version, buffer pool, log flushing). */
export async function printMachineAndDatabase(adminUrl: string, title: string): Promise<void> {
  const rows = (await adminQuery(
    adminUrl,
    'SELECT VERSION() AS version, @@innodb_buffer_pool_size AS pool, @@innodb_flush_log_at_trx_commit AS flush, @@max_connections AS max_connections',
  )) as Array<{ version: string; pool: number | string; flush: number | string; max_connections: number }>;
  const row = rows[0];
  const cpu = cpus();
  say(title);
  say(
    `Machine:  ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}; load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' / ')} (1 / 5 / 15 min)`,
  );
  say(
    `Database: ${row?.version ?? '?'} at ${new URL(adminUrl).host} (innodb_buffer_pool_size ${(Number(row?.pool) / 2 ** 20).toFixed(0)} MiB, innodb_flush_log_at_trx_commit ${row?.flush})`,
  );
}

/** Time since `since` (performance.now()), as `12.3 s` or `4 min 5 s`. */
export function seconds(since: number): string {
  const elapsed = (performance.now() - since) / 1000;
  return elapsed >= 90 ? `${Math.floor(elapsed / 60)} min ${(elapsed % 60).toFixed(0)} s` : `${elapsed.toFixed(1)} s`;
}

/** Minor units as an amount with two decimals: 123456n → `1234.56`. */
export function amountText(minor: bigint): string {
  const sign = minor < 0n ? '-' : '';
  const value = minor < 0n ? -minor : minor;
  return `${sign}${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
}

/** The machine's 1-minute load average now (runnable processes, all cores), e.g. `2.31`. */
export function machineLoad(): number {
  return loadavg()[0] ?? Number.NaN;
}
