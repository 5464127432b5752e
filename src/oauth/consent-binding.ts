import { errors, interactionPolicy, type Configuration, type FindAccount, type KoaContextWithOIDC } from 'oidc-provider';
import { grantReference } from '../domain/consents/account-access-consents.js';
import { intentKindOf, type BoundIntent, type IntentKind, type Intents } from '../domain/consents/intents.js';
import type { CustomerStore } from '../domain/customers/customer.js';
import { DomainError } from '../domain/errors.js';
import { MAX_NESTING_DEPTH, pathBeyondNestingLimit } from '../domain/nesting-depth.js';
import type { RefreshTokenTtl } from './refresh-token-binding.js';
import { GRANT_REFERENCE_CLAIM, INTENT_CLAIM, intentClaimRequests, intentIdOf } from './openbanking-intent.js';

/** What the consent binding needs from the rest of the application. */
export interface ConsentBindingDependencies {
  readonly intents: Intents;
  readonly customers: CustomerStore;
}

/** Scopes whose customer tokens must be bound to a consent (an Open Banking intent). */
const INTENT_SCOPES = ['accounts', 'payments', 'fundsconfirmations'];

/** The scope each kind of consent is authorised with, and how an error names that kind. */
const INTENT_SCOPE_OF_KIND: Readonly<Record<IntentKind, { readonly scope: string; readonly consent: string }>> = {
  'account-access': { scope: 'accounts', consent: 'an account-access consent' },
  'domestic-payment': { scope: 'payments', consent: 'a payment consent' },
  'domestic-vrp': { scope: 'payments', consent: 'a payment consent' },
  'funds-confirmation': { scope: 'fundsconfirmations', consent: 'a funds confirmation consent' },
};

/** Longest life of a refresh token (an open-ended consent is re-authorised at least yearly); grants outlive it. */
export const REFRESH_TOKEN_MAX_TTL_SECONDS = 365 * 24 * 3600;

/**
 * Longest life of the refresh token of a VRP consent. Its access must last as long as the consent (VRP profile: the
 * token "must be valid for the same length of time as the VRP consent"), so it lives until `ValidToDateTime`; a consent
 * without an end, or ending later than this, is authorised again after five years.
 */
export const VRP_REFRESH_TOKEN_MAX_TTL_SECONDS = 5 * 365 * 24 * 3600;

/** How much longer than the refresh tokens issued from it a grant lives, so that a refresh token never outlives its grant. */
export const GRANT_MARGIN_SECONDS = 30 * 24 * 3600;

/**
 * How long the refresh token of a consent lives from `now`: until the consent ends by itself (at least a second), at
 * most {@link VRP_REFRESH_TOKEN_MAX_TTL_SECONDS} for a VRP consent and {@link REFRESH_TOKEN_MAX_TTL_SECONDS} for account
 * access.
 */
export function refreshTokenLifetimeSeconds(intent: Pick<BoundIntent, 'kind' | 'expiresAt'>, now: Date): number {
  const longest = intent.kind === 'domestic-vrp' ? VRP_REFRESH_TOKEN_MAX_TTL_SECONDS : REFRESH_TOKEN_MAX_TTL_SECONDS;
  if (!intent.expiresAt) return longest;
  return Math.max(1, Math.min(longest, Math.floor((intent.expiresAt.getTime() - now.getTime()) / 1000)));
}

/**
 * The lifetime to give the grant a customer creates for a VRP consent ending at `validTo` (null: no end): its refresh
 * token's, and {@link GRANT_MARGIN_SECONDS} more. Other grants live `ttl.Grant`.
 */
export function vrpGrantLifetimeSeconds(validTo: Date | null, now: Date): number {
  return refreshTokenLifetimeSeconds({ kind: 'domestic-vrp', expiresAt: validTo }, now) + GRANT_MARGIN_SECONDS;
}

/**
 * The authentication context the login page establishes. Username and password are one factor, so this is
 * `ca`, not `sca`: strong customer authentication (a second factor) comes with payment step-up.
 */
export const LOGIN_ACR = 'urn:openbanking:psd2:ca';

/** The authentication context after a payment's one-time code: strong customer authentication (two factors). */
export const STEP_UP_ACR = 'urn:openbanking:psd2:sca';

/** The oidc-provider hooks of the consent binding, typed as the provider's configuration takes them. */
export interface ConsentBindingHooks {
  readonly assertClaimsParameter: NonNullable<NonNullable<NonNullable<Configuration['features']>['claimsParameter']>['assertClaimsParameter']>;
  readonly requireIntentClaim: (ctx: KoaContextWithOIDC, value: string | undefined) => Promise<void>;
  readonly policy: ReturnType<typeof interactionPolicy.base>;
  readonly loadExistingGrant: NonNullable<Configuration['loadExistingGrant']>;
  readonly findAccount: FindAccount;
  readonly extraTokenClaims: NonNullable<Configuration['extraTokenClaims']>;
  readonly issueRefreshToken: NonNullable<Configuration['issueRefreshToken']>;
  readonly expiresWithSession: NonNullable<Configuration['expiresWithSession']>;
  readonly refreshTokenTtl: RefreshTokenTtl;
}

/** The scopes an authorization request asks for. */
function requestedScopes(ctx: KoaContextWithOIDC): string[] {
  const scope = ctx.oidc.params?.scope;
  return typeof scope === 'string' ? scope.split(' ') : [];
}

/**
 * UK Open Banking consent binding on oidc-provider (NOTES §11, research §3.3–3.5):
 * - the request must carry `claims.id_token.openbanking_intent_id` (essential, value = ConsentId) of an
 *   `AWAU` consent of the same client, checked at PAR and again at the authorization endpoint;
 * - every authorisation needs a fresh login and its own consent page: one grant per consent, never a
 *   silent re-use of an earlier grant from the same browser session;
 * - the ID token and the access token carry the ConsentId.
 */
export function consentBinding({ intents, customers }: ConsentBindingDependencies): ConsentBindingHooks {
  const assertClaimsParameter: ConsentBindingHooks['assertClaimsParameter'] = async (_ctx, claims, client) => {
    if (pathBeyondNestingLimit(claims) !== null) {
      throw new errors.InvalidRequest(`the claims parameter nests deeper than ${MAX_NESTING_DEPTH} levels`);
    }
    const requests = intentClaimRequests(claims);
    if (requests.length === 0) return;
    const values = new Set(requests.map((request) => request.value));
    const [consentId] = values;
    if (values.size !== 1 || typeof consentId !== 'string' || requests.some((request) => request.essential !== true)) {
      throw new errors.InvalidRequest(`${INTENT_CLAIM} must be requested as essential, with the ConsentId as its value`);
    }
    try {
      await intents.assertAuthorisable(client.clientId, consentId, new Date());
    } catch (error) {
      if (error instanceof DomainError) throw new errors.InvalidRequest(error.message);
      throw error;
    }
  };

  /**
   * Runs at PAR and at the authorization endpoint whether or not `claims` was sent (an `extraParams`
   * validator): customer access to Open Banking scopes must name an intent.
   */
  const requireIntentClaim: ConsentBindingHooks['requireIntentClaim'] = async (ctx, claims) => {
    const scopes = requestedScopes(ctx);
    const intentId = intentIdOf(claims);
    if (scopes.some((scope) => INTENT_SCOPES.includes(scope)) && !intentId) {
      throw new errors.InvalidRequest(`claims.id_token.${INTENT_CLAIM} is required (essential, value = ConsentId)`);
    }
    if (!intentId) return;
    const expected = INTENT_SCOPE_OF_KIND[intentKindOf(intentId)];
    if (scopes.some((scope) => INTENT_SCOPES.includes(scope) && scope !== expected.scope)) {
      throw new errors.InvalidRequest(`${expected.consent} is authorised with the "${expected.scope}" scope only`);
    }
  };

  const { base, Check } = interactionPolicy;
  const policy = base();
  policy
    .get('login')
    ?.checks.add(
      new Check('fresh_login_required', 'every consent authorisation needs a fresh customer login', (ctx) =>
        intentIdOf(ctx.oidc.params?.claims) && !ctx.oidc.result?.login ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
      ),
    );
  policy.get('consent')?.checks.add(
    new Check(
      'intent_not_authorised',
      'the Open Banking intent has not been authorised in this interaction',
      async (ctx) => {
        const consentId = intentIdOf(ctx.oidc.params?.claims);
        if (!consentId) return Check.NO_NEED_TO_PROMPT;
        const grantId = ctx.oidc.grant?.jti;
        return grantId && (await intents.isAuthorisedWithGrant(consentId, grantId)) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
      },
      (ctx) => ({ consentId: intentIdOf(ctx.oidc.params?.claims) }),
    ),
  );

  /** Only the grant created by this very interaction counts (the default would reuse the session's grant). */
  const loadExistingGrant: ConsentBindingHooks['loadExistingGrant'] = async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId;
    return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
  };

  /**
   * The consent behind the tokens issued in this request, read once: the access token's claims, the refresh
   * token's lifetime and the ID token's claims all need it.
   */
  const consentOfRequest = new WeakMap<object, BoundIntent>();

  async function consentBackingGrant(ctx: KoaContextWithOIDC, grantId: string): Promise<BoundIntent | null> {
    const known = consentOfRequest.get(ctx);
    if (known?.grantId === grantId) return known;
    const consent = await intents.findBackingGrant(grantId, new Date());
    if (consent) consentOfRequest.set(ctx, consent);
    return consent;
  }

  /** Customers as OpenID accounts; `openbanking_intent_id` is asserted only for the consent bound to the grant. */
  const findAccount: FindAccount = async (ctx, sub, token) => {
    const customer = await customers.findById(sub);
    if (!customer) return undefined;
    const grantId = token?.grantId;
    return {
      accountId: customer.id,
      async claims(_use, _scope, requested) {
        if (!(INTENT_CLAIM in requested) || !grantId) return { sub: customer.id };
        const consent = await consentBackingGrant(ctx, grantId);
        return consent?.customerId === customer.id ? { sub: customer.id, [INTENT_CLAIM]: consent.id } : { sub: customer.id };
      },
    };
  };

  /**
   * Customer access tokens carry the ConsentId they are bound to and a reference to their grant (so that a
   * token from before a re-authorisation stays dead); client-credentials tokens carry neither. No
   * customer token is issued — at the code exchange or on refresh — unless the consent is still `AUTH` and
   * unexpired: a refresh after revocation or expiry fails with `invalid_grant`.
   */
  const extraTokenClaims: ConsentBindingHooks['extraTokenClaims'] = async (ctx, token) => {
    if (!('grantId' in token) || !token.grantId) return undefined;
    const consent = await consentBackingGrant(ctx, token.grantId);
    if (!consent) throw new errors.InvalidGrant('the consent behind this grant is no longer authorised');
    return { [INTENT_CLAIM]: consent.id, [GRANT_REFERENCE_CLAIM]: grantReference(token.grantId) };
  };

  /**
   * Account-information grants get a refresh token (NOTES §11), without needing `offline_access`, and so do the grants of
   * funds confirmation consents (a card issuer asks whenever the customer pays with its card) and of VRP consents, whose
   * payments are made while the customer is away; a single payment's grant does not.
   */
  const issueRefreshToken: ConsentBindingHooks['issueRefreshToken'] = async (ctx, client, code) => {
    if (!client.grantTypeAllowed('refresh_token')) return false;
    if (code.scopes.has('accounts') && !code.scopes.has('payments')) return true;
    if (code.scopes.has('fundsconfirmations') && !code.scopes.has('payments')) return true;
    if (!code.scopes.has('payments') || code.scopes.has('accounts') || !code.grantId) return false;
    return (await consentBackingGrant(ctx, code.grantId))?.kind === 'domestic-vrp';
  };

  /**
   * Customer tokens bound to a consent live as long as the consent, not as long as the customer's session at the bank
   * (ten minutes): oidc-provider's default ties them to the session unless `offline_access` was granted.
   */
  const expiresWithSession: ConsentBindingHooks['expiresWithSession'] = (_ctx, code) =>
    !INTENT_SCOPES.some((scope) => code.scopes.has(scope)) && !code.scopes.has('offline_access');

  /** Lifetime of a refresh token: until its consent ends by itself ({@link refreshTokenLifetimeSeconds}). */
  const refreshTokenTtl: RefreshTokenTtl = (ctx) => {
    const consent = consentOfRequest.get(ctx);
    return refreshTokenLifetimeSeconds({ kind: consent?.kind ?? 'account-access', expiresAt: consent?.expiresAt ?? null }, new Date());
  };

  return {
    assertClaimsParameter,
    requireIntentClaim,
    policy,
    loadExistingGrant,
    findAccount,
    extraTokenClaims,
    issueRefreshToken,
    expiresWithSession,
    refreshTokenTtl,
  };
}
