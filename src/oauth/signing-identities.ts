import { keysOf, messageSigningIssuer, type PartnerStore, type SigningIdentityLookup } from '../domain/partners/partner-app.js';
import { BoundedCache } from '../caching/bounded-cache.js';
import type { RemoteKeySets } from './remote-key-sets.js';

/**
 * How long a process trusts what it read about an app's keys, when it is not told the app's version (a key set at a
 * `jwks_uri` also changes without the app changing).
 */
const CACHE_MS = 30_000;

/**
 * The keys and issuer each partner app signs payment messages with: the public keys registered for the app (or
 * published at its `jwks_uri`), and `{partner id}/{client id}`. Read from the database and kept per process for
 * {@link CACHE_MS}, and only while the app's version is the one the request found: a key the partner adds or
 * retires in the portal counts from the very next request.
 */
export function signingIdentities(partners: PartnerStore, remoteKeys: RemoteKeySets): SigningIdentityLookup {
  const cache = new BoundedCache<string, { at: number; version: number; identity: Awaited<ReturnType<SigningIdentityLookup>> }>(1_000);
  return async function lookup(clientId, appVersion) {
    const cached = cache.get(clientId);
    if (cached && Date.now() - cached.at < CACHE_MS && (appVersion === undefined || cached.version === appVersion)) return cached.identity;
    const app = await partners.findApp(clientId);
    let identity = null;
    const version = app?.version ?? -1;
    if (app?.status === 'active') {
      const keys = keysOf(app);
      identity = {
        issuer: messageSigningIssuer(app),
        keys: 'jwks' in keys ? keys.jwks.keys : await remoteKeys.keys(keys.jwksUri).catch(() => []),
      };
    }
    cache.set(clientId, { at: Date.now(), version, identity });
    return identity;
  };
}
