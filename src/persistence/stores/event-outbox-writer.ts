import type { EntityManager } from 'typeorm';
import { eventNotificationClaims, type EventDraft } from '../../domain/events/event-notification.js';
import { PushState, type SealEvent } from '../../domain/events/event-outbox.js';
import { subscribesTo } from '../../domain/events/event-subscriptions.js';
import { subscriptionCodeOf } from '../../domain/events/event-types.js';
import { newId } from '../../domain/ids.js';
import type { EventNotificationRow } from '../entities/event.entity.js';
import { readSubscription } from './event-subscription-store.js';

/** Who signs the events and the URLs they name. */
export interface EventOutboxContext {
  readonly issuer: string;
  /** e.g. `https://bank.example/open-banking/v4.0`. */
  readonly apiBaseUrl: string;
  readonly seal: SealEvent;
}

/**
 * Writes events into the outbox inside the caller's transaction, so an event exists exactly when the change it
 * reports committed. Each app's events are numbered by its `event_sequence` row, locked until commit: a later
 * number never becomes visible before an earlier one, which is what lets the stream resume without a gap.
 * Events of types the app's subscription leaves out are not written; without a subscription every type is kept
 * for polling and the stream; with a callback URL the push is due at once.
 */
export class EventOutboxWriter {
  constructor(private readonly context: EventOutboxContext) {}

  async appendWithin(manager: EntityManager, drafts: readonly EventDraft[], now: Date): Promise<void> {
    for (const draft of drafts) {
      const subscription = await readSubscription(manager, draft.clientId);
      const events = draft.events.filter((type) => subscribesTo(subscription, subscriptionCodeOf(type)));
      if (events.length === 0) continue;
      const jti = newId('evt');
      const token = await this.context.seal(
        eventNotificationClaims({ ...draft, events }, { issuer: this.context.issuer, apiBaseUrl: this.context.apiBaseUrl, jti, issuedAt: now }),
      );
      // Signed before the app's counter is locked: the lock is held from here to the commit, and orders the app's events.
      const sequence = await nextSequence(manager, draft.clientId);
      const push = subscription?.callbackUrl ? PushState.Pending : PushState.None;
      await manager.getRepository<EventNotificationRow>('EventNotification').insert({
        clientId: draft.clientId,
        sequence,
        jti,
        eventTypes: events.map(subscriptionCodeOf).join(','),
        resourceType: draft.resource.type,
        resourceId: draft.resource.id,
        token,
        createdAt: now,
        pushState: push,
        pushAttempts: 0,
        nextPushAt: push === PushState.Pending ? now : null,
        claimedUntil: null,
        claimedBy: null,
        acknowledgedAt: null,
        pollError: null,
      });
    }
  }
}

/** Takes the app's next sequence number, holding its counter row locked until the transaction ends. */
async function nextSequence(manager: EntityManager, clientId: string): Promise<number> {
  if (manager.connection.options.type === 'better-sqlite3') {
    const rows: Array<{ last_sequence: number | string }> = await manager.query(
      'INSERT INTO event_sequence (client_id, last_sequence) VALUES (?, 1) ON CONFLICT (client_id) DO UPDATE SET last_sequence = last_sequence + 1 RETURNING last_sequence',
      [clientId],
    );
    return Number(rows[0]?.last_sequence);
  }
  // One statement: LAST_INSERT_ID(expr) makes the new value the statement's insert id, whether the row was inserted or updated.
  const result = await manager.query<{ insertId: number | string }>(
    'INSERT INTO event_sequence (client_id, last_sequence) VALUES (?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE last_sequence = LAST_INSERT_ID(last_sequence + 1)',
    [clientId],
  );
  return Number(result.insertId);
}
