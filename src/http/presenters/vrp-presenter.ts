import { chargesOfPayment } from '../../domain/payments/charges.js';
import type { DomesticPayment } from '../../domain/payments/domestic-payment.js';
import type { DomesticVrpConsent } from '../../domain/payments/vrp/vrp-consent.js';
import { presentAmount } from './amount.js';

/**
 * A domestic VRP as `OBDomesticVRPResponse`: the consent's `Initiation` and `Risk` and the payment's own `Instruction`
 * played back verbatim, the account paid from, the charges taken, and when it executes and settles (not for a rejected one).
 */
export function presentVrp(payment: DomesticPayment, consent: DomesticVrpConsent, self: string) {
  const accepted = payment.status !== 'RJCT';
  const charges = accepted ? chargesOfPayment(payment.localInstrument, payment.chargesMinor, payment.currency) : [];
  return {
    Data: {
      DomesticVRPId: payment.id,
      ConsentId: payment.consentId,
      CreationDateTime: payment.createdAt.toISOString(),
      Status: payment.status,
      ...(payment.statusReason
        ? { StatusReason: [{ StatusReasonCode: payment.statusReason.code, StatusReasonDescription: payment.statusReason.description }] }
        : {}),
      StatusUpdateDateTime: payment.statusUpdatedAt.toISOString(),
      ...(accepted
        ? {
            ExpectedExecutionDateTime: payment.createdAt.toISOString(),
            ExpectedSettlementDateTime: (payment.settleAfter ?? payment.createdAt).toISOString(),
          }
        : {}),
      ...(charges.length > 0
        ? {
            Charges: charges.map((charge) => ({
              ChargeBearer: charge.bearer,
              Type: charge.type,
              Amount: presentAmount(charge.amountMinor, charge.currency),
            })),
          }
        : {}),
      Initiation: consent.request.Data.Initiation,
      Instruction: payment.instruction ?? {},
      ...(consent.debtor?.name
        ? { DebtorAccount: { SchemeName: consent.debtor.schemeName, Identification: consent.debtor.identification, Name: consent.debtor.name } }
        : {}),
    },
    Risk: consent.request.Risk,
    Links: { Self: self },
    Meta: {},
  };
}
