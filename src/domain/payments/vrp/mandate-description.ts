import { formatCustomerDate, formatMoney } from '../../customer-text.js';
import type { PeriodicLimit, VrpControlParameters } from './control-parameters.js';
import { currentPeriod } from './periods.js';

/**
 * A VRP consent's control parameters in plain words, one line each, for the customer's consent page and the
 * connected-apps page: the largest payment, each periodic limit (with the pro-rated first calendar period when
 * there is one), then the validity. `anchor` is the consent's `periodAnchor`, the day Consent-aligned periods count
 * from. Example: `Up to £50.00 per payment`, `Up to £100.00 per week, counted from 5 June 2024`,
 * `Up to £300.00 per calendar month (£260.00 until 30 June 2024)`, `From 5 June 2024 to 31 December 2024`.
 */
export function describeMandate(params: VrpControlParameters, anchor: Date): string[] {
  const { amountMinor, currency } = params.maximumIndividualAmount;
  return [
    `Up to ${formatMoney(amountMinor, currency)} per payment`,
    ...params.periodicLimits.map((limit) => describeLimit(limit, anchor)),
    describeValidity(params),
  ];
}

const CONSENT_PERIODS: Readonly<Record<PeriodicLimit['periodType'], string>> = {
  Day: 'per day',
  Week: 'per week',
  Fortnight: 'per fortnight',
  Month: 'per month',
  'Half-year': 'per 6 months',
  Year: 'per year',
};

const CALENDAR_PERIODS: Readonly<Record<PeriodicLimit['periodType'], string>> = {
  Day: 'per day',
  Week: 'per calendar week (Monday to Sunday)',
  Fortnight: 'per fortnight',
  Month: 'per calendar month',
  'Half-year': 'per half-year (January to June, July to December)',
  Year: 'per calendar year',
};

function describeLimit(limit: PeriodicLimit, anchor: Date): string {
  const amount = formatMoney(limit.amountMinor, limit.currency);
  // A day is a calendar day under either alignment: nothing to count from.
  if (limit.alignment === 'Consent' || limit.periodType === 'Day') {
    const counted = limit.periodType === 'Day' ? '' : `, counted from ${formatCustomerDate(anchor)}`;
    return `Up to ${amount} ${CONSENT_PERIODS[limit.periodType]}${counted}`;
  }
  const first = currentPeriod(limit, anchor, anchor);
  if (first.limitMinor === limit.amountMinor) return `Up to ${amount} ${CALENDAR_PERIODS[limit.periodType]}`;
  const lastDay = formatCustomerDate(new Date(first.end.getTime() - 1));
  return `Up to ${amount} ${CALENDAR_PERIODS[limit.periodType]} (${formatMoney(first.limitMinor, limit.currency)} until ${lastDay})`;
}

function describeValidity(params: VrpControlParameters): string {
  const lastDay = params.validTo ? formatCustomerDate(new Date(params.validTo.getTime() - 1)) : null;
  if (params.validFrom) return `From ${formatCustomerDate(params.validFrom)} ${lastDay ? `to ${lastDay}` : 'until you cancel it'}`;
  return lastDay ? `Until ${lastDay}` : 'Until you cancel it';
}
