import type { JWK } from 'jose';
import { keysOf, messageSigningIssuer, type PartnerStore } from '../domain/partners/partner-app.js';
import type { SigningIdentityLookup } from '../http/middleware/message-signing.js';
import { BoundedCache } from '../http/bounded-cache.js';
import type { RemoteKeySets } from './remote-key-sets.js';

/** How long a process trusts what it read about an app's keys: a key the partner adds works within this. */
const CACHE_MS = 30_000;

/**
 * The keys and issuer each partner app signs payment messages with: the public keys registered for the app (or
 * published at its `jwks_uri`), and `{partner id}/{client id}`. Read from the database and kept per process for
 * {@link CACHE_MS}.
 */
export function signingIdentities(partners: PartnerStore, remoteKeys: RemoteKeySets): SigningIdentityLookup {
  const cache = new BoundedCache<string, { at: number; identity: Awaited<ReturnType<SigningIdentityLookup>> }>(1_000);
  return async function lookup(clientId) {
    const cached = cache.get(clientId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.identity;
    const app = await partners.findApp(clientId);
    let identity = null;
    if (app?.status === 'active') {
      const keys = keysOf(app);
      identity = { issuer: messageSigningIssuer(app), keys: 'jwks' in keys ? (keys.jwks.keys as JWK[]) : await remoteKeys.keys(keys.jwksUri).catch(() => []) };
    }
    cache.set(clientId, { at: Date.now(), identity });
    return identity;
  };
}
