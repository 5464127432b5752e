import type { DomesticPayment } from '../../domain/payments/domestic-payment.js';
import { exchangeRateNumber, type ExchangeRate } from '../../domain/fx/exchange-rate.js';
import { expectedSettlement, nextCutOff } from '../../domain/payments/international/cut-off.js';
import type { ExchangeQuote } from '../../domain/payments/international/exchange-quote.js';
import type { DomesticPaymentConsent } from '../../domain/payments/payment-consent.js';
import { presentPayment, presentPaymentConsent } from './payment-presenter.js';

/**
 * An international payment consent as `OBWriteInternationalConsentResponse6`: what a domestic consent shows, with the
 * cut-off of the day it was made and the rate quoted or agreed (`ExchangeRateInformation`).
 */
export function presentInternationalPaymentConsent(consent: DomesticPaymentConsent, self: string) {
  const base = presentPaymentConsent(consent, self);
  const quote = consent.international?.quote;
  return {
    ...base,
    Data: {
      ...base.Data,
      CutOffDateTime: nextCutOff(consent.createdAt).toISOString(),
      ...(quote ? { ExchangeRateInformation: exchangeRateInformation(quote, quote.rate) } : {}),
    },
  };
}

/**
 * An international payment as `OBWriteInternationalResponse5`: what a domestic payment shows, under
 * `InternationalPaymentId`, with the rate applied and, for a payment through the scheme, the settlement expected by the
 * cut-off (a payee at this bank is settled at once).
 */
export function presentInternationalPayment(payment: DomesticPayment, consent: DomesticPaymentConsent, self: string) {
  const data = presentPayment(payment, consent, self).Data;
  const quote = consent.international?.quote;
  return {
    Data: {
      ...data,
      ...(payment.status === 'RJCT' || payment.route === 'internal'
        ? {}
        : { ExpectedSettlementDateTime: expectedSettlement(payment.createdAt, payment.settleAfter).toISOString() }),
      ...(quote && payment.conversion ? { ExchangeRateInformation: exchangeRateInformation(quote, payment.conversion.rate) } : {}),
    },
    Links: { Self: self },
    Meta: {},
  };
}

function exchangeRateInformation(quote: ExchangeQuote, rate: ExchangeRate) {
  return {
    UnitCurrency: rate.unitCurrency,
    ExchangeRate: exchangeRateNumber(rate),
    RateType: quote.rateType,
    ...(quote.contractIdentification ? { ContractIdentification: quote.contractIdentification } : {}),
    ...(quote.expiresAt ? { ExpirationDateTime: quote.expiresAt.toISOString() } : {}),
  };
}
