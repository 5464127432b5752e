/**
 * Profiling hook, preloaded into the server child by `npm run bench -- aisp-profile` (`--import`): times every
 * mysql2 query through mysql2's own diagnostics channel (`mysql2:query`), from the call on the connection to
 * its callback, grouped by statement shape. Commands over IPC: `sql:reset`, `sql:dump`. Changes no behaviour.
 */
import { tracingChannel } from 'node:diagnostics_channel';

export interface SqlStat {
  sql: string;
  count: number;
  totalMs: number;
  maxMs: number;
}

const stats = new Map<string, SqlStat>();
const started = new WeakMap<object, bigint>();

/** A statement's shape: literals and placeholder lists folded, whitespace collapsed. */
function shape(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/'(?:[^'\\]|\\.)*'/g, '?')
    .replace(/\b\d+(\.\d+)?\b/g, 'N')
    .replace(/\(\s*\?(\s*,\s*\?)*\s*\)/g, '(…)')
    .trim();
}

tracingChannel('mysql2:query').subscribe({
  start(context: unknown) {
    started.set(context as object, process.hrtime.bigint());
  },
  asyncStart(context: unknown) {
    const at = started.get(context as object);
    if (at === undefined) return;
    started.delete(context as object);
    const ms = Number(process.hrtime.bigint() - at) / 1e6;
    const sql = shape(String((context as { query?: string }).query ?? '?'));
    const stat = stats.get(sql) ?? { sql, count: 0, totalMs: 0, maxMs: 0 };
    stat.count += 1;
    stat.totalMs += ms;
    stat.maxMs = Math.max(stat.maxMs, ms);
    stats.set(sql, stat);
  },
  end() {},
  asyncEnd() {},
  error() {},
});

process.on('message', (message: { id?: number; command?: string }) => {
  if (message?.command === 'sql:reset') {
    stats.clear();
    process.send?.({ id: message.id, result: true });
  } else if (message?.command === 'sql:dump') {
    process.send?.({ id: message.id, result: [...stats.values()] });
  }
});
