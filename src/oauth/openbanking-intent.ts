/** The `openbanking_intent_id` claim request, as UK Open Banking partners send it in the `claims` parameter. */
export interface IntentClaimRequest {
  readonly value?: unknown;
  readonly essential?: unknown;
}

interface ClaimsParameter {
  id_token?: Record<string, IntentClaimRequest | null>;
  userinfo?: Record<string, IntentClaimRequest | null>;
}

/** The claim name that carries the ConsentId (NOTES §11). */
export const INTENT_CLAIM = 'openbanking_intent_id';

/** Access-token claim naming (by hash) the grant a customer token was issued from. */
export const GRANT_REFERENCE_CLAIM = 'grant_ref';

/** The intent claim requests found in a parsed `claims` parameter (id_token and/or userinfo members). */
export function intentClaimRequests(claims: ClaimsParameter | undefined): IntentClaimRequest[] {
  return [claims?.id_token?.[INTENT_CLAIM], claims?.userinfo?.[INTENT_CLAIM]].filter((request): request is IntentClaimRequest => Boolean(request));
}

/** The ConsentId of an authorization request's `claims` parameter (a JSON string), if it has one. */
export function intentIdOf(claimsParameter: unknown): string | undefined {
  if (typeof claimsParameter !== 'string') return undefined;
  try {
    const value = intentClaimRequests(JSON.parse(claimsParameter) as ClaimsParameter)[0]?.value;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
