import type { PaymentConsentRequest } from './payment-partner.js';

/** A German IBAN at another bank (the sandbox scheme settles it). */
export const GERMAN_PAYEE = { SchemeName: 'UK.OBIE.IBAN', Identification: 'DE89370400440532013000', Name: 'Hans Muster GmbH' };

/** A payee the sandbox scheme returns as a closed account (AC04): sort code 990399, reached through its bank's BIC. */
export const CLOSED_PAYEE = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99039911111111', Name: 'Closed Account Ltd' };

/** An international payment consent request (`OBWriteInternationalConsent5`), with `Initiation` members overridden or removed (undefined). */
export function internationalConsentRequest(initiation: Record<string, unknown> = {}, rate?: Record<string, unknown>): PaymentConsentRequest {
  const base: Record<string, unknown> = {
    InstructionIdentification: 'INTL-1',
    EndToEndIdentification: 'E2E-INTL-1',
    CurrencyOfTransfer: 'USD',
    InstructedAmount: { Amount: '100.00', Currency: 'GBP' },
    CreditorAccount: GERMAN_PAYEE,
    RemittanceInformation: { Unstructured: ['INVOICE 2041'] },
    ...(rate ? { ExchangeRateInformation: rate } : {}),
  };
  const merged = Object.fromEntries(Object.entries({ ...base, ...initiation }).filter(([, value]) => value !== undefined));
  return { Data: { Initiation: merged }, Risk: { PaymentContextCode: 'BillingGoodsAndServicesInAdvance' } };
}
