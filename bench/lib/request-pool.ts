/**
 * Single-use prepared requests (the payment benchmarks): each is made before its run — body, signature, idempotency
 * key, token — and handed out once by autocannon's `setupRequest`; DPoP proofs are added right before the run.
 */
import type { DpopKey } from './dpop.js';
import { ProofMinter } from './dpop.js';
import { runLoad, type LoadResult, type PreparedRequest } from './load.js';
import type { ChildServer } from './processes.js';

/** A prepared request and, for OpenTeller, the access token its DPoP proof must be bound to. */
export interface Item {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly token?: string;
}

/** Prepared requests handed out one per request. */
export class Pool {
  private next = 0;
  constructor(readonly items: readonly Item[]) {}
  take = (): PreparedRequest | undefined => this.items[this.next++];
  get remaining(): readonly Item[] {
    return this.items.slice(this.next);
  }
  get size(): number {
    return this.items.length;
  }
}

export interface RunOptions {
  /** Run until this many responses came back (not timed)… */
  readonly amount?: number;
  /** …or for this long. */
  readonly durationSeconds?: number;
}

/** One run over a prepared pool. */
export type Runner = (label: string, options: RunOptions) => Promise<LoadResult>;

/** Drives `pool` with POSTs to `path` on `server`: every request from the pool, a success only when `accept` says so. */
export function drivePool(
  server: ChildServer,
  path: string,
  pool: Pool,
  label: string,
  options: RunOptions,
  connections: number,
  accept: (status: number, body: string) => boolean,
): Promise<LoadResult> {
  return runLoad({
    label,
    origin: server.origin,
    path,
    method: 'POST',
    connections,
    durationSeconds: options.durationSeconds ?? 0,
    amount: options.amount,
    nextRequest: pool.take,
    accept,
    serverPid: server.pid,
  });
}

/**
 * A fresh DPoP proof (POST `htu`, one `iat` for all) in the `dpop` header of every request still in the pool, bound
 * to the request's own token (requests may share one: one minter per token).
 */
export function addProofs(pool: Pool, key: DpopKey, htu: string): void {
  const iat = Math.floor(Date.now() / 1000);
  const minters = new Map<string, ProofMinter>();
  for (const item of pool.remaining) {
    const token = item.token ?? '';
    let minter = minters.get(token);
    if (!minter) minters.set(token, (minter = new ProofMinter(key, token)));
    item.headers.dpop = minter.mint('POST', htu, iat);
  }
}

/** Only a 201 whose body has `"Status":"<status>"` counts. */
export function acceptStatus(status: string) {
  const expected = `"Status":"${status}"`;
  return (code: number, body: string) => code === 201 && body.includes(expected);
}
