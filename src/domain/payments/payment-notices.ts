import { formatCustomerDate, formatMoney } from '../customer-text.js';
import { CUSTOMER_MAIL_SIGNATURE, type CustomerNotice } from '../mail/customer-notice.js';
import type { DomesticPayment } from './domestic-payment.js';
import type { StatusReason } from './risk-policy.js';
import { describeStatusReason } from './status-reason-text.js';

/** The scheme settled the payment (`ACSC`): the money has reached the payee's bank. */
export function paymentSettledNotice(payment: DomesticPayment, now: Date): CustomerNotice {
  const amount = formatMoney(payment.amountMinor, payment.currency);
  return {
    customerId: payment.customerId,
    clientId: payment.clientId,
    occurredAt: now,
    compose: ({ customerName, appName }) => ({
      subject: `Your payment of ${amount} has been made`,
      text: [
        `Dear ${customerName},`,
        '',
        `The payment of ${amount} you approved for ${appName} on ${formatCustomerDate(payment.createdAt)} has been made: it reached the payee's bank (${payeeOf(payment)}) on ${formatCustomerDate(now)}.`,
        '',
        'If you do not recognise this payment, call us at once.',
        '',
        CUSTOMER_MAIL_SIGNATURE,
      ].join('\n'),
    }),
  };
}

/** The scheme refused the payment (`RJCT`): why, in plain words, and that the money is back. */
export function paymentRejectedNotice(payment: DomesticPayment, reason: StatusReason, now: Date): CustomerNotice {
  const amount = formatMoney(payment.amountMinor, payment.currency);
  const charges = payment.chargesMinor > 0n ? ` and the charge of ${formatMoney(payment.chargesMinor, payment.currency)}` : '';
  return {
    customerId: payment.customerId,
    clientId: payment.clientId,
    occurredAt: now,
    compose: ({ customerName, appName }) => ({
      subject: `Your payment of ${amount} was not made`,
      text: [
        `Dear ${customerName},`,
        '',
        `The payment of ${amount} you approved for ${appName} on ${formatCustomerDate(payment.createdAt)} to ${payeeOf(payment)} was not made: ${describeStatusReason(reason)}.`,
        `The ${amount}${charges} went back into your account on ${formatCustomerDate(now)}.`,
        '',
        CUSTOMER_MAIL_SIGNATURE,
      ].join('\n'),
    }),
  };
}

/** The payee's account as a customer reads it: `sort code 20-00-00, account 12345678`, or the IBAN. */
function payeeOf(payment: DomesticPayment): string {
  const identification = payment.creditorIdentification;
  const sortCode = /^(\d{2})(\d{2})(\d{2})(\d{8})$/.exec(identification);
  return sortCode ? `sort code ${sortCode[1]}-${sortCode[2]}-${sortCode[3]}, account ${sortCode[4]}` : `account ${identification}`;
}
