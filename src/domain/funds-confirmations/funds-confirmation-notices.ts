import { noticeTo } from '../consents/consent-notices.js';
import { formatCustomerDate } from '../customer-text.js';
import type { CustomerNotice } from '../mail/customer-notice.js';
import type { FundsConfirmationConsent } from './funds-confirmation-consent.js';

/** The customer revoked an app's funds checks from their connected apps: confirmation that they ended. */
export function fundsChecksRevokedNotices(consent: FundsConfirmationConsent, now: Date): CustomerNotice[] {
  return noticeTo(consent, now, (appName) => ({
    subject: `${appName} can no longer check your account for funds`,
    lines: [
      `As you asked on ${formatCustomerDate(now)}, ${appName} can no longer ask whether your account has enough money for a payment: this ended at once.`,
      `To let ${appName} check again, start from the app.`,
    ],
  }));
}

/** The funds checks the customer allowed reached the end they agreed to (`EXPD`). */
export function fundsChecksExpiredNotices(consent: FundsConfirmationConsent, now: Date): CustomerNotice[] {
  const given = consent.authorisedAt ? ` on ${formatCustomerDate(consent.authorisedAt)}` : '';
  return noticeTo(consent, now, (appName) => ({
    subject: `${appName} can no longer check your account for funds`,
    lines: [
      `The permission you gave ${appName}${given} to check whether your account has enough money for a payment ended on ${formatCustomerDate(consent.expiresAt ?? now)}, as agreed when you gave it.`,
      `To let ${appName} check again, start from the app.`,
    ],
  }));
}
