import type { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../transactions.js';

/** The most events one sequencing transaction numbers; a larger backlog takes several. */
const BATCH = 500;

/**
 * Numbers committed events, app by app: each app's events still without a sequence number get the next numbers of
 * its `event_sequence` row, in the order they were created, in one transaction that holds that row locked. The
 * numbers of one app are thus given one batch at a time and become visible all together at its commit: a reader
 * never sees a number before every smaller one. Writers of events never touch the counter, so transactions that
 * write events for one app do not wait for each other.
 *
 * In one process, requests for an app that come while its sequencing runs are served together by one more run after
 * it (which sees every event committed before it started).
 */
export class EventSequencer {
  /** Per app: the run under way, and the run queued after it for the requests that came meanwhile. */
  private readonly runs = new Map<string, { running: Promise<void>; queued: Promise<void> | null }>();

  constructor(private readonly dataSource: DataSource) {}

  /** Numbers the app's events committed before this call; resolves once that is committed. */
  sequence(clientId: string): Promise<void> {
    const current = this.runs.get(clientId);
    if (!current) {
      const entry = { running: this.run(clientId), queued: null as Promise<void> | null };
      this.runs.set(clientId, entry);
      return entry.running;
    }
    if (current.queued) return current.queued;
    const queued = current.running
      .catch(() => undefined)
      .then(() => {
        current.queued = null;
        current.running = this.run(clientId);
        return current.running;
      });
    current.queued = queued;
    return queued;
  }

  /**
   * Numbers the events that every process left unnumbered (it died between a commit and its sequencing, or the
   * sequencing failed).
   * @returns how many apps had such events.
   */
  async sequenceStragglers(): Promise<number> {
    const rows: Array<{ client_id: string }> = await this.dataSource.query(
      'SELECT DISTINCT client_id FROM event_notification WHERE sequence IS NULL',
    );
    for (const row of rows) await this.sequence(row.client_id);
    return rows.length;
  }

  /** One run: batches until the app has no unnumbered event left; forgets the app when nothing is queued after it. */
  private async run(clientId: string): Promise<void> {
    try {
      while ((await inTransaction(this.dataSource, (manager) => numberBatch(manager, clientId))) === BATCH);
    } finally {
      const entry = this.runs.get(clientId);
      if (entry && !entry.queued) this.runs.delete(clientId);
    }
  }
}

/**
 * Locks the app's counter (creating it at 0), then reads the app's unnumbered events — a plain read, whose snapshot
 * starts after the lock, so it sees every event committed before it — and numbers them after the counter.
 * @returns how many it numbered.
 */
async function numberBatch(manager: EntityManager, clientId: string): Promise<number> {
  const mysql = manager.connection.options.type !== 'better-sqlite3';
  await manager.query(
    mysql
      ? 'INSERT INTO event_sequence (client_id, last_sequence) VALUES (?, 0) ON DUPLICATE KEY UPDATE last_sequence = last_sequence'
      : 'INSERT INTO event_sequence (client_id, last_sequence) VALUES (?, 0) ON CONFLICT (client_id) DO NOTHING',
    [clientId],
  );
  const counter: Array<{ last_sequence: number | string }> = await manager.query(
    `SELECT last_sequence FROM event_sequence WHERE client_id = ?${mysql ? ' FOR UPDATE' : ''}`,
    [clientId],
  );
  const last = Number(counter[0]?.last_sequence ?? 0);
  const events: Array<{ jti: string }> = await manager.query(
    `SELECT jti FROM event_notification WHERE client_id = ? AND sequence IS NULL ORDER BY created_at, jti LIMIT ${BATCH}`,
    [clientId],
  );
  if (events.length === 0) return 0;
  const jtis = events.map((event) => event.jti);
  await manager.query(
    `UPDATE event_notification SET sequence = CASE jti ${jtis.map(() => 'WHEN ? THEN ?').join(' ')} END
     WHERE client_id = ? AND jti IN (${jtis.map(() => '?').join(', ')})`,
    [...jtis.flatMap((jti, index) => [jti, last + index + 1]), clientId, ...jtis],
  );
  await manager.query('UPDATE event_sequence SET last_sequence = ? WHERE client_id = ?', [last + jtis.length, clientId]);
  return jtis.length;
}
