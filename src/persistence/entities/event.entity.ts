import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes } from './column-types.js';

/** A partner app's event subscription (at most one per app: `client_id` is unique). */
export interface EventSubscriptionRow {
  id: string;
  clientId: string;
  callbackUrl: string | null;
  version: string;
  /** The subscribed `UK.OBIE.*` codes as a JSON array; null: every type. */
  eventTypes: string[] | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The last event sequence number given to an app's events: its row lock serialises their numbering (`EventSequencer`). */
export interface EventSequenceRow {
  clientId: string;
  lastSequence: number;
}

/**
 * One event notification for one app (the outbox): the signed SET, written in the transaction of the change it
 * reports, with the state of its push and of its acknowledgement by polling.
 */
export interface EventNotificationRow {
  clientId: string;
  /** The app's number of the event, given after its commit (`EventSequencer`); null until then. */
  sequence: number | null;
  jti: string;
  /** The `UK.OBIE.*` codes of its events, comma-separated. */
  eventTypes: string;
  resourceType: string;
  resourceId: string;
  /** The compact JWS sent to the partner. */
  token: string;
  createdAt: Date;
  /** `none` (nowhere to push), `pending`, `delivered` or `failed` (the retry policy ran out). */
  pushState: string;
  pushAttempts: number;
  nextPushAt: Date | null;
  /** Until when the process that claimed the push owns it; a crashed process's claim expires. */
  claimedUntil: Date | null;
  /** Names the current claim, so that a process whose claim expired and was taken over records nothing. */
  claimedBy: string | null;
  acknowledgedAt: Date | null;
  /** The partner's negative acknowledgement (`setErrs`) as `err: description`. */
  pollError: string | null;
}

/** One attempt to push an event: when, where, and what came back. */
export interface EventDeliveryAttemptRow {
  jti: string;
  attempt: number;
  attemptedAt: Date;
  callbackUrl: string;
  httpStatus: number | null;
  error: string | null;
  latencyMs: number;
}

export function eventSubscriptionEntity(types: ColumnTypes): EntitySchema<EventSubscriptionRow> {
  return new EntitySchema<EventSubscriptionRow>({
    name: 'EventSubscription',
    tableName: 'event_subscription',
    columns: {
      id: types.id(40, { primary: true }),
      clientId: types.id(255, { name: 'client_id', unique: true }),
      callbackUrl: types.text(512, { name: 'callback_url', nullable: true }),
      version: types.id(10),
      eventTypes: types.json({ name: 'event_types', nullable: true }),
      createdAt: types.timestamp({ name: 'created_at' }),
      updatedAt: types.timestamp({ name: 'updated_at' }),
    },
  });
}

export function eventSequenceEntity(types: ColumnTypes): EntitySchema<EventSequenceRow> {
  return new EntitySchema<EventSequenceRow>({
    name: 'EventSequence',
    tableName: 'event_sequence',
    columns: {
      clientId: types.id(255, { primary: true, name: 'client_id' }),
      lastSequence: types.integer({ name: 'last_sequence', type: 'bigint' }),
    },
  });
}

export function eventNotificationEntity(types: ColumnTypes): EntitySchema<EventNotificationRow> {
  return new EntitySchema<EventNotificationRow>({
    name: 'EventNotification',
    tableName: 'event_notification',
    columns: {
      clientId: types.id(255, { primary: true, name: 'client_id' }),
      sequence: types.integer({ type: 'bigint', nullable: true }),
      jti: types.id(40, { primary: true }),
      eventTypes: types.id(255, { name: 'event_types' }),
      resourceType: types.id(40, { name: 'resource_type' }),
      resourceId: types.id(64, { name: 'resource_id' }),
      token: types.longText(),
      createdAt: types.timestamp({ name: 'created_at' }),
      pushState: types.id(10, { name: 'push_state' }),
      pushAttempts: types.integer({ name: 'push_attempts' }),
      nextPushAt: types.timestamp({ name: 'next_push_at', nullable: true }),
      claimedUntil: types.timestamp({ name: 'claimed_until', nullable: true }),
      claimedBy: types.id(40, { name: 'claimed_by', nullable: true }),
      acknowledgedAt: types.timestamp({ name: 'acknowledged_at', nullable: true }),
      pollError: types.text(300, { name: 'poll_error', nullable: true }),
    },
    indices: [
      { name: 'ix_event_notification_push_by_app', columns: ['pushState', 'clientId', 'nextPushAt', 'sequence'] },
      { name: 'ix_event_notification_unacknowledged', columns: ['clientId', 'acknowledgedAt', 'sequence'] },
      { name: 'ux_event_notification_jti', columns: ['jti'], unique: true },
      { name: 'ux_event_notification_sequence', columns: ['clientId', 'sequence'], unique: true },
      { name: 'ix_event_notification_unsequenced', columns: ['sequence'] },
    ],
  });
}

export function eventDeliveryAttemptEntity(types: ColumnTypes): EntitySchema<EventDeliveryAttemptRow> {
  return new EntitySchema<EventDeliveryAttemptRow>({
    name: 'EventDeliveryAttempt',
    tableName: 'event_delivery_attempt',
    columns: {
      jti: types.id(40, { primary: true }),
      attempt: types.integer({ primary: true }),
      attemptedAt: types.timestamp({ name: 'attempted_at' }),
      callbackUrl: types.text(512, { name: 'callback_url' }),
      httpStatus: types.integer({ name: 'http_status', nullable: true }),
      error: types.text(300, { nullable: true }),
      latencyMs: types.integer({ name: 'latency_ms' }),
    },
  });
}
