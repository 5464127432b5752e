import type { JWK } from 'jose';
import type Provider from 'oidc-provider';
import { messageSigningIssuer, type PartnerStore } from '../domain/partners/partner-app.js';
import type { SigningIdentityLookup } from '../http/middleware/message-signing.js';
import { BoundedCache } from '../http/bounded-cache.js';

/** How long a process trusts what it read about an app's keys: a key the partner adds works within this. */
const CACHE_MS = 30_000;

/**
 * The keys and issuer each partner app signs payment messages with: the public keys registered with its OAuth
 * client, and `{partner id}/{client id}`. Read from the database and kept per process for {@link CACHE_MS}.
 */
export function signingIdentities(provider: Provider, partners: PartnerStore): SigningIdentityLookup {
  const cache = new BoundedCache<string, { at: number; identity: Awaited<ReturnType<SigningIdentityLookup>> }>(1_000);
  return async function lookup(clientId) {
    const cached = cache.get(clientId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.identity;
    const [client, app] = await Promise.all([provider.Client.find(clientId), partners.findApp(clientId)]);
    const keys = (client?.metadata().jwks as { keys?: JWK[] } | undefined)?.keys ?? [];
    const identity = client && app ? { issuer: messageSigningIssuer(app), keys } : null;
    cache.set(clientId, { at: Date.now(), identity });
    return identity;
  };
}
