import type { DomesticPayment, PaymentStore } from '../domestic-payment.js';
import { periodAnchor, readVrpControlParameters } from './control-parameters.js';
import { periodUsage, usageWindows, type PeriodUsage } from './limits.js';
import type { VrpConsentRequest } from './vrp-consent.js';

/** The terms of a mandate that its use is counted by: its id, its request (control parameters) and when it was made. */
export interface MandateTerms {
  readonly id: string;
  readonly request: VrpConsentRequest;
  readonly createdAt: Date;
}

/** How a customer's VRP mandate has been used: each periodic limit in its current period, and the latest payments. */
export interface MandateUse {
  /** Per periodic limit, in the consent's order: the current period, what was paid in it and what is left. */
  readonly periods: readonly PeriodUsage[];
  /** The latest payments made under the mandate, newest first (rejected ones included: the customer sees them too). */
  readonly payments: readonly DomesticPayment[];
}

/** How many of a mandate's latest payments its customer's page lists. */
export const RECENT_MANDATE_PAYMENTS = 20;

/**
 * What the customer's pages show of a mandate at `now`: each limit's current period counted as the limits count it (the
 * same windows, payments not rejected) and its latest payments.
 */
export async function mandateUse(
  payments: Pick<PaymentStore, 'sumMandateUsage' | 'listByConsent'>,
  mandate: MandateTerms,
  now: Date,
): Promise<MandateUse> {
  const params = readVrpControlParameters(mandate.request.Data.ControlParameters);
  const anchor = periodAnchor(params, mandate.createdAt);
  const [used, recent] = await Promise.all([
    payments.sumMandateUsage(mandate.id, usageWindows(params, anchor, now)),
    payments.listByConsent(mandate.id, RECENT_MANDATE_PAYMENTS),
  ]);
  return { periods: periodUsage(params, anchor, now, used), payments: recent };
}
