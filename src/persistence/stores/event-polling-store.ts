import type { DataSource } from 'typeorm';
import { In, IsNull, Not } from '../typeorm.js';
import { PushState } from '../../domain/events/event-outbox.js';
import type { EventPollingStore } from '../../domain/events/event-polling.js';
import type { EventNotificationRow } from '../entities/event.entity.js';
import { isStorableId } from '../sql.js';

/** Polling over the outbox: every statement is bounded to the calling app's rows; events are offered once numbered, in their order. */
export class TypeOrmEventPollingStore implements EventPollingStore {
  constructor(private readonly dataSource: DataSource) {}

  private get events() {
    return this.dataSource.getRepository<EventNotificationRow>('EventNotification');
  }

  async acknowledge(clientId: string, jtis: readonly string[], at: Date): Promise<void> {
    const ids = jtis.filter(isStorableId);
    if (ids.length === 0) return;
    await this.events.update({ clientId, jti: In(ids), acknowledgedAt: IsNull() }, { acknowledgedAt: at, pollError: null });
  }

  async recordErrors(clientId: string, errors: ReadonlyMap<string, string>): Promise<void> {
    for (const [jti, error] of errors) {
      if (isStorableId(jti)) await this.events.update({ clientId, jti, acknowledgedAt: IsNull() }, { pollError: error.slice(0, 300) });
    }
  }

  async listUnacknowledged(clientId: string, limit: number): Promise<{ jti: string; token: string }[]> {
    return this.events.find({
      select: { jti: true, token: true },
      where: { clientId, acknowledgedAt: IsNull(), pushState: Not(PushState.Delivered), sequence: Not(IsNull()) },
      order: { sequence: 'ASC' },
      take: limit,
    });
  }
}
