import { shareableAccounts, type Account } from '../accounts/account.js';
import type { GrantRevoker } from '../consents/account-access-consent.js';
import { usableByToken } from '../consents/account-access-consents.js';
import { ConsentStatus } from '../consents/consent-status.js';
import { parseRequestDateTime } from '../dates.js';
import { ActionNotAllowed, InvalidConsentStatus, InvalidDate, InvalidField, ResourceForbidden, ResourceNotFound } from '../errors.js';
import { fundsConfirmationConsentExpiredEvents, fundsConfirmationConsentRevokedEvents } from '../events/consent-events.js';
import type { EventDraft } from '../events/event-notification.js';
import { newId } from '../ids.js';
import type { CustomerNotice } from '../mail/customer-notice.js';
import type { AppStanding } from '../partners/partner-app.js';
import { isOurAccount } from '../payments/payee.js';
import { AUTHORISATION_WINDOW_MS } from '../payments/payment-consents.js';
import { parseAccount, type PaymentAccount } from '../payments/payment-instruction.js';
import type { StatusReason } from '../payments/risk-policy.js';
import type { FundsConfirmationConsent, FundsConfirmationConsentRequest, FundsConfirmationConsentStore } from './funds-confirmation-consent.js';
import { fundsChecksExpiredNotices, fundsChecksRevokedNotices } from './funds-confirmation-notices.js';

const DEBTOR_ACCOUNT = 'Data.DebtorAccount';

/**
 * The account a consent names (`DebtorAccount`): a supported scheme, a well-formed identification, and an account of
 * this bank — funds can be confirmed only on accounts the bank holds. Whether it is the customer's is known only when
 * the customer signs in.
 * @throws UnsupportedScheme (U027); InvalidField (U002) for a malformed identification or an account elsewhere.
 */
export function parseDebtorAccount(request: FundsConfirmationConsentRequest): PaymentAccount {
  const account = parseAccount(request.Data.DebtorAccount, DEBTOR_ACCOUNT);
  if (!isOurAccount(account)) throw new InvalidField('DebtorAccount must be an account held at this bank', `${DEBTOR_ACCOUNT}.Identification`);
  return account;
}

/**
 * Creates a funds confirmation consent awaiting the customer (`AWAU`). There is no idempotency key (the API has none):
 * each request creates a consent.
 * @throws the errors of {@link parseDebtorAccount}; InvalidDate (U003) for an `ExpirationDateTime` not in the future.
 */
export async function createFundsConfirmationConsent(
  store: FundsConfirmationConsentStore,
  clientId: string,
  request: FundsConfirmationConsentRequest,
  now: Date,
): Promise<FundsConfirmationConsent> {
  parseDebtorAccount(request);
  const sentExpiry = request.Data.ExpirationDateTime;
  const expiresAt = sentExpiry === undefined ? null : parseRequestDateTime(sentExpiry, 'Data.ExpirationDateTime');
  if (expiresAt && expiresAt.getTime() <= now.getTime()) throw new InvalidDate('ExpirationDateTime must be in the future', 'Data.ExpirationDateTime');
  const consent: FundsConfirmationConsent = {
    id: newId('fcc'),
    clientId,
    status: ConsentStatus.AwaitingAuthorisation,
    statusReason: null,
    request,
    expiresAt,
    customerId: null,
    account: null,
    grantId: null,
    authorisedAt: null,
    createdAt: now,
    statusUpdatedAt: now,
  };
  await store.insert(consent);
  return consent;
}

/**
 * The partner's own consent, as it stands at `now` (see {@link applyLifecycle}).
 * @throws ResourceNotFound for an unknown id; ResourceForbidden for another partner's consent.
 */
export async function getFundsConfirmationConsent(
  store: FundsConfirmationConsentStore,
  clientId: string,
  consentId: string,
  now: Date,
): Promise<FundsConfirmationConsent> {
  const consent = await store.findById(consentId);
  if (!consent) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  if (consent.clientId !== clientId) throw new ResourceForbidden(`ConsentId ${consentId} belongs to another partner`);
  return applyLifecycle(store, consent, now);
}

/**
 * The partner deletes its consent (`DELETE`, which it must do when the customer withdraws their consent with it): one
 * still `AWAU` or `AUTH` becomes `CANC` and its grant ends, so its tokens stop working on their very next use. A
 * consent that has already ended stays as it is. The partner is sent no event about its own deletion.
 * @throws ResourceNotFound, ResourceForbidden as {@link getFundsConfirmationConsent}.
 */
export async function deleteFundsConfirmationConsent(
  store: FundsConfirmationConsentStore,
  grants: GrantRevoker,
  clientId: string,
  consentId: string,
  now: Date,
): Promise<void> {
  const consent = await getFundsConfirmationConsent(store, clientId, consentId, now);
  await store.transition(consent.id, [ConsentStatus.AwaitingAuthorisation, ConsentStatus.Authorised], ConsentStatus.Revoked, now);
  if (consent.grantId) await grants.revokeGrant(consent.grantId);
}

/** Until when a customer may authorise a consent: 24 hours after it was created, and not after it expires. */
export function fundsConfirmationAuthorisationDeadline(consent: FundsConfirmationConsent): Date {
  const deadline = consent.createdAt.getTime() + AUTHORISATION_WINDOW_MS;
  return new Date(consent.expiresAt ? Math.min(deadline, consent.expiresAt.getTime()) : deadline);
}

/**
 * A consent as it stands at `now`: one still `AWAU` or `AUTH` whose expiry has passed is `EXPD` (reason `TKXP`; when it
 * was in use, its partner hears `resource-update` and its customer gets a mail); one still `AWAU` after its
 * authorisation deadline is `RJCT` (reason `U036`).
 */
async function applyLifecycle(store: FundsConfirmationConsentStore, consent: FundsConfirmationConsent, now: Date): Promise<FundsConfirmationConsent> {
  if (consent.status !== ConsentStatus.AwaitingAuthorisation && consent.status !== ConsentStatus.Authorised) return consent;
  if (consent.expiresAt && consent.expiresAt.getTime() <= now.getTime()) {
    const reason = { code: 'TKXP', description: 'The consent reached its ExpirationDateTime' };
    const wasInUse = consent.status === ConsentStatus.Authorised;
    const events = wasInUse ? fundsConfirmationConsentExpiredEvents(consent, now) : [];
    const notices = wasInUse ? fundsChecksExpiredNotices(consent, now) : [];
    return settle(store, consent, ConsentStatus.Expired, reason, now, events, notices);
  }
  if (consent.status === ConsentStatus.AwaitingAuthorisation && fundsConfirmationAuthorisationDeadline(consent).getTime() <= now.getTime()) {
    return settle(store, consent, ConsentStatus.Rejected, { code: 'U036', description: 'The customer did not authorise the consent in time' }, now);
  }
  return consent;
}

/** Moves a live consent to `to`; when another request moved it first, the consent as that one left it. */
async function settle(
  store: FundsConfirmationConsentStore,
  consent: FundsConfirmationConsent,
  to: ConsentStatus,
  reason: StatusReason,
  now: Date,
  events: readonly EventDraft[] = [],
  notices: readonly CustomerNotice[] = [],
): Promise<FundsConfirmationConsent> {
  if (await store.transition(consent.id, [consent.status], to, now, reason, events, notices)) {
    return { ...consent, status: to, statusReason: reason, statusUpdatedAt: now };
  }
  return (await store.findById(consent.id)) ?? consent;
}

/**
 * Expires the consents whose expiry has passed, whether or not anyone reads them, so that partners hear of it when it
 * happens. Safe in any number of processes: each transition is a compare-and-set.
 * @returns how many it looked at (a full batch means more may be waiting).
 */
export async function expireDueFundsConfirmationConsents(store: FundsConfirmationConsentStore, now: Date, limit = 100): Promise<number> {
  const due = await store.listDueForExpiry(now, limit);
  for (const consent of due) await applyLifecycle(store, consent, now);
  return due.length;
}

/**
 * Checks that a partner may send a customer to authorise this consent (PAR and the authorization endpoint): its own,
 * `AWAU` and within its authorisation deadline. A consent is authorised once.
 * @throws ResourceNotFound (unknown or another partner's, not revealed); InvalidConsentStatus otherwise.
 */
export async function assertFundsConfirmationConsentAuthorisable(
  store: FundsConfirmationConsentStore,
  clientId: string,
  consentId: string,
  now: Date,
): Promise<FundsConfirmationConsent> {
  const found = await store.findById(consentId);
  if (!found || found.clientId !== clientId) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  const consent = await applyLifecycle(store, found, now);
  assertAuthorisable(consent, now);
  return consent;
}

function assertAuthorisable(consent: FundsConfirmationConsent, now: Date): void {
  if (consent.status !== ConsentStatus.AwaitingAuthorisation) {
    throw new InvalidConsentStatus(`ConsentId ${consent.id} has status ${consent.status}; it cannot be authorised`);
  }
  if (fundsConfirmationAuthorisationDeadline(consent).getTime() <= now.getTime()) {
    throw new InvalidConsentStatus(`ConsentId ${consent.id} was not authorised in time`);
  }
}

/**
 * The customer's account the consent names (`DebtorAccount`: same scheme and identification), if it is one they may
 * share; null when the partner named an account that is not theirs (the customer can then only refuse).
 */
export function namedAccountOf(consent: FundsConfirmationConsent, customerAccounts: readonly Account[]): Account | null {
  const wanted = parseDebtorAccount(consent.request);
  const named = (account: Account) =>
    account.identifications.some(
      (identification) => identification.schemeName === wanted.schemeName && identification.identification === wanted.identification,
    );
  return shareableAccounts(customerAccounts).find(named) ?? null;
}

/**
 * Records the customer's approval: `AUTH`, bound to the customer, the account the consent names and the grant.
 * @throws ActionNotAllowed when that account is not one of the customer's ({@link namedAccountOf}); InvalidConsentStatus
 *   when the consent can no longer be authorised.
 */
export async function authoriseFundsConfirmationConsent(
  store: FundsConfirmationConsentStore,
  consentId: string,
  decision: { customerId: string; grantId: string },
  customerAccounts: readonly Account[],
  now: Date,
): Promise<void> {
  const consent = await store.findById(consentId);
  if (!consent) throw new InvalidConsentStatus(`ConsentId ${consentId} can no longer be authorised`);
  assertAuthorisable(consent, now);
  const account = namedAccountOf(consent, customerAccounts);
  if (!account) throw new ActionNotAllowed('The account this app asks to check is not one of yours');
  if (!(await store.authorise(consentId, { ...decision, accountId: account.id }, now))) {
    throw new InvalidConsentStatus(`ConsentId ${consentId} can no longer be authorised`);
  }
}

/**
 * The customer revokes an app's funds checks (from their connected apps): `CANC` at once and its grant ends, so the
 * partner's very next check fails; the partner hears `resource-update` and `consent-authorization-revoked`, and the
 * customer is mailed a confirmation.
 * @throws ResourceNotFound when the consent does not exist or was not given by this customer; InvalidConsentStatus
 *   when it is no longer in force.
 */
export async function revokeFundsConfirmationConsentByCustomer(
  store: FundsConfirmationConsentStore,
  grants: GrantRevoker,
  customerId: string,
  consentId: string,
  now: Date,
): Promise<void> {
  const found = await store.findById(consentId);
  if (!found || found.customerId !== customerId) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  const consent = await applyLifecycle(store, found, now);
  const revoked = await store.transition(
    consent.id,
    [ConsentStatus.Authorised],
    ConsentStatus.Revoked,
    now,
    { code: 'TKSP', description: 'The customer revoked these funds checks' },
    fundsConfirmationConsentRevokedEvents(consent, now),
    fundsChecksRevokedNotices(consent, now),
  );
  if (!revoked) throw new InvalidConsentStatus('These funds checks have already ended');
  if (consent.grantId) await grants.revokeGrant(consent.grantId);
}

/**
 * The consent an OAuth grant backs, if tokens may still be issued from the grant: `AUTH` (not expired) and bound to
 * this very grant.
 */
export async function findFundsConfirmationConsentBackingGrant(
  store: FundsConfirmationConsentStore,
  grantId: string,
  now: Date,
): Promise<FundsConfirmationConsent | null> {
  const found = await store.findByGrantId(grantId);
  if (!found) return null;
  const consent = await applyLifecycle(store, found, now);
  return consent.status === ConsentStatus.Authorised && consent.grantId === grantId ? consent : null;
}

/**
 * The consent behind a customer access token, with the standing of its app (null: the app is gone), read together: it
 * exists, belongs to the token's client and still rests on the grant the token came from (see {@link usableByToken}).
 * Its status is for each use to check (U009).
 * @returns null when the token cannot use it.
 */
export async function findFundsConfirmationConsentOfToken(
  store: FundsConfirmationConsentStore,
  consentId: string,
  clientId: string,
  tokenGrantReference: string,
): Promise<{ consent: FundsConfirmationConsent; app: AppStanding | null } | null> {
  return usableByToken(await store.findWithApp(consentId), clientId, tokenGrantReference);
}

/** A consent as the lifecycle leaves it at `now` (for a use that must see it current, such as a confirmation). */
export function currentFundsConfirmationConsent(
  store: FundsConfirmationConsentStore,
  consent: FundsConfirmationConsent,
  now: Date,
): Promise<FundsConfirmationConsent> {
  return applyLifecycle(store, consent, now);
}
