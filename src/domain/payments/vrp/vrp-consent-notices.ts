import { noticeTo } from '../../consents/consent-notices.js';
import { formatCustomerDate } from '../../customer-text.js';
import type { CustomerNotice } from '../../mail/customer-notice.js';
import type { DomesticVrpConsent } from './vrp-consent.js';

/** The last day a mandate with this end was valid (its `validTo` is the first instant it no longer is). */
export function lastValidDay(validTo: Date): Date {
  return new Date(validTo.getTime() - 1);
}

/** The customer cancelled a payment mandate from their connected apps: confirmation that it ended. */
export function mandateCancelledNotices(consent: DomesticVrpConsent, now: Date): CustomerNotice[] {
  const given = consent.authorisedAt ? ` on ${formatCustomerDate(consent.authorisedAt)}` : '';
  return noticeTo(consent, now, (appName) => ({
    subject: `${appName} can no longer make payments from your account`,
    lines: [
      `As you asked on ${formatCustomerDate(now)}, the payment mandate you gave ${appName}${given} is cancelled: ${appName} can make no more payments from your account.`,
      'Payments it made before stay made. To let it make payments again, start from the app.',
    ],
  }));
}

/** A payment mandate the customer gave reached the end they agreed to (`EXPD`). */
export function mandateExpiredNotices(consent: DomesticVrpConsent, now: Date): CustomerNotice[] {
  const given = consent.authorisedAt ? ` on ${formatCustomerDate(consent.authorisedAt)}` : '';
  const end = consent.validTo ? lastValidDay(consent.validTo) : now;
  return noticeTo(consent, now, (appName) => ({
    subject: `Your payment mandate for ${appName} has ended`,
    lines: [
      `The payment mandate you gave ${appName}${given} was valid until ${formatCustomerDate(end)}, as agreed when you gave it.`,
      `${appName} can make no more payments from your account under it. To set up a new one, start from the app.`,
    ],
  }));
}
