import type { DataSource } from 'typeorm';
import type { EventStreamSource, StreamedEvent } from '../../domain/events/event-stream.js';

/** How many apps one `latestSequences` statement asks about. */
const APPS_PER_STATEMENT = 500;

/**
 * The live stream's reads of the outbox: a range of the primary key (`client_id`, `sequence`) for an app's events,
 * and the apps' `event_sequence` counters (one row per app) to learn cheaply whether anything new committed.
 */
export class SqlEventStreamStore implements EventStreamSource {
  constructor(private readonly dataSource: DataSource) {}

  async eventsAfter(clientId: string, afterSequence: number, limit: number): Promise<StreamedEvent[]> {
    const rows: Array<{ sequence: number | string; jti: string; event_types: string; token: string }> = await this.dataSource.query(
      `SELECT sequence, jti, event_types, token FROM event_notification WHERE client_id = ? AND sequence > ? ORDER BY sequence LIMIT ${Math.max(1, Math.floor(limit))}`,
      [clientId, afterSequence],
    );
    return rows.map((row) => ({
      sequence: Number(row.sequence),
      jti: row.jti,
      types: row.event_types.split(',').filter(Boolean),
      set: row.token,
    }));
  }

  async latestSequences(clientIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const latest = new Map<string, number>();
    for (let start = 0; start < clientIds.length; start += APPS_PER_STATEMENT) {
      const chunk = clientIds.slice(start, start + APPS_PER_STATEMENT);
      const rows: Array<{ client_id: string; last_sequence: number | string }> = await this.dataSource.query(
        `SELECT client_id, last_sequence FROM event_sequence WHERE client_id IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      );
      for (const row of rows) latest.set(row.client_id, Number(row.last_sequence));
    }
    return latest;
  }
}
