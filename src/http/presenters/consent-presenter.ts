import type { AccountAccessConsent } from '../../domain/consents/account-access-consent.js';

/** An account-access consent as `OBReadConsentResponse1`. */
export function presentAccountAccessConsent(consent: AccountAccessConsent, self: string) {
  return {
    Data: {
      ConsentId: consent.id,
      Status: consent.status,
      ...(consent.statusReason
        ? { StatusReason: [{ StatusReasonCode: consent.statusReason.code, StatusReasonDescription: consent.statusReason.description }] }
        : {}),
      CreationDateTime: consent.createdAt.toISOString(),
      StatusUpdateDateTime: consent.statusUpdatedAt.toISOString(),
      Permissions: [...consent.permissions],
      ...dateField('ExpirationDateTime', consent.request.ExpirationDateTime, consent.expiresAt),
      ...dateField('TransactionFromDateTime', consent.request.TransactionFromDateTime, consent.transactionFromAt),
      ...dateField('TransactionToDateTime', consent.request.TransactionToDateTime, consent.transactionToAt),
    },
    Risk: {},
    Links: { Self: self },
    Meta: {},
  };
}

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A date-time the partner sent, echoed exactly as sent (OBIE: the bank never changes it) when it carries a
 * zone; one sent without a zone is returned in UTC, because responses must always carry one.
 */
function dateField(name: string, sent: string | null, parsed: Date | null): Record<string, string> {
  if (!parsed) return {};
  return { [name]: sent && HAS_ZONE.test(sent) ? sent : parsed.toISOString() };
}

/**
 * A request date-time played back in a response: as sent when it carries a zone, else read as UTC (as requests without
 * a zone are) and written with one, because responses must always carry one.
 */
export function zonedDateTime(sent: string): string {
  return HAS_ZONE.test(sent) ? sent : new Date(`${sent}Z`).toISOString();
}
