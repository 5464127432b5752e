import type { EventDraft, EventResourceType } from '../events/event-notification.js';
import type { CurrencyConversion } from '../fx/currency-conversion.js';
import type { CustomerNotice } from '../mail/customer-notice.js';
import type { TransferDraft } from '../ledger/ledger.js';
import type { IdempotencyRecord } from './idempotency.js';
import type { PaymentFacts } from './payment-decision.js';
import type { StatusReason } from './risk-policy.js';

/**
 * OBIE v4 payment-order statuses this bank reports (NOTES §6.3): payments are decided at once, never left `RCVD`; a
 * scheduled payment waits `PDNG` until its execution date (or is cancelled before it, `CANC`), then is decided.
 */
export const PaymentStatus = {
  Pending: 'PDNG',
  Cancelled: 'CANC',
  SettlementInProcess: 'ACSP',
  SettlementCompleted: 'ACSC',
  Rejected: 'RJCT',
} as const;

export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

/** Where the money goes: to an account at this bank (booked at once) or out through the scheme (settles later). */
export type PaymentRoute = 'internal' | 'external';

/**
 * What kind of payment it is (at most 20 characters): a domestic or an international payment (made once from its
 * consent, which it consumes), a domestic scheduled payment (ordered once from its consent, made on its execution date), a payment of a
 * domestic standing order (one of the series its consent orders) or a domestic VRP (one of many under a mandate, within
 * its control parameters).
 */
export type PaymentKind = 'domestic' | 'international' | 'domestic-scheduled' | 'standing-order' | 'domestic-vrp';

/**
 * The resource partners know a payment as (its events' `rty` and id): the payment itself, or for a payment of a
 * standing order the standing order ({@link standingOrderIdOf} its consent).
 */
export function paymentResource(payment: Pick<DomesticPayment, 'id' | 'kind' | 'consentId'>): { type: EventResourceType; id: string } {
  switch (payment.kind) {
    case 'domestic-scheduled':
      return { type: 'domestic-scheduled-payment', id: payment.id };
    case 'standing-order':
      return { type: 'domestic-standing-order', id: standingOrderIdOf(payment.consentId) };
    case 'domestic-vrp':
      return { type: 'domestic-vrp', id: payment.id };
    case 'domestic':
      return { type: 'domestic-payment', id: payment.id };
    case 'international':
      return { type: 'international-payment', id: payment.id };
  }
}

/**
 * A standing order's id (`DomesticStandingOrderId`, `sto_…`): its consent's (`soc_…`) under its own prefix, since
 * each standing order consent makes exactly one standing order.
 */
export function standingOrderIdOf(consentId: string): string {
  return `sto_${consentId.slice(4)}`;
}

/** A payment: one ledger transfer (plus charges) from the customer's account, made under a consent. */
export interface DomesticPayment {
  /** `pmt_…`, the OBIE `DomesticPaymentId` or `DomesticVRPId`. */
  readonly id: string;
  readonly kind: PaymentKind;
  readonly consentId: string;
  /** The partner's `InstructionIdentification`: one payment per instruction of a consent. */
  readonly instructionIdentification: string | null;
  /** A VRP's `Data.Instruction` as the partner sent it (each payment of a mandate has its own); null otherwise. */
  readonly instruction: Readonly<Record<string, unknown>> | null;
  readonly clientId: string;
  readonly customerId: string;
  readonly debtorAccountId: string;
  readonly status: PaymentStatus;
  readonly statusReason: StatusReason | null;
  readonly amountMinor: bigint;
  readonly chargesMinor: bigint;
  readonly currency: string;
  readonly localInstrument: string;
  readonly route: PaymentRoute;
  /** The payee's account at this bank (internal route only). */
  readonly creditorAccountId: string | null;
  readonly creditorIdentification: string;
  /** When an external payment is handed to the scheme for settlement (`ACSP` until then). */
  readonly settleAfter: Date | null;
  /** A scheduled payment: when it is due to run (its `RequestedExecutionDateTime`); null for a payment made at once. */
  readonly dueAt: Date | null;
  readonly createdAt: Date;
  /**
   * When the payment was decided — its money moved or it was refused: when it was made for a payment made at once, when
   * it ran for a scheduled payment or a standing order's payment (null while it waits, or once cancelled unrun). The
   * risk limits count a customer's and a partner's payments by this time, not by when they were ordered.
   */
  readonly executedAt: Date | null;
  readonly statusUpdatedAt: Date;
  /**
   * An international payment's conversion: the debtor pays `amountMinor` of `currency` (the rate's unit currency), the
   * creditor receives its `creditMinor` of the rate's target currency. Absent on payments in one currency.
   */
  readonly conversion?: CurrencyConversion;
}

/** A payment as ordered, before its outcome (status, reason, settlement time) is decided. */
export type OrderedPayment = Omit<DomesticPayment, 'status' | 'statusReason' | 'settleAfter' | 'executedAt'>;

/** The windows the risk facts are counted over. */
export interface RiskWindows {
  readonly dayStart: Date;
  readonly customerWindowStart: Date;
  readonly partnerWindowStart: Date;
  /**
   * Where every window ends: the payment's `now`. Payments stored after it are not counted — in the sandbox, those a
   * test clock ahead of the bank's time made — so a clock's months do not weigh on the customer's limits today.
   */
  readonly end: Date;
}

/**
 * How a payment uses its consent, in the payment's transaction: a domestic payment consumes it (`AUTH → COND`); a VRP
 * draws on its mandate, which stays `AUTH` but is locked while the payment is decided, and whose earlier payments
 * (not rejected) are summed over each window for the decision (`PaymentFacts.mandateUsedMinor`, in the same order).
 */
export type ConsentUse = { readonly kind: 'consume' } | { readonly kind: 'mandate'; readonly windows: readonly PeriodWindow[] };

/** A span of time a mandate's payments are summed over: from `start` (inclusive) to `end` (exclusive). */
export interface PeriodWindow {
  readonly start: Date;
  readonly end: Date;
}

/** Everything a payment writes, in one database transaction. */
export interface PaymentExecution {
  /** The payment as ordered; its outcome is decided under the locks. */
  readonly payment: OrderedPayment;
  readonly idempotency: IdempotencyRecord;
  /** The payment transfer and, if there are charges, the fee transfer: posted only if the payment is accepted. */
  readonly transfers: readonly TransferDraft[];
  readonly riskWindows: RiskWindows;
  readonly consentUse: ConsentUse;
  /** The domain's decision over the facts read under the locks: the payment as it is stored. */
  readonly decide: (facts: PaymentFacts) => DomesticPayment;
}

/** The outcome of {@link PaymentStore.execute}. */
export type ExecutionOutcome =
  | { readonly kind: 'created'; readonly payment: DomesticPayment }
  /** Another request already stored this idempotency key: nothing was written. */
  | { readonly kind: 'duplicate-key' }
  /** The consent was no longer `AUTH` (consumed by a concurrent payment, cancelled): nothing was written. */
  | { readonly kind: 'consent-not-authorised' }
  /** The consent already has a payment with this `InstructionIdentification`: nothing was written. */
  | { readonly kind: 'duplicate-instruction' };

/** The settlement of one payment that the scheme has answered. */
export interface SettlementResult {
  readonly paymentId: string;
  readonly status: typeof PaymentStatus.SettlementCompleted | typeof PaymentStatus.Rejected;
  readonly reason: StatusReason | null;
  /** Clearing → the outside world on success; the reversal back to the debtor on rejection. */
  readonly transfers: readonly TransferDraft[];
  /** What the partner is told (`resource-update`), written with the result. */
  readonly events: readonly EventDraft[];
  /** What the customer is mailed (the payment made, or not and why), written with the result. */
  readonly notices: readonly CustomerNotice[];
}

/** Persistence of payments. */
export interface PaymentStore {
  /**
   * In one transaction: stores the idempotency record (a duplicate key ends it), uses the consent as `consentUse`
   * says (consumes it, `AUTH → COND`, or locks the mandate and sums its payments; a consent no longer `AUTH` ends it), locks the customer and the accounts of the transfers
   * (and the debtor's), reads the facts under those locks and asks `decide`; then posts the transfers unless
   * the decided payment is rejected (`RJCT`: no money moves) and stores it (a second payment of one instruction of
   * a consent ends it). Nothing is left behind if any step fails, `decide` throwing included.
   */
  execute(execution: PaymentExecution): Promise<ExecutionOutcome>;
  findById(id: string): Promise<DomesticPayment | null>;
  /** A mandate's payments not rejected, summed over each window (without locking: for display, not for deciding). */
  sumMandateUsage(consentId: string, windows: readonly PeriodWindow[]): Promise<bigint[]>;
  /** The payments made under a consent, newest first, at most `limit`. */
  listByConsent(consentId: string, limit: number): Promise<DomesticPayment[]>;
  /** Whether the customer has paid this payee before (a payment that moved money: not rejected, pending or cancelled). */
  hasPaidPayee(customerId: string, creditorIdentification: string): Promise<boolean>;
  /**
   * External payments in `ACSP` due for settlement at `now`, oldest first: those on the bank's own time when
   * `testClockId` is null or absent, else only those of that sandbox test clock.
   */
  listDueForSettlement(now: Date, limit: number, testClockId?: string | null): Promise<DomesticPayment[]>;
  /**
   * Applies a settlement result if the payment is still `ACSP` (compare-and-set, with its transfers, events and
   * customer notices, atomically). The partner is told at `toldAt` (default `at`): the bank's time, which a sandbox test
   * clock's `at` is ahead of.
   * @returns false when another worker settled it first (nothing written).
   */
  settle(result: SettlementResult, at: Date, toldAt?: Date): Promise<boolean>;
}
