import type { AccountStore } from '../accounts/account.js';
import { startOfUtcDay } from '../accounts/balances.js';
import { ConsentStatus } from '../consents/consent-status.js';
import { InvalidConsentStatus, ResourceForbidden, ResourceNotFound } from '../errors.js';
import { newId } from '../ids.js';
import { netMovementMinor } from '../ledger/funds.js';
import { totalCharges } from './charges.js';
import { assertSameAsConsent, ConsentMismatch } from './consent-match.js';
import {
  PaymentStatus,
  type DomesticPayment,
  type ExecutionOutcome,
  type OrderedPayment,
  type PaymentExecution,
  type PaymentStore,
  type RiskWindows,
} from './domestic-payment.js';
import { findIdempotentReplay, idempotencyRecord, type IdempotencyClaim, type IdempotencyStore } from './idempotency.js';
import type { DomesticPaymentConsent, PaymentConsentKind } from './payment-consent.js';
import { storedExecutionOf } from './scheduled/requested-execution.js';
import { readStandingOrderSchedule } from './standing-orders/standing-order-schedule.js';
import { instructionOf } from './payment-consents.js';
import { decidePayment, type PaymentDecision, type PaymentOrder } from './payment-decision.js';
import type { PaymentInstruction } from './payment-instruction.js';
import { paymentTransfers } from './payment-transfers.js';
import { resolvePayee, type PayeeResolution } from './payee.js';
import type { TransferDraft } from '../ledger/ledger.js';
import type { RiskPolicy } from './risk-policy.js';

/** What making a payment needs. */
export interface PaymentServices {
  readonly payments: PaymentStore;
  readonly idempotency: IdempotencyStore;
  readonly accounts: AccountStore;
  readonly risk: RiskPolicy;
  /** How long the sandbox scheme takes to settle an external payment. */
  readonly settlementDelayMs: number;
}

/** The partner's payment request (`OBWriteDomestic2`), already schema-valid. */
export interface PaymentRequest {
  readonly Data: { readonly ConsentId: string; readonly Initiation: unknown };
  readonly Risk: unknown;
}

/** A payment and whether it was created by this request or an earlier one with the same idempotency key. */
export interface MadePayment {
  readonly payment: DomesticPayment;
  readonly consent: DomesticPaymentConsent;
  readonly replayed: boolean;
}

/**
 * Makes the payment of an authorised consent, exactly once (NOTES §4, §9):
 * - the same idempotency key with the same request within 24 hours returns the payment it made, as it stands;
 *   with another request, `IdempotencyKeyReused` and nothing changes. The key is claimed by the payment's own
 *   transaction (no lookup first): a duplicate, or a consent already consumed, leads to the stored record;
 * - the request must name the consent the token is bound to and repeat its `Initiation` and `Risk` exactly;
 * - the consent must be `AUTH`; it becomes `COND` in the same transaction that stores the payment, its ledger
 *   transfers and the idempotency record — concurrent requests make one payment;
 * - the outcome is decided by {@link decidePayment} over the facts the store reads under the customer's and the
 *   accounts' locks (payee, limits, funds): a refusal is a payment in `RJCT` with its ISO reason (no money moves).
 *   A payee at this bank is credited at once (`ACSC`); a payee elsewhere is paid into the clearing account
 *   (`ACSP`) and settled later by {@link settleDuePayments};
 * - a scheduled payment's consent (`kind`) orders the payment for its `RequestedExecutionDateTime` instead: it is stored
 *   `PDNG` and nothing is decided or moved until {@link runDueScheduledPayments} runs it.
 * @throws ConsentMismatch (U008: another consent, or a consent of another kind), InvalidConsentStatus (U009),
 *   IdempotencyKeyReused (U006).
 */
export async function makeDomesticPayment(
  services: PaymentServices,
  consent: DomesticPaymentConsent,
  request: PaymentRequest,
  claim: IdempotencyClaim,
  now: Date,
  kind: PaymentConsentKind = 'domestic-payment',
): Promise<MadePayment> {
  if (consent.international && kind !== 'international-payment') {
    throw new ConsentMismatch(
      `ConsentId ${consent.id} is an international payment consent; pay it by POST /international-payments`,
      'Data.ConsentId',
    );
  }
  if (consent.kind !== kind) {
    throw new ConsentMismatch(`ConsentId ${request.Data.ConsentId} is not the ${kind} consent this access token was issued for`, 'Data.ConsentId');
  }
  return makeConsentPayment(services, consent, request, claim, now, () => paymentExecution(services, consent, claim, now));
}

/**
 * Makes the payment of an authorised single-use consent (any {@link PaymentConsentKind}), exactly once: the request
 * must name the token's consent and repeat its `Initiation` and `Risk`; `execution` (called only for an `AUTH` consent,
 * after those checks) builds what the store writes; a consent no longer `AUTH` replays the key's payment or is refused.
 * @throws ConsentMismatch (U008), InvalidConsentStatus (U009), IdempotencyKeyReused (U006), and what `execution` throws.
 */
export async function makeConsentPayment(
  services: Pick<PaymentServices, 'payments' | 'idempotency'>,
  consent: DomesticPaymentConsent,
  request: PaymentRequest,
  claim: IdempotencyClaim,
  now: Date,
  execution: () => Promise<PaymentExecution>,
): Promise<MadePayment> {
  if (request.Data.ConsentId !== consent.id) {
    throw new ConsentMismatch(`ConsentId ${request.Data.ConsentId} is not the consent this access token was issued for`, 'Data.ConsentId');
  }
  if (consent.status !== ConsentStatus.Authorised || !consent.customerId || !consent.debtorAccountId) {
    return replayOrRefuse(services, consent, claim, now);
  }
  assertSameAsConsent(consent.request.Data.Initiation, request.Data.Initiation, 'Data.Initiation');
  assertSameAsConsent(consent.request.Risk, request.Risk, 'Risk');
  const outcome = await executeOnce(services, await execution(), claim, now);
  if (outcome.kind === 'replayed') return { payment: outcome.payment, consent, replayed: true };
  if (outcome.kind === 'created') return { payment: outcome.payment, consent: { ...consent, status: ConsentStatus.Consumed }, replayed: false };
  if (outcome.kind === 'duplicate-key') throw new Error('idempotency key conflict persisted after its record aged out');
  return replayOrRefuse(services, consent, claim, now);
}

/**
 * Executes a payment once per idempotency key: when the store finds the key taken, the payment it made is replayed; a
 * key whose record has just aged out is executed again (once).
 */
export async function executeOnce(
  services: Pick<PaymentServices, 'payments' | 'idempotency'>,
  execution: PaymentExecution,
  claim: IdempotencyClaim,
  now: Date,
): Promise<ExecutionOutcome | { readonly kind: 'replayed'; readonly payment: DomesticPayment }> {
  const outcome = await services.payments.execute(execution);
  if (outcome.kind !== 'duplicate-key') return outcome;
  const replay = await findIdempotentReplay(services.idempotency, claim, now);
  if (replay) return { kind: 'replayed', payment: await storedPayment(services.payments, replay) };
  return services.payments.execute(execution);
}

/** The windows a payment's risk facts are counted over at `now`: the UTC day, and the customer's and partner's velocity windows, up to `now`. */
export function riskWindowsAt(risk: RiskPolicy, now: Date): RiskWindows {
  return {
    dayStart: startOfUtcDay(now),
    customerWindowStart: new Date(now.getTime() - risk.customerVelocity.windowSeconds * 1000),
    partnerWindowStart: new Date(now.getTime() - risk.partnerVelocity.windowSeconds * 1000),
    end: now,
  };
}

/**
 * What the store writes for this payment: the payment as ordered, its idempotency record, the transfers it posts
 * if accepted, and the decision over the facts the store reads under its locks ({@link decidePayment}). A scheduled
 * payment is only ordered: stored `PDNG` until it is due, with nothing to post.
 */
async function paymentExecution(
  services: PaymentServices,
  consent: DomesticPaymentConsent,
  claim: IdempotencyClaim,
  now: Date,
): Promise<PaymentExecution> {
  const instruction = instructionOf(consent);
  const payee = await resolvePayee(services.accounts, instruction.creditor, instruction.currency);
  const payment = orderedPayment(consent, instruction, payee, now);
  if (consent.kind !== 'domestic-payment') {
    const pending: DomesticPayment = { ...payment, status: PaymentStatus.Pending, statusReason: null, settleAfter: null, executedAt: null };
    return { ...consumingExecution(services, payment, [], payee, claim, now), decide: () => pending };
  }
  return consumingExecution(services, payment, paymentTransfersTo(payee, payment, instruction, now), payee, claim, now);
}

/** The transfers a payment posts if it is accepted: none to a payee that is refused. */
function paymentTransfersTo(payee: PayeeResolution, payment: OrderedPayment, instruction: PaymentInstruction, now: Date): readonly TransferDraft[] {
  return payee.route === 'refused' ? [] : paymentTransfers(payment, instruction, now);
}

/**
 * How a payment ordered from a consent's instruction is decided at `now`: the transfers it posts if accepted, the
 * windows its risk facts are counted over, and {@link decidePayment} over the facts read under the store's locks.
 */
export function paymentDecision(
  services: Pick<PaymentServices, 'risk' | 'settlementDelayMs'>,
  payment: OrderedPayment,
  instruction: PaymentInstruction,
  payee: PayeeResolution,
  now: Date,
): Pick<PaymentExecution, 'transfers' | 'riskWindows' | 'decide'> {
  return decisionOver(services, payment, paymentTransfersTo(payee, payment, instruction, now), payee, now);
}

/**
 * What the store writes for a payment that consumes its consent: the payment as ordered, its idempotency record, the
 * transfers it posts if accepted, and the decision over the facts the store reads under its locks ({@link decidePayment}).
 */
export function consumingExecution(
  services: Pick<PaymentServices, 'risk' | 'settlementDelayMs'>,
  payment: OrderedPayment,
  transfers: readonly TransferDraft[],
  payee: PayeeResolution,
  claim: IdempotencyClaim,
  now: Date,
): PaymentExecution {
  return {
    payment,
    idempotency: idempotencyRecord(claim, payment.id, now),
    consentUse: { kind: 'consume' },
    ...decisionOver(services, payment, transfers, payee, now),
  };
}

/** {@link decidePayment} over the facts the store reads under its locks, for a payment posting `transfers` if accepted. */
function decisionOver(
  services: Pick<PaymentServices, 'risk' | 'settlementDelayMs'>,
  payment: OrderedPayment,
  transfers: readonly TransferDraft[],
  payee: PayeeResolution,
  now: Date,
): Pick<PaymentExecution, 'transfers' | 'riskWindows' | 'decide'> {
  const order: PaymentOrder = {
    amountMinor: payment.amountMinor,
    chargesMinor: payment.chargesMinor,
    debitMinor: -netMovementMinor(transfers, payment.debtorAccountId),
    payee,
    limits: services.risk,
  };
  const settleAfter = new Date(now.getTime() + services.settlementDelayMs);
  return {
    transfers,
    riskWindows: riskWindowsAt(services.risk, now),
    decide: (facts) => decidedPayment(payment, decidePayment(order, facts), settleAfter, now),
  };
}

/**
 * A consent that is no longer `AUTH` may have been consumed a moment ago by the same request sent twice: if
 * this key is now stored, replay it; otherwise the consent's status refuses the payment.
 */
async function replayOrRefuse(
  services: Pick<PaymentServices, 'payments' | 'idempotency'>,
  consent: DomesticPaymentConsent,
  claim: IdempotencyClaim,
  now: Date,
): Promise<MadePayment> {
  const replay = await findIdempotentReplay(services.idempotency, claim, now);
  if (replay) return { payment: await storedPayment(services.payments, replay), consent, replayed: true };
  throw new InvalidConsentStatus(
    `ConsentId ${consent.id} has status ${consent.status === ConsentStatus.Authorised ? 'COND' : consent.status}; a payment needs an AUTH consent`,
  );
}

/**
 * The payment as ordered, before its outcome is decided: it goes to the payee's account here, or out through the
 * scheme. A scheduled payment is due at its `RequestedExecutionDateTime`; a standing order's first payment (number 1,
 * its `InstructionIdentification` here) at its `FirstPaymentDateTime`.
 */
export function orderedPayment(consent: DomesticPaymentConsent, instruction: PaymentInstruction, payee: PayeeResolution, now: Date): OrderedPayment {
  const initiation = consent.request.Data.Initiation;
  const { kind, dueAt, instructionIdentification } = orderOf(consent.kind, initiation);
  return {
    id: newId('pmt'),
    kind,
    consentId: consent.id,
    instructionIdentification,
    instruction: null,
    clientId: consent.clientId,
    customerId: consent.customerId ?? '',
    debtorAccountId: consent.debtorAccountId ?? '',
    amountMinor: instruction.amountMinor,
    chargesMinor: totalCharges(consent.charges),
    currency: instruction.currency,
    localInstrument: instruction.localInstrument,
    ...payeeRoute(payee),
    creditorIdentification: instruction.creditor.identification,
    dueAt,
    createdAt: now,
    statusUpdatedAt: now,
  };
}

/** What kind of payment a consent of this kind orders, when it is due and how it is identified under its consent. */
function orderOf(
  consentKind: DomesticPaymentConsent['kind'],
  initiation: Readonly<Record<string, unknown>>,
): Pick<OrderedPayment, 'kind' | 'dueAt' | 'instructionIdentification'> {
  switch (consentKind) {
    case 'domestic-payment':
      return { kind: 'domestic', dueAt: null, instructionIdentification: instructionIdentificationOf(initiation) };
    case 'international-payment':
      return { kind: 'international', dueAt: null, instructionIdentification: instructionIdentificationOf(initiation) };
    case 'domestic-scheduled-payment':
      return { kind: 'domestic-scheduled', dueAt: storedExecutionOf(initiation), instructionIdentification: instructionIdentificationOf(initiation) };
    case 'domestic-standing-order':
      return { kind: 'standing-order', dueAt: readStandingOrderSchedule(initiation, null).first.dueAt, instructionIdentification: '1' };
  }
}

/** Where a payment to this payee goes: to its account here (internal), or out through the scheme. */
export function payeeRoute(payee: PayeeResolution): Pick<OrderedPayment, 'route' | 'creditorAccountId'> {
  return { route: payee.route === 'external' ? 'external' : 'internal', creditorAccountId: payee.route === 'internal' ? payee.accountId : null };
}

/** The payment with its decided outcome; a payment in settlement is handed to the scheme at `settleAfter`. */
export function decidedPayment(payment: OrderedPayment, decision: PaymentDecision, settleAfter: Date, now: Date): DomesticPayment {
  return {
    ...payment,
    status: decision.status,
    statusReason: decision.reason,
    settleAfter: decision.status === PaymentStatus.SettlementInProcess ? settleAfter : null,
    executedAt: now,
  };
}

export async function storedPayment(store: PaymentStore, id: string): Promise<DomesticPayment> {
  const payment = await store.findById(id);
  if (!payment) throw new Error(`payment ${id} of an idempotency record is missing`);
  return payment;
}

/**
 * The partner's own payment of this kind (`DomesticPaymentId`, or `DomesticScheduledPaymentId`).
 * @throws ResourceNotFound for an unknown id (or a payment of another kind); ResourceForbidden for another partner's payment.
 */
export async function getDomesticPayment(
  store: PaymentStore,
  clientId: string,
  paymentId: string,
  kind: 'domestic' | 'domestic-scheduled' = 'domestic',
): Promise<DomesticPayment> {
  const name = kind === 'domestic' ? 'DomesticPaymentId' : 'DomesticScheduledPaymentId';
  const payment = await store.findById(paymentId);
  if (!payment || payment.kind !== kind) throw new ResourceNotFound(`${name} ${paymentId} does not exist`);
  if (payment.clientId !== clientId) throw new ResourceForbidden(`${name} ${paymentId} belongs to another partner`);
  return payment;
}

/** The `InstructionIdentification` of a payment's initiation (schema-valid: a string of 1 to 35 characters). */
export function instructionIdentificationOf(initiation: unknown): string | null {
  const value = (initiation as { InstructionIdentification?: unknown } | null)?.InstructionIdentification;
  return typeof value === 'string' ? value : null;
}
