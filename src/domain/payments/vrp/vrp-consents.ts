import { shareableAccounts, type Account } from '../../accounts/account.js';
import type { GrantRevoker } from '../../consents/account-access-consent.js';
import { usableByToken } from '../../consents/account-access-consents.js';
import { ConsentStatus } from '../../consents/consent-status.js';
import { ActionNotAllowed, FieldMissing, InvalidConsentStatus, InvalidField, ResourceForbidden, ResourceNotFound } from '../../errors.js';
import { vrpConsentExpiredEvents, vrpConsentRevokedEvents } from '../../events/consent-events.js';
import { newId } from '../../ids.js';
import { fundsAllow } from '../../ledger/funds.js';
import { parseAmount } from '../../money.js';
import type { AppStanding } from '../../partners/partner-app.js';
import { textOf } from '../../text.js';
import { createOnce, type IdempotencyClaim, type IdempotencyStore } from '../idempotency.js';
import { AUTHORISATION_WINDOW_MS, type FundsReader } from '../payment-consents.js';
import { parseAccount, type InitiationAccount, type PaymentAccount } from '../payment-instruction.js';
import { isOurAccount } from '../payee.js';
import { parseVrpControlParameters, readVrpControlParameters, VrpType, type VrpControlParameters } from './control-parameters.js';
import { mandateCancelledNotices, mandateExpiredNotices } from './vrp-consent-notices.js';
import type { DomesticVrpConsent, VrpConsentRequest, VrpConsentStore } from './vrp-consent.js';

/** What creating a VRP consent needs. */
export interface VrpConsentServices {
  readonly vrpConsents: VrpConsentStore;
  readonly idempotency: IdempotencyStore;
}

/** A VRP consent and whether it was created by this request or an earlier one with the same idempotency key. */
export interface CreatedVrpConsent {
  readonly consent: DomesticVrpConsent;
  readonly replayed: boolean;
}

/** The meaning of a VRP consent's `Initiation`, validated: who is paid, and from which account if the partner named it. */
export interface VrpInitiation {
  readonly creditor: PaymentAccount & { readonly name: string };
  /** The account the partner named to pay from (`DebtorAccount`); null: the customer chooses it. */
  readonly debtor: PaymentAccount | null;
  /** What the payee sees: the creditor reference, else the first unstructured line; null when there is neither. */
  readonly reference: string | null;
}

/** What a VRP consent lets a partner do, validated: its control parameters and its initiation. */
export interface VrpMandate {
  readonly controlParameters: VrpControlParameters;
  readonly initiation: VrpInitiation;
}

/** The part of `OBDomesticVRPInitiation` (already schema-valid) that the rules read. */
interface VrpInitiationJson {
  readonly CreditorAccount?: InitiationAccount;
  readonly DebtorAccount?: InitiationAccount;
  readonly RemittanceInformation?: { Structured?: Array<{ CreditorReferenceInformation?: { Reference?: unknown } }>; Unstructured?: unknown[] };
}

/** `OBVRPFundsConfirmationRequest`: the amount a partner asks about, under the consent its token is bound to. */
export interface VrpFundsConfirmationRequest {
  readonly Data: {
    readonly ConsentId: string;
    readonly Reference?: string;
    readonly InstructedAmount: { readonly Amount: string; readonly Currency: string };
  };
}

/** The answer to a funds confirmation: whether the account paid from could pay the amount now. Nothing is reserved. */
export interface VrpFundsConfirmation {
  /** `vfc_…`, the OBIE `FundsConfirmationId` (not stored: a confirmation is an answer, not a resource). */
  readonly id: string;
  readonly consentId: string;
  readonly createdAt: Date;
  readonly reference: string | null;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly available: boolean;
}

/**
 * Reads a VRP consent's `Initiation`: the payee (`CreditorAccount`, which this bank requires — a creditor left to each
 * payment is only for consents under a contract it has none of) and, when named, the account to pay from, each in a
 * supported scheme with a valid identification.
 * @throws FieldMissing (U004) without a `CreditorAccount`; UnsupportedScheme (U027), InvalidField (U002) for an account.
 */
export function parseVrpInitiation(initiation: VrpInitiationJson): VrpInitiation {
  if (!initiation.CreditorAccount) {
    throw new FieldMissing(
      'CreditorAccount is required: this bank offers VRP consents only for a payee named in the consent',
      'Data.Initiation.CreditorAccount',
    );
  }
  const creditor = parseAccount(initiation.CreditorAccount, 'Data.Initiation.CreditorAccount');
  const debtor = initiation.DebtorAccount ? parseAccount(initiation.DebtorAccount, 'Data.Initiation.DebtorAccount') : null;
  return { creditor: { ...creditor, name: creditor.name ?? '' }, debtor, reference: referenceOf(initiation) };
}

function referenceOf(initiation: VrpInitiationJson): string | null {
  const structured = initiation.RemittanceInformation?.Structured?.find((item) => typeof item.CreditorReferenceInformation?.Reference === 'string');
  const reference = textOf(structured?.CreditorReferenceInformation?.Reference);
  if (reference) return reference;
  const line = initiation.RemittanceInformation?.Unstructured?.find((item) => typeof item === 'string');
  return typeof line === 'string' ? line : null;
}

/** What a stored consent lets its partner do (its request was validated when it was created). */
export function mandateOf(consent: DomesticVrpConsent): VrpMandate {
  return mandateOfRequest(consent.request);
}

/** What a stored consent's request lets its partner do (validated when the consent was created). */
export function mandateOfRequest(request: VrpConsentRequest): VrpMandate {
  return {
    controlParameters: readVrpControlParameters(request.Data.ControlParameters),
    initiation: parseVrpInitiation(request.Data.Initiation),
  };
}

/**
 * Creates a domestic VRP consent awaiting the customer (`AWAU`), idempotently: the same key with the same request
 * within 24 hours returns the consent it created (as it now stands).
 * @throws IdempotencyKeyReused for the same key with another request; the errors of {@link parseVrpControlParameters}
 *   (U002, U003, U023, with paths under `Data.ControlParameters`); those of {@link parseVrpInitiation}.
 */
export async function createVrpConsent(
  services: VrpConsentServices,
  clientId: string,
  request: VrpConsentRequest,
  claim: IdempotencyClaim,
  now: Date,
): Promise<CreatedVrpConsent> {
  const { resource, replayed } = await createOnce(services.idempotency, services.vrpConsents, claim, now, (): DomesticVrpConsent => {
    const controlParameters = parseVrpControlParameters(request.Data.ControlParameters, now);
    parseVrpInitiation(request.Data.Initiation);
    return {
      id: newId('vrc'),
      clientId,
      status: ConsentStatus.AwaitingAuthorisation,
      statusReason: null,
      request,
      validFrom: controlParameters.validFrom,
      validTo: controlParameters.validTo,
      customerId: null,
      debtorAccountId: null,
      debtor: null,
      grantId: null,
      authorisedAt: null,
      createdAt: now,
      statusUpdatedAt: now,
      deletedAt: null,
    };
  });
  return { consent: resource, replayed };
}

/**
 * The partner's own VRP consent, as it stands at `now` (see {@link applyLifecycle}).
 * @throws ResourceNotFound for an unknown id or one the partner deleted; ResourceForbidden for another partner's consent.
 */
export async function getVrpConsent(store: VrpConsentStore, clientId: string, consentId: string, now: Date): Promise<DomesticVrpConsent> {
  const consent = await store.findById(consentId);
  if (!consent || consent.deletedAt) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  if (consent.clientId !== clientId) throw new ResourceForbidden(`ConsentId ${consentId} belongs to another partner`);
  return applyLifecycle(store, consent, now);
}

/**
 * The partner deletes its consent (`DELETE`): a consent still `AWAU` or `AUTH` becomes `CANC` and its grant ends, so
 * its tokens stop working on their very next use; whatever its status, it no longer exists for the API afterwards
 * (`GET` and another `DELETE` → 400 U011). The partner is sent no event about its own deletion.
 * @throws ResourceNotFound, ResourceForbidden as {@link getVrpConsent}.
 */
export async function deleteVrpConsent(store: VrpConsentStore, grants: GrantRevoker, clientId: string, consentId: string, now: Date): Promise<void> {
  const consent = await getVrpConsent(store, clientId, consentId, now);
  if (!(await store.markDeleted(consent.id, now))) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  if (consent.grantId) await grants.revokeGrant(consent.grantId);
}

/** Until when a customer may authorise a consent: 24 hours after it was created, and not after it ends. */
export function vrpAuthorisationDeadline(consent: DomesticVrpConsent): Date {
  const deadline = consent.createdAt.getTime() + AUTHORISATION_WINDOW_MS;
  return new Date(consent.validTo ? Math.min(deadline, consent.validTo.getTime()) : deadline);
}

/**
 * A consent as it stands at `now`: one still `AWAU` or `AUTH` whose `validTo` has passed is `EXPD` (reason `TKXP`;
 * when it was in use, its partner hears `resource-update` and its customer gets a mail); one still `AWAU` after its
 * authorisation deadline is `RJCT` (reason `U036`).
 */
async function applyLifecycle(store: VrpConsentStore, consent: DomesticVrpConsent, now: Date): Promise<DomesticVrpConsent> {
  const live = consent.status === ConsentStatus.AwaitingAuthorisation || consent.status === ConsentStatus.Authorised;
  if (!live) return consent;
  if (consent.validTo && consent.validTo.getTime() <= now.getTime()) {
    const reason = { code: 'TKXP', description: 'The consent reached its ValidToDateTime' };
    const wasInUse = consent.status === ConsentStatus.Authorised;
    const events = wasInUse ? vrpConsentExpiredEvents(consent, now) : [];
    const notices = wasInUse ? mandateExpiredNotices(consent, now) : [];
    if (await store.transition(consent.id, [consent.status], ConsentStatus.Expired, now, reason, events, notices)) {
      return { ...consent, status: ConsentStatus.Expired, statusReason: reason, statusUpdatedAt: now };
    }
    return (await store.findById(consent.id)) ?? consent;
  }
  if (consent.status === ConsentStatus.AwaitingAuthorisation && vrpAuthorisationDeadline(consent).getTime() <= now.getTime()) {
    const reason = { code: 'U036', description: 'The customer did not authorise the consent in time' };
    if (await store.transition(consent.id, [ConsentStatus.AwaitingAuthorisation], ConsentStatus.Rejected, now, reason)) {
      return { ...consent, status: ConsentStatus.Rejected, statusReason: reason, statusUpdatedAt: now };
    }
    return (await store.findById(consent.id)) ?? consent;
  }
  return consent;
}

/**
 * Expires the consents whose `validTo` has passed, whether or not anyone reads them, so that partners hear of it when it
 * happens. Safe in any number of processes: each transition is a compare-and-set.
 * @returns how many it looked at (a full batch means more may be waiting).
 */
export async function expireDueVrpConsents(store: VrpConsentStore, now: Date, limit = 100): Promise<number> {
  const due = await store.listDueForExpiry(now, limit);
  for (const consent of due) await applyLifecycle(store, consent, now);
  return due.length;
}

/**
 * Checks that a partner may send a customer to authorise this consent (PAR and the authorization endpoint): its own,
 * not deleted, `AWAU` and within its authorisation deadline. A consent is authorised once; it is not re-authenticated.
 * @throws ResourceNotFound (unknown, deleted or another partner's, not revealed); InvalidConsentStatus otherwise.
 */
export async function assertVrpConsentAuthorisable(
  store: VrpConsentStore,
  clientId: string,
  consentId: string,
  now: Date,
): Promise<DomesticVrpConsent> {
  const found = await store.findById(consentId);
  if (!found || found.clientId !== clientId || found.deletedAt) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  const consent = await applyLifecycle(store, found, now);
  assertAuthorisable(consent, now);
  return consent;
}

function assertAuthorisable(consent: DomesticVrpConsent, now: Date): void {
  if (consent.status !== ConsentStatus.AwaitingAuthorisation || consent.deletedAt) {
    throw new InvalidConsentStatus(`ConsentId ${consent.id} has status ${consent.status}; it cannot be authorised`);
  }
  if (vrpAuthorisationDeadline(consent).getTime() <= now.getTime())
    throw new InvalidConsentStatus(`ConsentId ${consent.id} was not authorised in time`);
}

/**
 * The accounts the customer may let the partner pay from: their own enabled accounts in the consent's currency, but
 * not the payee's account itself — only the one the partner named, if it named a `DebtorAccount`.
 */
export function eligibleVrpDebtorAccounts(consent: DomesticVrpConsent, customerAccounts: readonly Account[]): Account[] {
  const { controlParameters, initiation } = mandateOf(consent);
  if (sweepsToSomeoneElse(consent, customerAccounts)) return [];
  return shareableAccounts(customerAccounts).filter((account) => {
    if (account.currency !== controlParameters.maximumIndividualAmount.currency) return false;
    if (named(account, initiation.creditor)) return false;
    return initiation.debtor ? named(account, initiation.debtor) : true;
  });
}

/** Whether the account names `wanted` (same scheme and identification). */
function named(account: Account, wanted: PaymentAccount): boolean {
  return account.identifications.some(
    (identification) => identification.schemeName === wanted.schemeName && identification.identification === wanted.identification,
  );
}

/**
 * Whether a sweeping mandate (every `VRPType` Sweeping) names a payee at this bank that is not one of the customer's
 * accounts. Sweeping moves money between the customer's own accounts only, so the customer cannot agree to it: it would
 * tell them "your own account" of someone else's (and each payment would be refused, U014). A payee at another bank
 * cannot be checked here; the partner answers for it.
 */
export function sweepsToSomeoneElse(consent: DomesticVrpConsent, customerAccounts: readonly Account[]): boolean {
  const { controlParameters, initiation } = mandateOf(consent);
  if (!controlParameters.vrpTypes.every((type) => type === VrpType.Sweeping) || !isOurAccount(initiation.creditor)) return false;
  return !customerAccounts.some((account) => named(account, initiation.creditor));
}

/**
 * Records the customer's approval: `AUTH`, bound to the customer, the account payments are made from and the grant.
 * @throws ActionNotAllowed when the mandate sweeps to someone else's account ({@link sweepsToSomeoneElse});
 *   InvalidField (path `debtorAccount`) when the account is not one the customer may pay this from;
 *   InvalidConsentStatus when the consent can no longer be authorised.
 */
export async function authoriseVrpConsent(
  store: VrpConsentStore,
  consentId: string,
  decision: { customerId: string; debtorAccountId: string; grantId: string },
  customerAccounts: readonly Account[],
  now: Date,
): Promise<void> {
  const consent = await store.findById(consentId);
  if (!consent) throw new InvalidConsentStatus(`ConsentId ${consentId} can no longer be authorised`);
  assertAuthorisable(consent, now);
  if (sweepsToSomeoneElse(consent, customerAccounts)) {
    throw new ActionNotAllowed('This mandate moves money between your own accounts, but the account it pays into is not yours');
  }
  if (!eligibleVrpDebtorAccounts(consent, customerAccounts).some((account) => account.id === decision.debtorAccountId)) {
    throw new InvalidField('Choose the account to pay from', 'debtorAccount');
  }
  if (!(await store.authorise(consentId, decision, now))) throw new InvalidConsentStatus(`ConsentId ${consentId} can no longer be authorised`);
}

/**
 * The customer cancels a payment mandate they gave (from their connected apps): `CANC` at once and its grant ends, so
 * the partner's very next use of it fails; the partner is notified (`consent-authorization-revoked`) and the customer is
 * mailed a confirmation — as when a customer revokes account access.
 * @throws ResourceNotFound when the consent does not exist or was not given by this customer; InvalidConsentStatus
 *   when it is no longer in force.
 */
export async function revokeVrpConsentByCustomer(
  store: VrpConsentStore,
  grants: GrantRevoker,
  customerId: string,
  consentId: string,
  now: Date,
): Promise<void> {
  const found = await store.findById(consentId);
  if (!found || found.customerId !== customerId) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  const consent = await applyLifecycle(store, found, now);
  const reason = { code: 'TKSP', description: 'The customer cancelled this payment mandate' };
  const cancelled = await store.transition(
    consent.id,
    [ConsentStatus.Authorised],
    ConsentStatus.Revoked,
    now,
    reason,
    vrpConsentRevokedEvents(consent, now),
    mandateCancelledNotices(consent, now),
  );
  if (!cancelled) throw new InvalidConsentStatus('This payment mandate has already ended');
  if (consent.grantId) await grants.revokeGrant(consent.grantId);
}

/**
 * The VRP consent an OAuth grant backs, if tokens may still be issued from the grant: `AUTH` (its end not passed) and
 * bound to this very grant.
 */
export async function findVrpConsentBackingGrant(store: VrpConsentStore, grantId: string, now: Date): Promise<DomesticVrpConsent | null> {
  const found = await store.findByGrantId(grantId);
  if (!found) return null;
  const consent = await applyLifecycle(store, found, now);
  return consent.status === ConsentStatus.Authorised && consent.grantId === grantId ? consent : null;
}

/**
 * The VRP consent behind a customer access token, with the standing of its app (null: the app is gone), read together:
 * it exists, belongs to the token's client and still rests on the grant the token came from (see
 * {@link usableByToken}). Its status is for each use to check (U009).
 * @returns null when the token cannot use it.
 */
export async function findVrpConsentOfToken(
  store: VrpConsentStore,
  consentId: string,
  clientId: string,
  tokenGrantReference: string,
): Promise<{ consent: DomesticVrpConsent; app: AppStanding | null } | null> {
  return usableByToken(await store.findWithApp(consentId), clientId, tokenGrantReference);
}

/**
 * Funds confirmation for an authorised VRP consent: whether the account it pays from could pay `InstructedAmount` right
 * now, by the rule payments are decided by ({@link fundsAllow}: booked balance, pending debits, overdraft). Reserves
 * nothing and changes nothing.
 * @throws ResourceForbidden when the token's consent is not the one in the path; InvalidField when `Data.ConsentId` is
 *   not that consent, or the amount is not in the consent's currency, or not above zero; InvalidConsentStatus (U009)
 *   unless the consent is `AUTH`.
 */
export async function confirmVrpFunds(
  services: { readonly vrpConsents: VrpConsentStore; readonly funds: FundsReader },
  consent: DomesticVrpConsent,
  requestedConsentId: string,
  request: VrpFundsConfirmationRequest,
  now: Date,
): Promise<VrpFundsConfirmation> {
  if (requestedConsentId !== consent.id) throw new ResourceForbidden('This access token was issued for another consent');
  if (request.Data.ConsentId !== consent.id) throw new InvalidField('Data.ConsentId must be the ConsentId of the path', 'Data.ConsentId');
  const current = await applyLifecycle(services.vrpConsents, consent, now);
  if (current.status !== ConsentStatus.Authorised || !current.debtorAccountId) {
    throw new InvalidConsentStatus(`ConsentId ${consent.id} has status ${current.status}; funds can be confirmed only while it is AUTH`);
  }
  const { currency } = mandateOf(current).controlParameters.maximumIndividualAmount;
  const instructed = request.Data.InstructedAmount;
  if (instructed.Currency !== currency) {
    throw new InvalidField(`The consent's payments are in ${currency}`, 'Data.InstructedAmount.Currency');
  }
  const amountMinor = parseAmount(instructed.Amount, currency, 'Data.InstructedAmount.Amount');
  if (amountMinor <= 0n) throw new InvalidField('The amount must be greater than zero', 'Data.InstructedAmount.Amount');
  const debtorFunds = await services.funds.readFunds(current.debtorAccountId);
  return {
    id: newId('vfc'),
    consentId: current.id,
    createdAt: now,
    reference: request.Data.Reference ?? null,
    amountMinor,
    currency,
    available: debtorFunds !== null && fundsAllow(debtorFunds, -amountMinor),
  };
}
