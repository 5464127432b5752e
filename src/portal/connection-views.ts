import type { Account } from '../domain/accounts/account.js';
import { ConsentStatus } from '../domain/consents/consent-status.js';
import { paymentOutcomeOf, type Connection } from '../domain/consents/customer-connections.js';
import { accountLine } from '../web/account-labels.js';
import { formatCustomerDate, formatCustomerDateTime, formatDecimalMoney } from '../web/formats.js';
import { describePaymentOutcome } from '../web/payment-outcome-text.js';
import { describePermissions } from '../web/permission-text.js';
import type { ActiveConnectionView, EndedConnectionView } from './views/account-pages.js';

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

/** A connection that has ended, or a payment the customer approved (with what became of it), for the history. */
export function endedConnectionView(connection: Connection, accounts: ReadonlyMap<string, Account>): EndedConnectionView {
  const grantedOn = formatCustomerDate(connection.authorisedAt);
  if (connection.payment) {
    const { amount, currency, payee } = connection.payment;
    const from = connection.accountIds.map((id) => labelOf(id, accounts)).join(', ');
    return {
      appName: connection.appName,
      what: `A payment of ${formatDecimalMoney(amount, currency)} to ${payee}${from ? ` from ${from}` : ''}`,
      outcome: describePaymentOutcome(paymentOutcomeOf(connection)),
      grantedOn,
    };
  }
  const outcome =
    connection.status === ConsentStatus.Revoked
      ? `Revoked on ${formatCustomerDate(connection.statusUpdatedAt)}`
      : connection.status === ConsentStatus.Expired
        ? `Ended on ${formatCustomerDate(connection.expiresAt ?? connection.statusUpdatedAt)}`
        : `Ended on ${formatCustomerDate(connection.statusUpdatedAt)}`;
  return {
    appName: connection.appName,
    what: `Access to ${connection.accountIds.length === 1 ? 'one account' : `${connection.accountIds.length} accounts`}`,
    outcome,
    grantedOn,
  };
}

function labelOf(accountId: string, accounts: ReadonlyMap<string, Account>): string {
  const account = accounts.get(accountId);
  return account ? accountLine(account) : 'An account that is closed';
}
