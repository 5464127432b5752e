import { formatCustomerDate } from '../customer-text.js';
import { CUSTOMER_MAIL_SIGNATURE, type CustomerNotice } from '../mail/customer-notice.js';
import type { AccountAccessConsent } from './account-access-consent.js';

/** The customer revoked an app's access from their connected apps: confirmation that it ended. */
export function accessRevokedNotices(consent: AccountAccessConsent, now: Date): CustomerNotice[] {
  return noticeTo(consent, now, (appName) => ({
    subject: `${appName} can no longer see your accounts`,
    lines: [
      `As you asked on ${formatCustomerDate(now)}, ${appName} can no longer see your accounts: its access ended at once.`,
      `To share your accounts with ${appName} again, start from the app.`,
    ],
  }));
}

/** The access the customer gave an app reached the end they agreed to (`EXPD`). */
export function accessExpiredNotices(consent: AccountAccessConsent, now: Date): CustomerNotice[] {
  const given = consent.authorisedAt ? ` on ${formatCustomerDate(consent.authorisedAt)}` : '';
  return noticeTo(consent, now, (appName) => ({
    subject: `${appName}'s access to your accounts has ended`,
    lines: [
      `The access to your accounts you gave ${appName}${given} ended on ${formatCustomerDate(consent.expiresAt ?? now)}, as agreed when you gave it.`,
      `${appName} can no longer see your accounts. To share them again, start from the app.`,
    ],
  }));
}

/** A notice to the customer who granted a consent of any kind (none for a consent no customer granted). */
export function noticeTo(
  consent: { readonly customerId: string | null; readonly clientId: string },
  now: Date,
  words: (appName: string) => { subject: string; lines: string[] },
): CustomerNotice[] {
  const { customerId } = consent;
  if (!customerId) return [];
  return [
    {
      customerId,
      clientId: consent.clientId,
      occurredAt: now,
      compose: ({ customerName, appName }) => {
        const { subject, lines } = words(appName);
        return { subject, text: [`Dear ${customerName},`, '', ...lines, '', CUSTOMER_MAIL_SIGNATURE].join('\n') };
      },
    },
  ];
}
