import { InvalidField } from '../errors.js';

/** Limits applied before money moves; each refusal names its ISO 20022 status reason. */
export interface RiskPolicy {
  /** Largest single payment, in minor units of its currency (reason `AM02`). */
  readonly maxPaymentMinor: bigint;
  /** Most a customer may pay per UTC day per currency, charges included (reason `AM14`). */
  readonly dailyLimitMinor: bigint;
  /** Most payments a customer may make within a sliding window (reason `AG01`). */
  readonly customerVelocity: Velocity;
  /** Most payments one partner app may initiate within a sliding window (reason `AG01`). */
  readonly partnerVelocity: Velocity;
  /** Payments from this amount up need a one-time code from the customer (strong customer authentication). */
  readonly stepUpFromMinor: bigint;
}

/** At most `count` payments per `windowSeconds`. */
export interface Velocity {
  readonly count: number;
  readonly windowSeconds: number;
}

/** The sandbox defaults; each is configurable (README, configuration). */
export const DEFAULT_RISK_POLICY: RiskPolicy = {
  maxPaymentMinor: 2_500_000n,
  dailyLimitMinor: 5_000_000n,
  customerVelocity: { count: 20, windowSeconds: 3600 },
  partnerVelocity: { count: 6000, windowSeconds: 60 },
  stepUpFromMinor: 25_000n,
};

/** What the ledger knows at the moment of a payment, read under the payment's locks. */
export interface RiskFacts {
  /** Sum of the customer's payments (with charges) in this currency since the start of the UTC day, not rejected. */
  readonly customerPaidTodayMinor: bigint;
  /** The customer's payments (not rejected) within the customer velocity window. */
  readonly customerPaymentsInWindow: number;
  /** The partner's payments (not rejected) within the partner velocity window. */
  readonly partnerPaymentsInWindow: number;
}

/** Why a payment is refused: an ISO 20022 status reason code and words for the partner. */
export interface StatusReason {
  readonly code: string;
  readonly description: string;
}

/**
 * The risk decision for a payment of `amountMinor` (+ `chargesMinor`): null to proceed, else the reason to reject.
 * Funds are checked after it, by `decidePayment` (`AM04`).
 */
export function assessPaymentRisk(policy: RiskPolicy, amountMinor: bigint, chargesMinor: bigint, facts: RiskFacts): StatusReason | null {
  if (amountMinor > policy.maxPaymentMinor) return { code: 'AM02', description: 'The amount is above the largest payment this bank allows' };
  if (facts.customerPaidTodayMinor + amountMinor + chargesMinor > policy.dailyLimitMinor) {
    return { code: 'AM14', description: "The payment would exceed the customer's daily payment limit" };
  }
  if (facts.customerPaymentsInWindow + 1 > policy.customerVelocity.count) {
    return { code: 'AG01', description: 'The customer has made too many payments in a short time; try again later' };
  }
  if (facts.partnerPaymentsInWindow + 1 > policy.partnerVelocity.count) {
    return { code: 'AG01', description: 'This app has initiated too many payments in a short time; try again later' };
  }
  return null;
}

/**
 * Reads a velocity written as `count/seconds`, e.g. `20/3600`.
 * @throws InvalidField otherwise.
 */
export function parseVelocity(value: string): Velocity {
  const match = /^(\d{1,9})\/(\d{1,9})$/.exec(value.trim());
  const count = Number(match?.[1]);
  const windowSeconds = Number(match?.[2]);
  if (!match || count < 1 || windowSeconds < 1) throw new InvalidField('must be "count/seconds", e.g. 20/3600');
  return { count, windowSeconds };
}
