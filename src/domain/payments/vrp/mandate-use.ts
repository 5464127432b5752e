import type { DomesticPayment } from '../domestic-payment.js';
import { periodAnchor, readVrpControlParameters } from './control-parameters.js';
import { periodUsage, usageWindows, type PeriodUsage } from './limits.js';
import type { DomesticVrpConsent } from './vrp-consent.js';

/** How a customer's VRP mandate has been used: each periodic limit in its current period, and the payments made. */
export interface MandateUse {
  /** Per periodic limit, in the consent's order: the current period, what was paid in it and what is left. */
  readonly periods: readonly PeriodUsage[];
  /** The payments made under the mandate, newest first (rejected ones included: the customer sees them too). */
  readonly payments: readonly DomesticPayment[];
}

/**
 * What the customer's pages show of a mandate at `now`, from its payments: the same windows and the same rule
 * (payments not rejected count) as the limits a payment is held to.
 */
export function mandateUse(consent: DomesticVrpConsent, payments: readonly DomesticPayment[], now: Date): MandateUse {
  const params = readVrpControlParameters(consent.request.Data.ControlParameters);
  const anchor = periodAnchor(params, consent.createdAt);
  const counted = payments.filter((payment) => payment.consentId === consent.id && payment.status !== 'RJCT');
  const used = usageWindows(params, anchor, now).map(({ start, end }) =>
    counted
      .filter((payment) => payment.createdAt.getTime() >= start.getTime() && payment.createdAt.getTime() < end.getTime())
      .reduce((sum, payment) => sum + payment.amountMinor, 0n),
  );
  const newestFirst = [...payments].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  return { periods: periodUsage(params, anchor, now, used), payments: newestFirst };
}
