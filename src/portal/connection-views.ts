import type { Account } from '../domain/accounts/account.js';
import { ConsentStatus } from '../domain/consents/consent-status.js';
import { outcomeOfPayment, paymentOutcomeOf, type Connection } from '../domain/consents/customer-connections.js';
import type { FundsConfirmation } from '../domain/funds-confirmations/funds-confirmations.js';
import type { MandateUse } from '../domain/payments/vrp/mandate-use.js';
import { accountLine } from '../web/account-labels.js';
import { formatCustomerDate, formatCustomerDateTime, formatDecimalMoney, formatMoney } from '../web/formats.js';
import { describePaymentOutcome } from '../web/payment-outcome-text.js';
import { describePermissions } from '../web/permission-text.js';
import { describeVrpMandate } from '../web/mandate-text.js';
import { lastValidDay } from '../domain/payments/vrp/vrp-consent-notices.js';
import type {
  ActiveConnectionView,
  ActiveFundsCheckView,
  ActiveMandateView,
  EndedConnectionView,
  MandateUsageView,
  UpcomingPaymentView,
} from './views/account-pages.js';
import type { UpcomingPayment } from '../domain/payments/scheduled/upcoming-payments.js';
import { IBAN_SCHEME, SORT_CODE_SCHEME } from '../domain/accounts/account.js';
import { describePayeeAccount } from '../web/payee-text.js';
import { describeFrequency } from '../web/frequency-text.js';
import { readStandingOrderSchedule, type StandingOrderSchedule } from '../domain/payments/standing-orders/standing-order-schedule.js';
import { textOf } from '../domain/text.js';

/**
 * A payment still to be made, as the connected apps page lists it (a standing order by its next payment): the payee by
 * name and account, the date, and how often it is paid — once, or a standing order's frequency and end in plain words.
 */
export function upcomingPaymentView({ payment, appName, initiation }: UpcomingPayment): UpcomingPaymentView {
  const standingOrder = payment.kind === 'standing-order';
  const creditor = (initiation?.CreditorAccount ?? {}) as { Name?: unknown };
  return {
    paymentId: payment.id,
    kind: standingOrder ? 'Standing order' : 'Scheduled payment',
    standingOrder,
    appName: appName ?? 'An app that no longer exists',
    amount: formatMoney(payment.amountMinor, payment.currency),
    payeeName: textOf(creditor.Name),
    payeeAccount: describePayeeAccount(
      /^\d{14}$/.test(payment.creditorIdentification) ? SORT_CODE_SCHEME : IBAN_SCHEME,
      payment.creditorIdentification,
    ),
    dueOn: payment.dueAt ? formatCustomerDateTime(payment.dueAt) : '',
    howOften: standingOrder ? describeStandingOrderRepeat(initiation, Number(payment.instructionIdentification)) : 'Once',
    cancelLabel: standingOrder ? 'Cancel the standing order' : 'Cancel this payment',
  };
}

/**
 * How a standing order repeats, from its next payment: `Every month on day 15, payment 2 of 12`, `Every day, until
 * 1 March 2027 at 09:00` or `Every week on Friday, until you cancel it`.
 */
function describeStandingOrderRepeat(initiation: Readonly<Record<string, unknown>> | null, paymentNumber: number): string {
  let schedule: StandingOrderSchedule;
  try {
    schedule = readStandingOrderSchedule(initiation ?? {}, null);
  } catch {
    return 'Repeats as agreed with the app';
  }
  const frequency = describeFrequency(schedule.frequency);
  const end =
    schedule.numberOfPayments !== null
      ? `payment ${paymentNumber} of ${schedule.numberOfPayments}`
      : schedule.finalAt
        ? `until ${formatCustomerDateTime(schedule.finalAt)}`
        : 'until you cancel it';
  return `${frequency.charAt(0).toUpperCase()}${frequency.slice(1)}, ${end}`;
}

/** An account-access connection in force, as the connected apps page shows it. */
export function activeConnectionView(connection: Connection, accounts: ReadonlyMap<string, Account>): ActiveConnectionView {
  return {
    consentId: connection.consentId,
    appName: connection.appName,
    partnerName: connection.partnerName,
    permissions: describePermissions(connection.permissions),
    accounts: connection.accountIds.map((id) => ({ id, label: labelOf(id, accounts) })),
    grantedOn: formatCustomerDate(connection.authorisedAt),
    expiresOn: connection.expiresAt ? formatCustomerDate(connection.expiresAt) : null,
    lastUsed: connection.lastUsedAt ? formatCustomerDateTime(connection.lastUsedAt) : null,
  };
}

/**
 * A VRP mandate in force, as the connected apps page shows it: who is paid, its limits and dates in plain words, the
 * account paid from, and what was paid under it (each limit's current period: used and left; the latest payments).
 */
export function activeMandateView(connection: Connection, accounts: ReadonlyMap<string, Account>, use: MandateUse): ActiveMandateView {
  const mandate = connection.mandate;
  if (!mandate) throw new Error(`connection ${connection.consentId} is not a VRP mandate`);
  const words = describeVrpMandate(mandate.request, mandate.createdAt);
  return {
    consentId: connection.consentId,
    appName: connection.appName,
    partnerName: connection.partnerName,
    sweeping: words.sweeping,
    payeeName: words.payeeName,
    payeeAccount: words.payeeAccount,
    reference: words.reference,
    limits: words.limits,
    fromAccounts: connection.accountIds.map((id) => labelOf(id, accounts)),
    grantedOn: formatCustomerDate(connection.authorisedAt),
    lastUsed: connection.lastUsedAt ? formatCustomerDateTime(connection.lastUsedAt) : null,
    usage: mandateUsageView(use),
  };
}

/** A mandate's use in plain words: `£40.00 of £100.00 used this week (7 to 13 June 2026); £60.00 left`, then its payments. */
function mandateUsageView(use: MandateUse): MandateUsageView {
  return {
    periods: use.periods.map(
      (period) =>
        `${formatMoney(period.usedMinor, period.limit.currency)} of ${formatMoney(period.limitMinor, period.limit.currency)} used ` +
        `from ${formatCustomerDate(period.start)} to ${formatCustomerDate(lastValidDay(period.end))}; ` +
        `${formatMoney(period.leftMinor, period.limit.currency)} left`,
    ),
    payments: use.payments.map((payment) => ({
      date: formatCustomerDateTime(payment.createdAt),
      amount: formatMoney(payment.amountMinor, payment.currency),
      outcome: describePaymentOutcome(outcomeOfPayment(payment)),
    })),
  };
}

/** Funds checks in force, as the connected apps page shows them: which account, since and until when, last used. */
export function activeFundsCheckView(
  connection: Connection,
  accounts: ReadonlyMap<string, Account>,
  checks: { readonly recent: readonly FundsConfirmation[]; readonly total: number },
): ActiveFundsCheckView {
  return {
    consentId: connection.consentId,
    appName: connection.appName,
    partnerName: connection.partnerName,
    accounts: connection.accountIds.map((id) => labelOf(id, accounts)),
    grantedOn: formatCustomerDate(connection.authorisedAt),
    expiresOn: connection.expiresAt ? formatCustomerDate(connection.expiresAt) : null,
    lastUsed: connection.lastUsedAt ? formatCustomerDateTime(connection.lastUsedAt) : null,
    checks: {
      recent: checks.recent.map((check) => ({
        date: formatCustomerDateTime(check.createdAt),
        amount: formatMoney(check.amountMinor, check.currency),
        answer: check.available ? 'Yes: enough money' : 'No: not enough money',
        reference: check.reference,
      })),
      total: checks.total,
    },
  };
}

/** A connection that has ended, or a payment the customer approved (with what became of it), for the history. */
export function endedConnectionView(connection: Connection, accounts: ReadonlyMap<string, Account>): EndedConnectionView {
  const grantedOn = formatCustomerDate(connection.authorisedAt);
  if (connection.mandate) return endedMandateView(connection, grantedOn);
  if (connection.payment) {
    const { amount, currency, payee, standingOrderPaid } = connection.payment;
    const from = connection.accountIds.map((id) => labelOf(id, accounts)).join(', ');
    const money = formatDecimalMoney(amount, currency);
    return {
      appName: connection.appName,
      what: `${standingOrderPaid === null ? `A payment of ${money} to ${payee}` : `A standing order to ${payee} (first payment ${money})`}${from ? ` from ${from}` : ''}`,
      outcome: describePaymentOutcome(paymentOutcomeOf(connection)),
      grantedOn,
    };
  }
  const outcome = endedOutcome(connection);
  if (connection.kind === 'funds-confirmation') {
    const checked = connection.accountIds.map((id) => labelOf(id, accounts)).join(', ');
    return { appName: connection.appName, what: `Checks that ${checked} has enough money for a payment`, outcome, grantedOn };
  }
  return {
    appName: connection.appName,
    what: `Access to ${connection.accountIds.length === 1 ? 'one account' : `${connection.accountIds.length} accounts`}`,
    outcome,
    grantedOn,
  };
}

/** When and how a connection other than a payment or a mandate ended. */
function endedOutcome(connection: Connection): string {
  return connection.status === ConsentStatus.Revoked
    ? `Revoked on ${formatCustomerDate(connection.statusUpdatedAt)}`
    : connection.status === ConsentStatus.Expired
      ? `Ended on ${formatCustomerDate(connection.expiresAt ?? connection.statusUpdatedAt)}`
      : `Ended on ${formatCustomerDate(connection.statusUpdatedAt)}`;
}

/** A VRP mandate that ended: who ended it, and when. */
function endedMandateView(connection: Connection, grantedOn: string): EndedConnectionView {
  const mandate = connection.mandate;
  if (!mandate) throw new Error(`connection ${connection.consentId} is not a VRP mandate`);
  const words = describeVrpMandate(mandate.request, mandate.createdAt);
  const endedOn = formatCustomerDate(connection.statusUpdatedAt);
  let outcome = `Ended on ${endedOn}`;
  if (mandate.deletedAt) outcome = `Cancelled by ${connection.appName} on ${formatCustomerDate(mandate.deletedAt)}`;
  else if (connection.status === ConsentStatus.Revoked) outcome = `Cancelled on ${endedOn}`;
  else if (connection.status === ConsentStatus.Expired)
    outcome = `Ended on ${formatCustomerDate(connection.expiresAt ? lastValidDay(connection.expiresAt) : connection.statusUpdatedAt)}`;
  return {
    appName: connection.appName,
    what: `Payments to ${words.sweeping ? 'your own account' : words.payeeName} (${(words.limits[0] ?? '').replace(/^Up/, 'up')})`,
    outcome,
    grantedOn,
  };
}

function labelOf(accountId: string, accounts: ReadonlyMap<string, Account>): string {
  const account = accounts.get(accountId);
  return account ? accountLine(account) : 'An account that is closed';
}
