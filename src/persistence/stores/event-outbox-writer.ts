import type { DataSource, EntityManager } from 'typeorm';
import { eventNotificationClaims, type EventDraft } from '../../domain/events/event-notification.js';
import { PushState, type SealEvent } from '../../domain/events/event-outbox.js';
import { subscribesTo } from '../../domain/events/event-subscriptions.js';
import { subscriptionCodeOf } from '../../domain/events/event-types.js';
import { newId } from '../../domain/ids.js';
import { sqlTime } from '../sql.js';
import { afterCommit } from '../transactions.js';
import { EventSequencer } from './event-sequencer.js';
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
 * reports committed. Events are written without a sequence number: once the transaction has committed, the app's
 * {@link EventSequencer} numbers them (a process that dies in between leaves them to the sweep,
 * `EventSequencer.sequenceStragglers`), so transactions writing events for one app never wait for each other.
 * Events of types the app's subscription leaves out are not written; without a subscription every type is kept
 * for polling and the stream; with a callback URL the push is due at once (a push needs no number).
 */
export class EventOutboxWriter {
  /** One sequencer per database, shared by every transaction of this writer. */
  private readonly sequencers = new WeakMap<DataSource, EventSequencer>();

  constructor(private readonly context: EventOutboxContext) {}

  /**
   * Writes the events of `drafts` in the transaction of `manager` (one of `inTransaction`), and has them numbered once
   * it commits.
   */
  async appendWithin(manager: EntityManager, drafts: readonly EventDraft[], now: Date): Promise<void> {
    const written = new Set<string>();
    // Events written together have one creation time, and the sequencer numbers those by jti: sorted, the random jtis
    // keep the order of the drafts.
    const jtis = drafts.map(() => newId('evt')).sort();
    const at = sqlTime(manager.connection.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql', now);
    for (const [index, draft] of drafts.entries()) {
      const subscription = await readSubscription(manager, draft.clientId);
      const events = draft.events.filter((type) => subscribesTo(subscription, subscriptionCodeOf(type)));
      if (events.length === 0) continue;
      const jti = jtis[index] as string;
      const token = await this.context.seal(
        eventNotificationClaims({ ...draft, events }, { issuer: this.context.issuer, apiBaseUrl: this.context.apiBaseUrl, jti, issuedAt: now }),
      );
      const push = subscription?.callbackUrl ? PushState.Pending : PushState.None;
      // Raw SQL, the columns left out NULL (no number yet, no claim, no acknowledgement): TypeORM's insert building cost
      // more than the insert.
      await manager.query(
        `INSERT INTO event_notification (client_id, jti, event_types, resource_type, resource_id, token, created_at, push_state, push_attempts, next_push_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
        [
          draft.clientId,
          jti,
          events.map(subscriptionCodeOf).join(','),
          draft.resource.type,
          draft.resource.id,
          token,
          at,
          push,
          push === PushState.Pending ? at : null,
        ],
      );
      written.add(draft.clientId);
    }
    if (written.size === 0) return;
    const sequencer = this.sequencerOf(manager.connection);
    afterCommit(manager, async () => {
      await Promise.all([...written].map((clientId) => sequencer.sequence(clientId)));
    });
  }

  /** The sequencer of this writer's events in `dataSource` (the sweep's, too: it shares the runs under way). */
  sequencerOf(dataSource: DataSource): EventSequencer {
    let sequencer = this.sequencers.get(dataSource);
    if (!sequencer) {
      sequencer = new EventSequencer(dataSource);
      this.sequencers.set(dataSource, sequencer);
    }
    return sequencer;
  }
}
