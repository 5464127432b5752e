import { rejectAwaitingConsent } from './consent-rejection.js';
import { consentExpiredEvents, consentRevokedEvents } from '../events/consent-events.js';
import { createHash } from 'node:crypto';
import { parseRequestDateTime } from '../dates.js';
import { InvalidConsentStatus, InvalidDate, InvalidField, ResourceForbidden, ResourceNotFound } from '../errors.js';
import { newId } from '../ids.js';
import type { AppStanding } from '../partners/partner-app.js';
import type { AccountAccessConsent, AccountAccessConsentRequest, ConsentStore, ConsentWithAccounts, GrantRevoker } from './account-access-consent.js';
import { ConsentStatus } from './consent-status.js';
import { validateAccountPermissions } from './permissions.js';
import { accessExpiredNotices, accessRevokedNotices } from './consent-notices.js';

/**
 * Creates an account-access consent awaiting the customer's authorisation.
 * @throws InvalidField for an invalid permission set; InvalidDate for an unparseable or past expiry, or a
 *   transaction window that ends before it starts.
 */
export async function createAccountAccessConsent(
  store: ConsentStore,
  clientId: string,
  request: AccountAccessConsentRequest,
  now: Date,
): Promise<AccountAccessConsent> {
  const permissions = validateAccountPermissions(request.permissions);
  const expiresAt = optionalDate(request.expirationDateTime, 'Data.ExpirationDateTime');
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw new InvalidDate('ExpirationDateTime must be in the future', 'Data.ExpirationDateTime');
  }
  const transactionFromAt = optionalDate(request.transactionFromDateTime, 'Data.TransactionFromDateTime');
  const transactionToAt = optionalDate(request.transactionToDateTime, 'Data.TransactionToDateTime');
  if (transactionFromAt && transactionToAt && transactionFromAt.getTime() > transactionToAt.getTime()) {
    throw new InvalidDate('TransactionToDateTime must not be before TransactionFromDateTime', 'Data.TransactionToDateTime');
  }
  const consent: AccountAccessConsent = {
    id: newId('aac'),
    clientId,
    status: ConsentStatus.AwaitingAuthorisation,
    statusReason: null,
    permissions,
    expiresAt,
    transactionFromAt,
    transactionToAt,
    customerId: null,
    grantId: null,
    authorisedAt: null,
    createdAt: now,
    statusUpdatedAt: now,
    request: {
      ExpirationDateTime: request.expirationDateTime,
      TransactionFromDateTime: request.transactionFromDateTime,
      TransactionToDateTime: request.transactionToDateTime,
    },
  };
  await store.insert(consent);
  return consent;
}

/**
 * The partner's own consent, with an elapsed expiry applied (`EXPD`).
 * @throws ResourceNotFound for an unknown id; ResourceForbidden for another partner's consent.
 */
export async function getAccountAccessConsent(store: ConsentStore, clientId: string, consentId: string, now: Date): Promise<AccountAccessConsent> {
  const consent = await store.findById(consentId);
  if (!consent) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  if (consent.clientId !== clientId) throw new ResourceForbidden(`ConsentId ${consentId} belongs to another partner`);
  return applyExpiry(store, consent, now);
}

/**
 * Revokes a consent at the partner's request (`CANC`) and ends its grant, so its tokens stop working on the
 * very next call. A consent that has already ended is left as it is.
 * @throws ResourceNotFound, ResourceForbidden as {@link getAccountAccessConsent}.
 */
export async function deleteAccountAccessConsent(
  store: ConsentStore,
  grants: GrantRevoker,
  clientId: string,
  consentId: string,
  now: Date,
): Promise<void> {
  const consent = await getAccountAccessConsent(store, clientId, consentId, now);
  const revocable = [ConsentStatus.AwaitingAuthorisation, ConsentStatus.Authorised];
  await store.transition(consent.id, revocable, ConsentStatus.Revoked, now);
  if (consent.grantId) await grants.revokeGrant(consent.grantId);
}

/**
 * Checks that a partner may send a customer to authorise this consent (the PAR/authorization request): it is
 * awaiting authorisation, or it was authorised, then revoked (`CANC`), and has not expired — an `EXPD`
 * consent never comes back.
 * @throws ResourceNotFound for an unknown id or another partner's consent (not revealed);
 *   InvalidConsentStatus for any other status.
 */
export async function assertConsentAuthorisable(store: ConsentStore, clientId: string, consentId: string, now: Date): Promise<AccountAccessConsent> {
  const consent = await store.findById(consentId);
  if (!consent || consent.clientId !== clientId) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  const current = await applyExpiry(store, consent, now);
  assertAuthorisable(current, now);
  return current;
}

/**
 * AWAU consents can be authorised; a CANC one only if a customer had authorised it before (a consent the
 * partner deleted before anyone approved it stays dead) and its expiry has not passed.
 * @throws InvalidConsentStatus otherwise.
 */
function assertAuthorisable(consent: AccountAccessConsent, now: Date): void {
  if (consent.expiresAt && consent.expiresAt.getTime() <= now.getTime()) throw new InvalidConsentStatus(`ConsentId ${consent.id} has expired`);
  const reauthorisable = consent.status === ConsentStatus.Revoked && consent.customerId !== null;
  if (consent.status !== ConsentStatus.AwaitingAuthorisation && !reauthorisable) {
    throw new InvalidConsentStatus(`ConsentId ${consent.id} has status ${consent.status}; it cannot be authorised`);
  }
}

/**
 * Records the customer's approval: the consent becomes `AUTH`, bound to the customer, the chosen accounts and
 * the grant whose tokens it backs. A revoked consent can be re-authorised only by the customer who granted it.
 * @param eligibleAccountIds the accounts this customer may share.
 * @throws InvalidField when no account, or an account the customer may not share, is chosen;
 *   InvalidConsentStatus when the consent can no longer be authorised (or belongs to another customer).
 */
export async function authoriseAccountAccessConsent(
  store: ConsentStore,
  consentId: string,
  decision: { customerId: string; accountIds: readonly string[]; grantId: string },
  eligibleAccountIds: readonly string[],
  now: Date,
): Promise<void> {
  const accountIds = [...new Set(decision.accountIds)];
  if (accountIds.length === 0) throw new InvalidField('Choose at least one account to share', 'accounts');
  if (accountIds.some((id) => !eligibleAccountIds.includes(id))) throw new InvalidField('An account that cannot be shared was chosen', 'accounts');
  const found = await store.findById(consentId);
  if (!found) throw new InvalidConsentStatus(`ConsentId ${consentId} can no longer be authorised`);
  const consent = await applyExpiry(store, found, now);
  assertAuthorisable(consent, now);
  if (consent.customerId && consent.customerId !== decision.customerId) {
    throw new InvalidConsentStatus(`ConsentId ${consentId} was granted by another customer`);
  }
  const authorised = await store.authorise(consentId, { ...decision, accountIds }, now);
  if (!authorised) throw new InvalidConsentStatus(`ConsentId ${consentId} can no longer be authorised`);
}

/**
 * Records the customer's refusal: the consent becomes `RJCT`.
 * @throws InvalidConsentStatus when the consent is no longer awaiting authorisation.
 */
export function rejectAccountAccessConsent(store: ConsentStore, consentId: string, now: Date): Promise<void> {
  return rejectAwaitingConsent(store, consentId, { code: 'U033', description: 'The customer denied access' }, now);
}

/**
 * The customer withdraws a consent they granted (from their connected apps): `CANC`, and its grant ends, so the
 * partner's very next call fails; the partner is notified (`consent-authorization-revoked`) and the customer is mailed a
 * confirmation.
 * @throws ResourceNotFound when the consent does not exist or was not granted by this customer;
 *   InvalidConsentStatus when it is not authorised.
 */
export async function revokeConsentByCustomer(
  store: ConsentStore,
  grants: GrantRevoker,
  customerId: string,
  consentId: string,
  now: Date,
): Promise<void> {
  const consent = await store.findById(consentId);
  if (!consent || consent.customerId !== customerId) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  const reason = { code: 'TKSP', description: 'The customer withdrew this consent' };
  const revoked = await store.transition(
    consent.id,
    [ConsentStatus.Authorised],
    ConsentStatus.Revoked,
    now,
    reason,
    consentRevokedEvents(consent, now),
    accessRevokedNotices(consent, now),
  );
  if (!revoked) throw new InvalidConsentStatus(`ConsentId ${consentId} is not authorised`);
  if (consent.grantId) await grants.revokeGrant(consent.grantId);
}

/**
 * A consent that backs a customer token and may be used right now, with the accounts it shares and the standing of
 * its app (null: the app is gone), read with it.
 */
export interface UsableConsent {
  readonly consent: AccountAccessConsent;
  readonly accountIds: readonly string[];
  readonly app: AppStanding | null;
}

/**
 * The reference a customer token carries to the grant it was issued from: a token of an earlier
 * authorisation of the same consent (before a revocation and re-authorisation) names another grant.
 */
export function grantReference(grantId: string): string {
  return createHash('sha256').update(grantId).digest('base64url').slice(0, 22);
}

/**
 * Whether a customer token of `clientId`, issued from the grant that `tokenGrantReference` names (see
 * {@link grantReference}), may use a consent of any kind: the consent is that client's and still rests on that very
 * grant (a re-authorisation binds a new one, and the old tokens stay dead).
 */
export function restsOnTokenGrant(
  consent: { readonly clientId: string; readonly grantId: string | null },
  clientId: string,
  tokenGrantReference: string,
): boolean {
  return consent.clientId === clientId && consent.grantId !== null && grantReference(consent.grantId) === tokenGrantReference;
}

/** A consent read with its app ({@link restsOnTokenGrant}) when the token may use it; null when it may not, or none was found. */
export function usableByToken<Found extends { readonly consent: { readonly clientId: string; readonly grantId: string | null } }>(
  found: Found | null,
  clientId: string,
  tokenGrantReference: string,
): Found | null {
  return found && restsOnTokenGrant(found.consent, clientId, tokenGrantReference) ? found : null;
}

/**
 * Whether the consent behind a customer access token, as read (with its accounts and app: alone, or in the statement
 * that read the data of the call), may still be used with the token: it exists, belongs to the client the token was
 * issued to, is `AUTH`, has not expired (an elapsed expiry is applied, `EXPD`), and is still backed by the grant the
 * token came from (`tokenGrantReference`, see {@link grantReference}).
 * @returns null when the consent cannot back the token any more (revoked, expired, rejected, re-authorised, unknown).
 */
export async function usableConsentOf(
  store: ConsentStore,
  found: ConsentWithAccounts | null,
  clientId: string,
  tokenGrantReference: string,
  now: Date,
): Promise<UsableConsent | null> {
  if (!found) return null;
  const { consent: stored, accountIds, app } = found;
  if (!restsOnTokenGrant(stored, clientId, tokenGrantReference)) return null;
  const consent = await applyExpiry(store, stored, now);
  if (consent.status !== ConsentStatus.Authorised) return null;
  return { consent, accountIds, app };
}

/**
 * The consent an OAuth grant backs, if tokens may still be issued from the grant: the consent is `AUTH`,
 * unexpired, and still bound to this very grant (a re-authorisation binds a new one).
 * @returns null otherwise.
 */
export async function findConsentBackingGrant(store: ConsentStore, grantId: string, now: Date): Promise<AccountAccessConsent | null> {
  const found = await store.findByGrantId(grantId);
  if (!found) return null;
  const consent = await applyExpiry(store, found, now);
  return consent.status === ConsentStatus.Authorised && consent.grantId === grantId ? consent : null;
}

/**
 * Expires the consents whose expiry has passed, whether or not anyone reads them, so that partners hear of it when
 * it happens (`resource-update`). Safe in any number of processes: each transition is a compare-and-set.
 * @returns how many it looked at (a full batch means more may be waiting).
 */
export async function expireDueConsents(store: ConsentStore, now: Date, limit = 100): Promise<number> {
  const due = await store.listDueForExpiry(now, limit);
  for (const consent of due) await applyExpiry(store, consent, now);
  return due.length;
}

/**
 * Marks a consent whose expiry has passed as `EXPD` (reason `TKXP`) and returns it as it now stands; the partner is
 * notified (`resource-update`), and its customer mailed, when an authorised consent expires (one never authorised was
 * never in use).
 */
async function applyExpiry(store: ConsentStore, consent: AccountAccessConsent, now: Date): Promise<AccountAccessConsent> {
  const live = [ConsentStatus.AwaitingAuthorisation, ConsentStatus.Authorised] as const;
  if (!consent.expiresAt || consent.expiresAt.getTime() > now.getTime() || !live.includes(consent.status as (typeof live)[number])) {
    return consent;
  }
  const reason = { code: 'TKXP', description: 'The consent expired' };
  const wasInUse = consent.status === ConsentStatus.Authorised;
  const events = wasInUse ? consentExpiredEvents(consent, now) : [];
  const notices = wasInUse ? accessExpiredNotices(consent, now) : [];
  // From the status read, so that the events and notices decided for it are the ones written; if it changed meanwhile,
  // the consent is read again as it now stands.
  if (await store.transition(consent.id, [consent.status], ConsentStatus.Expired, now, reason, events, notices)) {
    return { ...consent, status: ConsentStatus.Expired, statusReason: reason, statusUpdatedAt: now };
  }
  return (await store.findById(consent.id)) ?? consent;
}

function optionalDate(value: string | null, path: string): Date | null {
  return value === null ? null : parseRequestDateTime(value, path);
}
