import { fundsAllow, type AccountFunds } from '../ledger/funds.js';
import { PaymentStatus } from './domestic-payment.js';
import type { PayeeResolution } from './payee.js';
import { ControlParametersBreached, type VrpBreach } from './vrp/limits.js';
import { assessPaymentRisk, type RiskFacts, type RiskPolicy, type StatusReason } from './risk-policy.js';

/**
 * What a payment asks for, as its kind works it out before any lock is taken. Each kind of payment (domestic
 * today; scheduled, standing order, VRP, international later) supplies its own order; the decision is the same.
 */
export interface PaymentOrder {
  /** What the payee receives, in minor units of the payment's currency. */
  readonly amountMinor: bigint;
  /** The bank's charges, paid by the debtor on top of the amount. */
  readonly chargesMinor: bigint;
  /** What the payment's transfers take from the debtor account (the net debit, ≥ 0): what its funds must allow. */
  readonly debitMinor: bigint;
  /** Where the money goes; a payee this bank refuses rejects the payment. */
  readonly payee: PayeeResolution;
  /** The limits the payment is held to. */
  readonly limits: RiskPolicy;
  /**
   * A VRP's mandate: whether the payment keeps to its control parameters, given what was paid in each window of
   * `ConsentUse.windows` ({@link assessVrpPayment} bound to the consent, the amount and the time).
   */
  readonly mandate?: (usedMinorByWindow: readonly bigint[]) => VrpBreach | null;
}

/** What the store reads under the payment's locks (customer, then accounts), for {@link decidePayment}. */
export interface PaymentFacts {
  /** The debtor account's funds. */
  readonly debtorFunds: AccountFunds;
  /** The customer's and the partner's earlier payments, counted for the limits. */
  readonly risk: RiskFacts;
  /** A VRP's earlier payments under its mandate (not rejected), per window of its usage; empty for other payments. */
  readonly mandateUsedMinor: readonly bigint[];
}

/** The outcome of a payment: settled at once (`ACSC`), in settlement (`ACSP`), or rejected with its ISO reason. */
export type PaymentDecision =
  | { readonly status: typeof PaymentStatus.SettlementCompleted | typeof PaymentStatus.SettlementInProcess; readonly reason: null }
  | { readonly status: typeof PaymentStatus.Rejected; readonly reason: StatusReason };

/** ISO 20022 `AM04`: the debtor's funds do not allow the payment. */
const INSUFFICIENT_FUNDS: StatusReason = { code: 'AM04', description: 'The account paid from has insufficient funds' };

/**
 * Decides a payment, the one place every outcome is decided, in this order: a VRP beyond its mandate is refused
 * outright (no payment: `ControlParametersBreached`, 400 U014 naming the control parameter); then a payee this bank refuses (its
 * reason: `AC01`, `AC03`, `AM03`); the limits (`AM02` largest payment, `AM14` daily limit, `AG01` customer then
 * partner velocity, see {@link assessPaymentRisk}); the debtor's funds (`AM04`, by the ledger's rule
 * {@link fundsAllow}); then a payee at this bank is paid at once (`ACSC`), a payee elsewhere through the scheme
 * (`ACSP`).
 * @throws ControlParametersBreached when a VRP breaks its mandate.
 */
export function decidePayment(order: PaymentOrder, facts: PaymentFacts): PaymentDecision {
  const breach = order.mandate?.(facts.mandateUsedMinor) ?? null;
  if (breach) throw new ControlParametersBreached(breach.message, breach.path);
  if (order.payee.route === 'refused') return { status: PaymentStatus.Rejected, reason: order.payee.reason };
  const refusal = assessPaymentRisk(order.limits, order.amountMinor, order.chargesMinor, facts.risk);
  if (refusal) return { status: PaymentStatus.Rejected, reason: refusal };
  if (!fundsAllow(facts.debtorFunds, -order.debitMinor)) return { status: PaymentStatus.Rejected, reason: INSUFFICIENT_FUNDS };
  const status = order.payee.route === 'internal' ? PaymentStatus.SettlementCompleted : PaymentStatus.SettlementInProcess;
  return { status, reason: null };
}
