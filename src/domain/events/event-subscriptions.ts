import { DomainError, InvalidField, ResourceNotFound } from '../errors.js';
import { newId } from '../ids.js';
import { SUBSCRIBABLE_EVENT_TYPES } from './event-types.js';

/** A partner app's subscription to event notifications (at most one per app). */
export interface EventSubscription {
  readonly id: string;
  readonly clientId: string;
  /** Where the bank pushes events; null: the app polls (or streams) instead. */
  readonly callbackUrl: string | null;
  readonly version: string;
  /** The `UK.OBIE.*` codes subscribed to; null: every type. */
  readonly eventTypes: readonly string[] | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What a partner asks for (`OBEventSubscription1.Data`). */
export interface EventSubscriptionRequest {
  readonly CallbackUrl?: string;
  readonly Version: string;
  readonly EventTypes?: readonly string[];
}

/** Persists subscriptions; the unique key on the app makes a second one impossible, whatever the race. */
export interface EventSubscriptionStore {
  findByClient(clientId: string): Promise<EventSubscription | null>;
  /** @returns false when the app already has one. */
  insert(subscription: EventSubscription): Promise<boolean>;
  /** @returns false when it no longer exists. */
  update(subscription: EventSubscription): Promise<boolean>;
  /** @returns false when it did not exist. */
  delete(clientId: string, id: string): Promise<boolean>;
}

/** An event type code this bank does not know (OBIE U024). */
export class UnsupportedEventType extends DomainError {
  readonly code = 'UnsupportedEventType';
}

/** The app already has a subscription (OBIE U029, 409). */
export class SubscriptionExists extends DomainError {
  readonly code = 'ResourceAlreadyExists';
}

/** The only `Version` this bank serves. */
export const EVENT_SUBSCRIPTION_VERSION = '4.0';

/** The path every callback URL ends with (Event Notification Subscription API profile). */
const CALLBACK_PATH_SUFFIX = '/open-banking/v4.0/event-notifications';

/** Where callback URLs may point: https anywhere; plain http only to this machine, and only in a loopback sandbox. */
export interface CallbackUrlPolicy {
  readonly allowLoopbackHttp: boolean;
}

/**
 * Creates the app's subscription.
 * @throws InvalidField (Data.Version, Data.CallbackUrl), UnsupportedEventType (Data.EventTypes), SubscriptionExists.
 */
export async function createEventSubscription(
  store: EventSubscriptionStore,
  policy: CallbackUrlPolicy,
  clientId: string,
  request: EventSubscriptionRequest,
  now: Date,
): Promise<EventSubscription> {
  const subscription: EventSubscription = { id: newId('evs'), clientId, ...checkedRequest(policy, request), createdAt: now, updatedAt: now };
  if (!(await store.insert(subscription)))
    throw new SubscriptionExists('This app already has an event subscription; change it with PUT or delete it first');
  return subscription;
}

/**
 * Sets the app's subscription to what `request` says: changes the one it has, or creates it (the portal's form).
 * @returns the subscription, and whether it was created.
 * @throws the errors of {@link createEventSubscription} and {@link changeEventSubscription}.
 */
export async function setEventSubscription(
  store: EventSubscriptionStore,
  policy: CallbackUrlPolicy,
  clientId: string,
  request: EventSubscriptionRequest,
  now: Date,
): Promise<{ subscription: EventSubscription; created: boolean }> {
  const current = await store.findByClient(clientId);
  if (current) return { subscription: await changeEventSubscription(store, policy, clientId, current.id, request, now), created: false };
  return { subscription: await createEventSubscription(store, policy, clientId, request, now), created: true };
}

/** The app's subscriptions: none or one. */
export async function listEventSubscriptions(store: EventSubscriptionStore, clientId: string): Promise<EventSubscription[]> {
  const found = await store.findByClient(clientId);
  return found ? [found] : [];
}

/**
 * Replaces the subscription's callback URL, version and event types (PUT: what is left out is removed).
 * @throws ResourceNotFound for an id that is not this app's subscription; the errors of {@link createEventSubscription}
 *   but SubscriptionExists; InvalidField (Data.EventSubscriptionId) when the body names another subscription.
 */
export async function changeEventSubscription(
  store: EventSubscriptionStore,
  policy: CallbackUrlPolicy,
  clientId: string,
  id: string,
  request: EventSubscriptionRequest & { readonly EventSubscriptionId?: string },
  now: Date,
): Promise<EventSubscription> {
  const current = await ownSubscription(store, clientId, id);
  if (request.EventSubscriptionId !== undefined && request.EventSubscriptionId !== id) {
    throw new InvalidField('Data.EventSubscriptionId must be the id in the path', 'Data.EventSubscriptionId');
  }
  const changed: EventSubscription = { ...current, ...checkedRequest(policy, request), updatedAt: now };
  if (!(await store.update(changed))) throw new ResourceNotFound(`EventSubscriptionId ${id} does not exist`);
  return changed;
}

/**
 * Deletes the subscription: no more pushes; events already raised stay available to polling.
 * @throws ResourceNotFound for an id that is not this app's subscription.
 */
export async function deleteEventSubscription(store: EventSubscriptionStore, clientId: string, id: string): Promise<void> {
  await ownSubscription(store, clientId, id);
  if (!(await store.delete(clientId, id))) throw new ResourceNotFound(`EventSubscriptionId ${id} does not exist`);
}

/** Whether a subscription (or its absence: every type) takes events of this subscription code. */
export function subscribesTo(subscription: EventSubscription | null, code: string): boolean {
  return !subscription?.eventTypes || subscription.eventTypes.includes(code);
}

async function ownSubscription(store: EventSubscriptionStore, clientId: string, id: string): Promise<EventSubscription> {
  const found = await store.findByClient(clientId);
  if (!found || found.id !== id) throw new ResourceNotFound(`EventSubscriptionId ${id} does not exist`);
  return found;
}

function checkedRequest(
  policy: CallbackUrlPolicy,
  request: EventSubscriptionRequest,
): Pick<EventSubscription, 'callbackUrl' | 'version' | 'eventTypes'> {
  if (request.Version !== EVENT_SUBSCRIPTION_VERSION) {
    throw new InvalidField(`Data.Version must be ${EVENT_SUBSCRIPTION_VERSION}, the version this bank serves`, 'Data.Version');
  }
  const unknown = (request.EventTypes ?? []).find((code) => !(code in SUBSCRIBABLE_EVENT_TYPES));
  if (unknown !== undefined) {
    throw new UnsupportedEventType(`Unknown event type ${unknown}; known: ${Object.keys(SUBSCRIBABLE_EVENT_TYPES).join(', ')}`, 'Data.EventTypes');
  }
  const eventTypes = request.EventTypes && request.EventTypes.length > 0 ? [...new Set(request.EventTypes)] : null;
  return {
    callbackUrl: request.CallbackUrl === undefined ? null : checkedCallbackUrl(policy, request.CallbackUrl),
    version: request.Version,
    eventTypes,
  };
}

/**
 * A callback URL must be an absolute https URL ending with `/open-banking/v4.0/event-notifications`, without
 * credentials or a fragment; in a loopback sandbox `http://localhost` and `http://127.0.0.1` are allowed too. (Where it
 * resolves is checked on every delivery, on the connected address.)
 */
function checkedCallbackUrl(policy: CallbackUrlPolicy, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidField('Data.CallbackUrl is not an absolute URL', 'Data.CallbackUrl');
  }
  const loopbackHttp = policy.allowLoopbackHttp && url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    const allowed = policy.allowLoopbackHttp ? 'https (or http://localhost and http://127.0.0.1 in this sandbox)' : 'https';
    throw new InvalidField(`Data.CallbackUrl must use ${allowed}`, 'Data.CallbackUrl');
  }
  if (url.username || url.password || url.hash || value.includes('#')) {
    throw new InvalidField('Data.CallbackUrl must not carry credentials or a fragment', 'Data.CallbackUrl');
  }
  if (!url.pathname.endsWith(CALLBACK_PATH_SUFFIX) || url.search) {
    throw new InvalidField(`Data.CallbackUrl must end with ${CALLBACK_PATH_SUFFIX}`, 'Data.CallbackUrl');
  }
  if (value.length > 500) throw new InvalidField('Data.CallbackUrl is longer than 500 characters', 'Data.CallbackUrl');
  return url.href;
}
