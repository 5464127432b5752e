import { DomainError } from '../../errors.js';
import { formatAmount, type Money } from '../../money.js';
import type { PeriodicLimit, VrpControlParameters } from './control-parameters.js';
import { currentPeriod } from './periods.js';
import { civilDateOf, ukDayOf } from './uk-calendar.js';

/**
 * A VRP payment would break its consent's control parameters: "When a payment would breach a limitation set by one
 * or more `ControlParameters`, the ASPSP **must** return an error with code `U014` and pass in the control parameter
 * field that caused the error" (domestic-vrps.md). Maps to 400 `U014` `UK.OBIE.Rules.FailsControlParameters`; the
 * path names the control parameter. Throw it from a {@link VrpBreach}: `new ControlParametersBreached(b.message, b.path)`.
 */
export class ControlParametersBreached extends DomainError {
  readonly code = 'ControlParametersBreached';
}

/** Why a VRP payment is refused: the control parameter it breaks (OBIE path) and a sentence for the partner. */
export interface VrpBreach {
  readonly path: string;
  readonly message: string;
}

/** The window whose payments count against `PeriodicLimits[limitIndex]` now. */
export interface UsageWindow {
  readonly limitIndex: number;
  /** Inclusive. */
  readonly start: Date;
  /** Exclusive. */
  readonly end: Date;
  /** The limit in this window (pro-rated in a first calendar period). */
  readonly limitMinor: bigint;
}

/** A periodic limit in its current period, as the customer's pages show it. */
export interface PeriodUsage extends UsageWindow {
  readonly limit: PeriodicLimit;
  readonly usedMinor: bigint;
  /** What may still be paid in this period (never below zero). */
  readonly leftMinor: bigint;
}

const BASE_PATH = 'Data.ControlParameters';

/**
 * The windows to sum earlier payments over, one per periodic limit in the consent's order: the store reads, under
 * its lock on the consent, the total of the consent's payments that were not rejected in each `[start, end)`, and
 * hands them to {@link assessVrpPayment} in the same order. `anchor` is the consent's `periodAnchor`.
 */
export function usageWindows(params: VrpControlParameters, anchor: Date, now: Date): UsageWindow[] {
  return params.periodicLimits.map((limit, limitIndex) => ({ limitIndex, ...currentPeriod(limit, anchor, now) }));
}

/**
 * Decides whether a VRP payment of `amount` at `now` keeps to its consent's control parameters, given what was already
 * paid in each of {@link usageWindows}' windows (`usedMinorByLimit[i]` for `PeriodicLimits[i]`). The first rule broken
 * is returned, in this order: before the consent's first valid day (`ValidFromDateTime`); after its last
 * (`ValidToDateTime`); a currency other than the consent's (`MaximumIndividualAmount.Currency`); above the largest
 * single payment (`MaximumIndividualAmount`); above what is left of a periodic limit in its current period
 * (`PeriodicLimits[i]`, in order). Null when the payment is allowed; exactly reaching a limit is allowed.
 * @throws Error when `usedMinorByLimit` does not hold one amount per periodic limit (a caller's mistake).
 */
export function assessVrpPayment(
  params: VrpControlParameters,
  anchor: Date,
  now: Date,
  amount: Money,
  usedMinorByLimit: readonly bigint[],
): VrpBreach | null {
  checkUsage(params, usedMinorByLimit);
  if (params.validFrom && now.getTime() < params.validFrom.getTime()) {
    return {
      path: `${BASE_PATH}.ValidFromDateTime`,
      message: `The consent is valid from ${ukDateOf(params.validFrom)}; no payment may be made before`,
    };
  }
  if (params.validTo && now.getTime() >= params.validTo.getTime()) {
    return {
      path: `${BASE_PATH}.ValidToDateTime`,
      message: `The consent's last valid day was ${lastDayBefore(params.validTo)}; no payment may be made after it`,
    };
  }
  const { maximumIndividualAmount: maximum } = params;
  if (amount.currency !== maximum.currency) {
    return {
      path: `${BASE_PATH}.MaximumIndividualAmount.Currency`,
      message: `The payment is in ${amount.currency}; the consent allows payments in ${maximum.currency} only`,
    };
  }
  if (amount.amountMinor > maximum.amountMinor) {
    return {
      path: `${BASE_PATH}.MaximumIndividualAmount`,
      message: `The payment of ${money(amount.amountMinor, amount.currency)} exceeds the largest payment the consent allows, ${money(maximum.amountMinor, maximum.currency)}`,
    };
  }
  for (const window of usageWindows(params, anchor, now)) {
    const usedMinor = usedMinorByLimit[window.limitIndex] ?? 0n;
    if (usedMinor + amount.amountMinor <= window.limitMinor) continue;
    const limit = params.periodicLimits[window.limitIndex] as PeriodicLimit;
    const leftMinor = window.limitMinor > usedMinor ? window.limitMinor - usedMinor : 0n;
    return {
      path: `${BASE_PATH}.PeriodicLimits[${window.limitIndex}]`,
      message:
        `The payment of ${money(amount.amountMinor, amount.currency)} exceeds the ${limit.periodType} limit (${limit.alignment} alignment) of ` +
        `${money(window.limitMinor, limit.currency)} for ${ukDateOf(window.start)} to ${lastDayBefore(window.end)}: ` +
        `${money(usedMinor, limit.currency)} used, ${money(leftMinor, limit.currency)} left`,
    };
  }
  return null;
}

/** Per periodic limit, in the consent's order: its current period, what was paid in it and what is left. */
export function periodUsage(params: VrpControlParameters, anchor: Date, now: Date, usedMinorByLimit: readonly bigint[]): PeriodUsage[] {
  checkUsage(params, usedMinorByLimit);
  return usageWindows(params, anchor, now).map((window) => {
    const usedMinor = usedMinorByLimit[window.limitIndex] ?? 0n;
    const leftMinor = window.limitMinor > usedMinor ? window.limitMinor - usedMinor : 0n;
    return { ...window, limit: params.periodicLimits[window.limitIndex] as PeriodicLimit, usedMinor, leftMinor };
  });
}

function checkUsage(params: VrpControlParameters, usedMinorByLimit: readonly bigint[]): void {
  if (usedMinorByLimit.length !== params.periodicLimits.length) {
    throw new Error(`Expected ${params.periodicLimits.length} used amounts, one per periodic limit; got ${usedMinorByLimit.length}`);
  }
}

/** `1000n GBP` → `10.00 GBP`, as the partner's error message states money. */
function money(amountMinor: bigint, currency: string): string {
  return `${formatAmount(amountMinor, currency)} ${currency}`;
}

/** The UK date of an instant, `YYYY-MM-DD`. */
function ukDateOf(instant: Date): string {
  return isoDate(ukDayOf(instant));
}

/** The UK date of the last day that ends at `end` (an exclusive 00:00 boundary). */
function lastDayBefore(end: Date): string {
  return isoDate(ukDayOf(end) - 1);
}

function isoDate(dayNumber: number): string {
  const { year, month, day } = civilDateOf(dayNumber);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
