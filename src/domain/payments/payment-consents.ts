import { shareableAccounts, type Account } from '../accounts/account.js';
import { ConsentStatus } from '../consents/consent-status.js';
import { parseRequestDateTime } from '../dates.js';
import { InvalidConsentStatus, InvalidDate, InvalidField, ResourceForbidden, ResourceNotFound } from '../errors.js';
import { newId } from '../ids.js';
import { fundsAllow, type AccountFunds } from '../ledger/funds.js';
import { usableByToken } from '../consents/account-access-consents.js';
import type { AppStanding } from '../partners/partner-app.js';
import { chargesFor, totalCharges, type Charge, type FeeSchedule } from './charges.js';
import { createOnce, type IdempotencyClaim, type IdempotencyStore } from './idempotency.js';
import {
  PAYMENT_CONSENT_ID_PREFIXES,
  type DomesticPaymentConsent,
  type PaymentConsentKind,
  type PaymentConsentRequest,
  type PaymentConsentStore,
} from './payment-consent.js';
import { requestedExecutionOf } from './scheduled/requested-execution.js';
import { readStandingOrderSchedule } from './standing-orders/standing-order-schedule.js';
import { parseInitiation, type PaymentInstruction } from './payment-instruction.js';
import { debitInstructionOf } from './international/international-debit.js';

/** How long a customer has to authorise a payment consent when the partner sets no `CompletionDateTime`. */
export const AUTHORISATION_WINDOW_MS = 24 * 3600 * 1000;

/** What creating a payment consent needs. */
export interface PaymentConsentServices {
  readonly consents: PaymentConsentStore;
  readonly idempotency: IdempotencyStore;
  readonly fees: FeeSchedule;
}

/** A consent and whether it was created by this request or an earlier one with the same idempotency key. */
export interface CreatedConsent {
  readonly consent: DomesticPaymentConsent;
  readonly replayed: boolean;
}

/**
 * Creates a domestic (or domestic scheduled) payment consent awaiting the customer (`AWAU`), with the bank's charges,
 * idempotently: the same key with the same request within 24 hours returns the consent it created (in its current
 * state).
 * @throws IdempotencyKeyReused for the same key with another request; the initiation errors of
 *   {@link parseInitiation}; InvalidDate for a `CompletionDateTime` that is not in the future, or a scheduled
 *   payment's `RequestedExecutionDateTime` that is not ({@link requestedExecutionOf}); a standing order's schedule
 *   errors ({@link readStandingOrderSchedule}). A standing order's charges are those of its first payment.
 */
export async function createPaymentConsent(
  services: PaymentConsentServices,
  clientId: string,
  request: PaymentConsentRequest,
  claim: IdempotencyClaim,
  now: Date,
  kind: PaymentConsentKind = 'domestic-payment',
): Promise<CreatedConsent> {
  const { resource, replayed } = await createOnce(services.idempotency, services.consents, claim, now, (): DomesticPaymentConsent => {
    if (kind === 'domestic-scheduled-payment') requestedExecutionOf(request.Data.Initiation, now);
    if (kind === 'domestic-standing-order') readStandingOrderSchedule(request.Data.Initiation, now);
    const instruction = instructionOfInitiation(kind, request.Data.Initiation);
    return newPaymentConsent(
      clientId,
      request,
      chargesFor(services.fees, instruction.localInstrument, instruction.amountMinor, instruction.currency),
      now,
      kind,
    );
  });
  return { consent: resource, replayed };
}

/** A new payment consent awaiting the customer (`AWAU`), with the bank's charges and the partner's authorisation deadline. */
export function newPaymentConsent(
  clientId: string,
  request: PaymentConsentRequest,
  charges: readonly Charge[],
  now: Date,
  kind: PaymentConsentKind = 'domestic-payment',
): DomesticPaymentConsent {
  return {
    id: newId(PAYMENT_CONSENT_ID_PREFIXES[kind]),
    kind,
    clientId,
    status: ConsentStatus.AwaitingAuthorisation,
    statusReason: null,
    request,
    charges,
    authoriseBy: authorisationDeadline(request, now),
    customerId: null,
    debtorAccountId: null,
    debtor: null,
    grantId: null,
    authorisedAt: null,
    createdAt: now,
    statusUpdatedAt: now,
  };
}

/**
 * Until when the customer may authorise a new consent: the partner's `CompletionDateTime`, at most 24 hours away.
 * @throws InvalidDate for a `CompletionDateTime` that is not in the future.
 */
function authorisationDeadline(request: PaymentConsentRequest, now: Date): Date {
  const authorisation = request.Data.Authorisation as { CompletionDateTime?: string } | undefined;
  const latest = new Date(now.getTime() + AUTHORISATION_WINDOW_MS);
  if (!authorisation?.CompletionDateTime) return latest;
  const completion = parseRequestDateTime(authorisation.CompletionDateTime, 'Data.Authorisation.CompletionDateTime');
  if (completion.getTime() <= now.getTime())
    throw new InvalidDate('CompletionDateTime must be in the future', 'Data.Authorisation.CompletionDateTime');
  return completion.getTime() < latest.getTime() ? completion : latest;
}

/**
 * The partner's own payment consent of this kind (a domestic consent is not found among international ones, nor the
 * other way round).
 * @throws ResourceNotFound for an unknown id (or a consent of another kind); ResourceForbidden for another partner's consent.
 */
export async function getPaymentConsent(
  store: PaymentConsentStore,
  clientId: string,
  consentId: string,
  now: Date,
  kind: PaymentConsentKind = 'domestic-payment',
): Promise<DomesticPaymentConsent> {
  const consent = await store.findById(consentId);
  if (!consent || consent.kind !== kind) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  if (consent.clientId !== clientId) throw new ResourceForbidden(`ConsentId ${consentId} belongs to another partner`);
  return applyAuthorisationDeadline(store, consent, now);
}

/**
 * A consent still `AWAU` after its authorisation deadline is rejected (`RJCT`, reason `U036`: authorisation not
 * completed), so that partners see it ended; returns the consent as it now stands.
 */
async function applyAuthorisationDeadline(store: PaymentConsentStore, consent: DomesticPaymentConsent, now: Date): Promise<DomesticPaymentConsent> {
  if (consent.status !== ConsentStatus.AwaitingAuthorisation || consent.authoriseBy.getTime() > now.getTime()) return consent;
  await store.transition(consent.id, [ConsentStatus.AwaitingAuthorisation], ConsentStatus.Rejected, now, {
    code: 'U036',
    description: 'The customer did not authorise the payment in time',
  });
  return (await store.findById(consent.id)) ?? consent;
}

/**
 * The validated meaning of a stored consent's `Initiation` (a standing order's: its first payment). For an
 * international consent, the payment as the customer's account sees it: the debit in the account's currency at the
 * rate quoted (the rate applied at execution may differ for an `Indicative` rate).
 */
export function instructionOf(consent: DomesticPaymentConsent): PaymentInstruction {
  if (consent.international) return debitInstructionOf(consent.request.Data.Initiation, consent.international.quote);
  return instructionOfInitiation(consent.kind, consent.request.Data.Initiation);
}

/** What a standing order's payments carry as their reference when its `RemittanceInformation` gives none. */
const STANDING_ORDER_REFERENCE = 'STANDING ORDER';

/**
 * The payment an `Initiation` of this kind of consent makes: a standing order's (`OBDomesticStandingOrder3`, which has
 * no `InstructedAmount` or `EndToEndIdentification`) is read as its first payment.
 */
function instructionOfInitiation(kind: PaymentConsentKind, initiation: Readonly<Record<string, unknown>>): PaymentInstruction {
  if (kind !== 'domestic-standing-order') return parseInitiation(initiation);
  return parseInitiation({
    ...initiation,
    InstructedAmount: initiation.FirstPaymentAmount as object,
    EndToEndIdentification: STANDING_ORDER_REFERENCE,
  });
}

/**
 * Checks that a partner may send a customer to authorise this consent: its own, `AWAU`, and within its
 * authorisation deadline.
 * @throws ResourceNotFound (unknown or another partner's, not revealed); InvalidConsentStatus otherwise.
 */
export async function assertPaymentConsentAuthorisable(
  store: PaymentConsentStore,
  clientId: string,
  consentId: string,
  now: Date,
): Promise<DomesticPaymentConsent> {
  const found = await store.findById(consentId);
  if (!found || found.clientId !== clientId) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  const consent = await applyAuthorisationDeadline(store, found, now);
  assertAuthorisable(consent, now);
  return consent;
}

function assertAuthorisable(consent: DomesticPaymentConsent, now: Date): void {
  if (consent.status !== ConsentStatus.AwaitingAuthorisation) {
    throw new InvalidConsentStatus(`ConsentId ${consent.id} has status ${consent.status}; it cannot be authorised`);
  }
  if (consent.authoriseBy.getTime() <= now.getTime()) throw new InvalidConsentStatus(`ConsentId ${consent.id} was not authorised in time`);
}

/**
 * The accounts the customer may pay this consent from: their own enabled accounts in the payment's currency —
 * only the one the partner named, if it named a `DebtorAccount`.
 */
export function eligibleDebtorAccounts(consent: DomesticPaymentConsent, customerAccounts: readonly Account[]): Account[] {
  const instruction = instructionOf(consent);
  return shareableAccounts(customerAccounts).filter((account) => {
    if (account.currency !== instruction.currency) return false;
    if (!instruction.debtor) return true;
    return account.identifications.some(
      (identification) =>
        identification.schemeName === instruction.debtor?.schemeName && identification.identification === instruction.debtor.identification,
    );
  });
}

/**
 * Records the customer's approval: `AUTH`, bound to the customer, the account paid from and the grant.
 * @throws InvalidField when the account is not one the customer may pay this from; InvalidConsentStatus when the
 *   consent can no longer be authorised.
 */
export async function authorisePaymentConsent(
  store: PaymentConsentStore,
  consentId: string,
  decision: { customerId: string; debtorAccountId: string; grantId: string },
  customerAccounts: readonly Account[],
  now: Date,
): Promise<void> {
  const consent = await store.findById(consentId);
  if (!consent) throw new InvalidConsentStatus(`ConsentId ${consentId} can no longer be authorised`);
  assertAuthorisable(consent, now);
  if (!eligibleDebtorAccounts(consent, customerAccounts).some((account) => account.id === decision.debtorAccountId)) {
    throw new InvalidField('Choose the account to pay from', 'debtorAccount');
  }
  if (!(await store.authorise(consentId, decision, now))) throw new InvalidConsentStatus(`ConsentId ${consentId} can no longer be authorised`);
}

/**
 * The consent an OAuth grant backs, if payment tokens may still be issued from it: `AUTH` and bound to this grant.
 */
export async function findPaymentConsentBackingGrant(store: PaymentConsentStore, grantId: string): Promise<DomesticPaymentConsent | null> {
  const consent = await store.findByGrantId(grantId);
  return consent?.status === ConsentStatus.Authorised && consent.grantId === grantId ? consent : null;
}

/**
 * The payment consent behind a customer access token, with the standing of its app (null: the app is gone), read
 * together: the consent exists, belongs to the token's client and still rests on the grant the token came from
 * (see {@link usableByToken}). Its status is for each use to check (U009), since an idempotent replay must still be
 * answered after the consent is consumed.
 * @returns null when the token cannot use it.
 */
export async function findPaymentConsentOfToken(
  store: PaymentConsentStore,
  consentId: string,
  clientId: string,
  tokenGrantReference: string,
): Promise<{ consent: DomesticPaymentConsent; app: AppStanding | null } | null> {
  return usableByToken(await store.findWithApp(consentId), clientId, tokenGrantReference);
}

/** Reads an account's funds, implemented by persistence. */
export interface FundsReader {
  /** The account's booked balance, pending debits and overdraft limit; null for an unknown account. */
  readFunds(accountId: string): Promise<AccountFunds | null>;
}

/** The consents the spec offers funds confirmation for (not scheduled payments or standing orders). */
const FUNDS_CONFIRMABLE_KINDS: readonly PaymentConsentKind[] = ['domestic-payment', 'international-payment'];

/**
 * Funds confirmation for an authorised consent (NOTES §4): whether the debtor account's funds allow the amount
 * and the charges right now, by the same rule a payment is decided by ({@link fundsAllow}). Does not reserve
 * anything or change the consent.
 * @throws ResourceForbidden when the token's consent is not the one asked about; InvalidConsentStatus when it is
 *   not `AUTH`.
 */
export async function confirmFunds(funds: FundsReader, consent: DomesticPaymentConsent, requestedConsentId: string): Promise<boolean> {
  if (requestedConsentId !== consent.id || !FUNDS_CONFIRMABLE_KINDS.includes(consent.kind))
    throw new ResourceForbidden('This access token was issued for another consent');
  if (consent.status !== ConsentStatus.Authorised || !consent.debtorAccountId) {
    throw new InvalidConsentStatus(`ConsentId ${consent.id} has status ${consent.status}; funds can be confirmed only while it is AUTH`);
  }
  const instruction = instructionOf(consent);
  const debtorFunds = await funds.readFunds(consent.debtorAccountId);
  return debtorFunds !== null && fundsAllow(debtorFunds, -(instruction.amountMinor + totalCharges(consent.charges)));
}
