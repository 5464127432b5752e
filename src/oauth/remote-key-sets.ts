import { createRemoteJWKSet, customFetch, type JWK, type RemoteJWKSet } from 'jose';
import { BoundedCache } from '../caching/bounded-cache.js';
import type { GuardedFetch } from './guarded-fetch.js';

/** A partner's or a directory's key set is fetched again at most every 30 seconds and re-used for 5 minutes. */
const COOLDOWN_MS = 30_000;
const MAX_AGE_MS = 5 * 60_000;
const TIMEOUT_MS = 5_000;

/**
 * Key sets published at URLs (a partner's `jwks_uri`, a directory's or a software's JWKS endpoint), fetched on
 * demand through the guarded fetch and cached per process; an unknown `kid` triggers a fresh fetch (after the
 * cooldown), so keys the owner adds are picked up without a restart.
 */
export class RemoteKeySets {
  private readonly sets = new BoundedCache<string, RemoteJWKSet>(1_000);

  constructor(private readonly fetch: GuardedFetch) {}

  /** A jose key resolver for the URL, for `jwtVerify`. */
  resolver(url: string): RemoteJWKSet {
    let set = this.sets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), {
        cooldownDuration: COOLDOWN_MS,
        cacheMaxAge: MAX_AGE_MS,
        timeoutDuration: TIMEOUT_MS,
        [customFetch]: (target, options) => this.fetch(target, { method: options.method, headers: options.headers, signal: options.signal }),
      });
      this.sets.set(url, set);
    }
    return set;
  }

  /** The keys currently published at the URL (fetched when the cached copy is stale). */
  async keys(url: string): Promise<JWK[]> {
    const set = this.resolver(url);
    if (!set.fresh) await set.reload();
    return [...(set.jwks()?.keys ?? [])];
  }
}
