import type { DomesticVrpConsent } from '../../domain/payments/vrp/vrp-consent.js';
import type { VrpFundsConfirmation } from '../../domain/payments/vrp/vrp-consents.js';
import { presentAmount } from './amount.js';
import { zonedDateTime } from './consent-presenter.js';

/** OBIE caps account names at 70 characters. */
const NAME_LENGTH = 70;

/**
 * A domestic VRP consent as `OBDomesticVRPConsentResponse`: the request's members played back verbatim (date-times sent
 * without a zone are given one), and once authorised the account payments are made from (`DebtorAccount`), so the
 * partner can tell its payments apart.
 */
export function presentVrpConsent(consent: DomesticVrpConsent, self: string) {
  const { ReadRefundAccount, ControlParameters, Initiation } = consent.request.Data;
  return {
    Data: {
      ConsentId: consent.id,
      ...(ReadRefundAccount !== undefined ? { ReadRefundAccount } : {}),
      CreationDateTime: consent.createdAt.toISOString(),
      Status: consent.status,
      ...(consent.statusReason
        ? { StatusReason: [{ StatusReasonCode: consent.statusReason.code, StatusReasonDescription: consent.statusReason.description }] }
        : {}),
      StatusUpdateDateTime: consent.statusUpdatedAt.toISOString(),
      ControlParameters: withZonedDates(ControlParameters),
      Initiation,
      ...debtorAccountOf(consent),
    },
    Risk: consent.request.Risk,
    Links: { Self: self },
    Meta: {},
  };
}

/** A funds confirmation as `OBVRPFundsConfirmationResponse`. */
export function presentVrpFundsConfirmation(confirmation: VrpFundsConfirmation, self: string) {
  return {
    Data: {
      FundsConfirmationId: confirmation.id,
      ConsentId: confirmation.consentId,
      CreationDateTime: confirmation.createdAt.toISOString(),
      ...(confirmation.reference !== null ? { Reference: confirmation.reference } : {}),
      FundsAvailableResult: {
        FundsAvailableDateTime: confirmation.createdAt.toISOString(),
        FundsAvailable: confirmation.available ? 'Available' : 'NotAvailable',
      },
      InstructedAmount: presentAmount(confirmation.amountMinor, confirmation.currency),
    },
    Links: { Self: self },
    Meta: {},
  };
}

function withZonedDates(controlParameters: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const played = { ...controlParameters };
  for (const name of ['ValidFromDateTime', 'ValidToDateTime']) {
    const sent = played[name];
    if (typeof sent === 'string') played[name] = zonedDateTime(sent);
  }
  return played;
}

function debtorAccountOf(consent: DomesticVrpConsent) {
  const { debtor } = consent;
  if (!debtor?.name) return {};
  return { DebtorAccount: { SchemeName: debtor.schemeName, Identification: debtor.identification, Name: debtor.name.slice(0, NAME_LENGTH) } };
}
