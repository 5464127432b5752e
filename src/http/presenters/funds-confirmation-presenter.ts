import type { FundsConfirmationConsent } from '../../domain/funds-confirmations/funds-confirmation-consent.js';
import type { FundsConfirmation } from '../../domain/funds-confirmations/funds-confirmations.js';
import { presentAmount } from './amount.js';
import { zonedDateTime } from './consent-presenter.js';

/**
 * A funds confirmation consent as `OBFundsConfirmationConsentResponse1`: the partner's `DebtorAccount` played back as
 * sent, and its `ExpirationDateTime` (one sent without a zone is given one).
 */
export function presentFundsConfirmationConsent(consent: FundsConfirmationConsent, self: string) {
  const { DebtorAccount, ExpirationDateTime } = consent.request.Data;
  return {
    Data: {
      ConsentId: consent.id,
      CreationDateTime: consent.createdAt.toISOString(),
      Status: consent.status,
      ...(consent.statusReason
        ? { StatusReason: [{ StatusReasonCode: consent.statusReason.code, StatusReasonDescription: consent.statusReason.description }] }
        : {}),
      StatusUpdateDateTime: consent.statusUpdatedAt.toISOString(),
      ...(ExpirationDateTime !== undefined ? { ExpirationDateTime: zonedDateTime(ExpirationDateTime) } : {}),
      DebtorAccount,
    },
    Links: { Self: self },
    Meta: {},
  };
}

/** A funds confirmation as `OBFundsConfirmationResponse1`. */
export function presentFundsConfirmation(confirmation: FundsConfirmation, self: string) {
  return {
    Data: {
      FundsConfirmationId: confirmation.id,
      ConsentId: confirmation.consentId,
      CreationDateTime: confirmation.createdAt.toISOString(),
      FundsAvailable: confirmation.available,
      Reference: confirmation.reference,
      InstructedAmount: presentAmount(confirmation.amountMinor, confirmation.currency),
    },
    Links: { Self: self },
    Meta: {},
  };
}
