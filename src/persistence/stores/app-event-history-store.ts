import type { DataSource } from 'typeorm';
import { In, IsNull, Not } from '../typeorm.js';
import type { AppEvent, AppEventHistory, DeliveryAttempt, RequeueOutcome } from '../../domain/events/app-event-history.js';
import { PushState } from '../../domain/events/event-outbox.js';
import type { EventDeliveryAttemptRow, EventNotificationRow } from '../entities/event.entity.js';
import { isStorableId } from '../sql.js';

/** An app's events for the portal, over `event_notification` and `event_delivery_attempt`; every statement is bounded to the app. */
export class SqlAppEventHistory implements AppEventHistory {
  constructor(private readonly dataSource: DataSource) {}

  private get events() {
    return this.dataSource.getRepository<EventNotificationRow>('EventNotification');
  }

  async listRecent(clientId: string, limit: number): Promise<AppEvent[]> {
    if (!isStorableId(clientId)) return [];
    const rows = await this.events.find({
      select: {
        clientId: true,
        sequence: true,
        jti: true,
        eventTypes: true,
        resourceType: true,
        resourceId: true,
        createdAt: true,
        pushState: true,
        pushAttempts: true,
        nextPushAt: true,
        acknowledgedAt: true,
        pollError: true,
      },
      where: { clientId, sequence: Not(IsNull()) },
      order: { sequence: 'DESC' },
      take: limit,
    });
    const attempts = await this.attemptsOf(rows.map((row) => row.jti));
    return rows.map((row) => ({
      sequence: Number(row.sequence),
      jti: row.jti,
      eventTypes: row.eventTypes.split(',').filter(Boolean),
      resource: { type: row.resourceType, id: row.resourceId },
      createdAt: row.createdAt,
      pushState: pushStateOf(row.pushState),
      pushAttempts: row.pushAttempts,
      nextPushAt: row.nextPushAt,
      acknowledgedAt: row.acknowledgedAt,
      pollError: row.pollError,
      attempts: attempts.get(row.jti) ?? [],
    }));
  }

  async requeueFailed(clientId: string, jti: string, now: Date): Promise<RequeueOutcome> {
    if (!isStorableId(clientId) || !isStorableId(jti)) return 'unknown';
    const result = await this.events.update(
      { clientId, jti, pushState: PushState.Failed },
      { pushState: PushState.Pending, nextPushAt: now, claimedUntil: null },
    );
    if (result.affected) return 'requeued';
    return (await this.events.existsBy({ clientId, jti })) ? 'not-failed' : 'unknown';
  }

  /** The push attempts of these events, oldest first, by `jti`. */
  private async attemptsOf(jtis: readonly string[]): Promise<Map<string, DeliveryAttempt[]>> {
    const byJti = new Map<string, DeliveryAttempt[]>();
    if (jtis.length === 0) return byJti;
    const rows = await this.dataSource
      .getRepository<EventDeliveryAttemptRow>('EventDeliveryAttempt')
      .find({ where: { jti: In([...jtis]) }, order: { jti: 'ASC', attempt: 'ASC' } });
    for (const { jti, ...attempt } of rows) byJti.set(jti, [...(byJti.get(jti) ?? []), attempt]);
    return byJti;
  }
}

function pushStateOf(value: string): PushState {
  return (Object.values(PushState) as string[]).includes(value) ? (value as PushState) : PushState.None;
}
