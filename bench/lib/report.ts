import { cpus, totalmem } from 'node:os';
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
  say(`Machine:  ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}`);
  say(
    `Database: ${row?.version ?? '?'} at ${new URL(adminUrl).host} (innodb_buffer_pool_size ${(Number(row?.pool) / 2 ** 20).toFixed(0)} MiB, innodb_flush_log_at_trx_commit ${row?.flush})`,
  );
}
