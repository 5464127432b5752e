import type { DataSource, EntityManager } from 'typeorm';
import type { EventSubscription, EventSubscriptionStore } from '../../domain/events/event-subscriptions.js';
import type { EventSubscriptionRow } from '../entities/event.entity.js';
import { isDuplicateKeyError, isStorableId, readSqlTime } from '../sql.js';

/** Subscriptions in `event_subscription`; the unique `client_id` keeps one per app. */
export class TypeOrmEventSubscriptionStore implements EventSubscriptionStore {
  constructor(private readonly dataSource: DataSource) {}

  private get subscriptions() {
    return this.dataSource.getRepository<EventSubscriptionRow>('EventSubscription');
  }

  async findByClient(clientId: string): Promise<EventSubscription | null> {
    return readSubscription(this.dataSource.manager, clientId);
  }

  async insert(subscription: EventSubscription): Promise<boolean> {
    try {
      await this.subscriptions.insert(toRow(subscription));
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async update(subscription: EventSubscription): Promise<boolean> {
    const { id, clientId, ...changes } = toRow(subscription);
    const result = await this.subscriptions.update({ id, clientId }, changes);
    return Boolean(result.affected);
  }

  async delete(clientId: string, id: string): Promise<boolean> {
    if (!isStorableId(id)) return false;
    const result = await this.subscriptions.delete({ id, clientId });
    return Boolean(result.affected);
  }
}

/**
 * The app's subscription, read through `manager` (inside a transaction when it is one). Raw SQL: every event written
 * reads it, and TypeORM's query building cost more than the read.
 */
export async function readSubscription(manager: EntityManager, clientId: string): Promise<EventSubscription | null> {
  if (!isStorableId(clientId)) return null;
  const rows: Array<{
    id: string;
    callback_url: string | null;
    version: string;
    event_types: string | null;
    created_at: Date | string;
    updated_at: Date | string;
  }> = await manager.query('SELECT id, callback_url, version, event_types, created_at, updated_at FROM event_subscription WHERE client_id = ?', [
    clientId,
  ]);
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    clientId,
    callbackUrl: row.callback_url,
    version: row.version,
    eventTypes: row.event_types === null ? null : (JSON.parse(row.event_types) as string[]),
    createdAt: readSqlTime(row.created_at),
    updatedAt: readSqlTime(row.updated_at),
  };
}

function toRow(subscription: EventSubscription): EventSubscriptionRow {
  return { ...subscription, eventTypes: subscription.eventTypes ? [...subscription.eventTypes] : null };
}
