import { createHash } from 'node:crypto';
import { DomainError } from '../errors.js';

/** How long an idempotency key is honoured (NOTES §9). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

/** The POSTs that take an idempotency key; a key is scoped to the partner and the operation (at most 32 characters). */
export type IdempotentOperation =
  | 'domestic-payment-consent'
  | 'scheduled-payment-consent'
  | 'standing-order-consent'
  | 'domestic-vrp-consent'
  | 'international-payment-consent'
  | 'domestic-payment'
  | 'scheduled-payment'
  | 'standing-order'
  | 'domestic-vrp'
  | 'international-payment';

/** What a partner's idempotency key created. */
export interface IdempotencyRecord {
  readonly clientId: string;
  readonly operation: IdempotentOperation;
  /** SHA-256 of the key (keys may hold any character; the hash compares exactly on every database). */
  readonly keyHash: string;
  /** SHA-256 of the request body as parsed and canonicalised (key order and spacing do not matter). */
  readonly requestHash: string;
  readonly resourceId: string;
  readonly createdAt: Date;
}

/** Reads idempotency records, implemented by persistence (records are written with their resource). */
export interface IdempotencyStore {
  find(clientId: string, operation: IdempotentOperation, keyHash: string): Promise<IdempotencyRecord | null>;
  /** Forgets a record older than the window so its key can be used again. */
  forgetIfOlderThan(record: IdempotencyRecord, cutoff: Date): Promise<void>;
}

/** The same key came back with a different request (OBIE U006 on `x-idempotency-key`); nothing was changed. */
export class IdempotencyKeyReused extends DomainError {
  readonly code = 'IdempotencyKeyReused';
}

/** The partner's key and the request it came with, hashed for storage and comparison. */
export interface IdempotencyClaim {
  readonly clientId: string;
  readonly operation: IdempotentOperation;
  readonly keyHash: string;
  readonly requestHash: string;
}

/** Builds the claim of a request: the key's hash and the canonical body's hash. */
export function idempotencyClaim(clientId: string, operation: IdempotentOperation, key: string, body: unknown): IdempotencyClaim {
  return { clientId, operation, keyHash: sha256(key), requestHash: sha256(canonicalJson(body)) };
}

/**
 * The resource an earlier request with this key created, if the key is still within its 24 hours.
 * @returns null when the key is new (or its record has aged out and was forgotten).
 * @throws IdempotencyKeyReused when the key was used with a different request.
 */
export async function findIdempotentReplay(store: IdempotencyStore, claim: IdempotencyClaim, now: Date): Promise<string | null> {
  const record = await store.find(claim.clientId, claim.operation, claim.keyHash);
  if (!record) return null;
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS);
  if (record.createdAt.getTime() < cutoff.getTime()) {
    await store.forgetIfOlderThan(record, cutoff);
    return null;
  }
  return replayOf(record, claim);
}

/**
 * The resource to replay for a key found after a concurrent request won the race to store it.
 * @throws IdempotencyKeyReused when that request was a different one.
 */
export function replayOf(record: IdempotencyRecord, claim: IdempotencyClaim): string {
  if (record.requestHash !== claim.requestHash) {
    throw new IdempotencyKeyReused('This x-idempotency-key was already used with a different request body', 'x-idempotency-key');
  }
  return record.resourceId;
}

/** The record to store with a new resource. */
export function idempotencyRecord(claim: IdempotencyClaim, resourceId: string, now: Date): IdempotencyRecord {
  return { ...claim, resourceId, createdAt: now };
}

/** Where {@link createOnce} keeps what it creates: read by id, and inserted together with its idempotency record. */
export interface CreatedOnceStore<T> {
  findById(id: string): Promise<T | null>;
  /** Stores `resource` and `record` atomically; false, storing nothing, when the key was taken meanwhile. */
  insert(resource: T, record: IdempotencyRecord): Promise<boolean>;
}

/**
 * Creates a resource once per idempotency key (NOTES §9): the same key with the same request within 24 hours returns
 * what it created, as it stands now; with another request, `IdempotencyKeyReused`. `build` (which validates the request
 * and may throw) runs only when there is nothing to replay; a concurrent request that stores the key first wins, and
 * its resource is returned.
 * @throws IdempotencyKeyReused, and whatever `build` throws.
 */
export async function createOnce<T extends { readonly id: string }>(
  idempotency: IdempotencyStore,
  store: CreatedOnceStore<T>,
  claim: IdempotencyClaim,
  now: Date,
  build: () => T,
): Promise<{ resource: T; replayed: boolean }> {
  const replay = await findIdempotentReplay(idempotency, claim, now);
  if (replay) return { resource: await stored(store, replay), replayed: true };
  const resource = build();
  if (await store.insert(resource, idempotencyRecord(claim, resource.id, now))) return { resource, replayed: false };
  const winner = await idempotency.find(claim.clientId, claim.operation, claim.keyHash);
  if (!winner) throw new Error('idempotency record vanished after a duplicate-key conflict');
  return { resource: await stored(store, replayOf(winner, claim)), replayed: true };
}

async function stored<T>(store: CreatedOnceStore<T>, id: string): Promise<T> {
  const resource = await store.findById(id);
  if (!resource) throw new Error(`resource ${id} of an idempotency record is missing`);
  return resource;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Text to emit as it is, as opposed to a value still to be serialised (values come from JSON, never of this class). */
class Emit {
  constructor(readonly text: string) {}
}

/**
 * JSON with object keys sorted at every level (by code unit), so that equal documents hash equally. Iterative, with an
 * explicit stack of what is still to be written, so that no body, however deeply nested, can exhaust the call stack.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next instanceof Emit) {
      out.push(next.text);
    } else if (Array.isArray(next)) {
      const items = next.map((item: unknown) => [item]);
      schedule(pending, '[', items, ']');
    } else if (next && typeof next === 'object') {
      const members = Object.entries(next)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, member]: [string, unknown]) => [new Emit(`${JSON.stringify(key)}:`), member]);
      schedule(pending, '{', members, '}');
    } else {
      out.push(JSON.stringify(next) ?? ''); // `undefined` (never in a parsed body) writes nothing
    }
  }
  return out.join('');
}

/** Puts `open`, the entries' parts with commas between entries, and `close` on the stack, to be popped in that order. */
function schedule(pending: unknown[], open: string, entries: readonly (readonly unknown[])[], close: string): void {
  pending.push(new Emit(close));
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    const parts = entries[index] ?? [];
    for (let part = parts.length - 1; part >= 0; part -= 1) pending.push(parts[part]);
    if (index > 0) pending.push(new Emit(','));
  }
  pending.push(new Emit(open));
}
