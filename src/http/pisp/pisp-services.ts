import type { GrantRevoker } from '../../domain/consents/account-access-consent.js';
import type { PaymentConsentServices, FundsReader } from '../../domain/payments/payment-consents.js';
import type { PaymentServices } from '../../domain/payments/payments.js';
import type { VrpConsentServices } from '../../domain/payments/vrp/vrp-consents.js';
import type { ExchangeServices } from '../../domain/payments/international/exchange-quote.js';

/** What the payment-initiation endpoints call: the payment, consent and VRP consent use cases' services, and the issuer. */
export interface PispServices extends PaymentServices, PaymentConsentServices, VrpConsentServices {
  readonly issuer: string;
  readonly funds: FundsReader;
  /** Ends the grant of a deleted VRP consent, so its refresh tokens stop working. */
  readonly grants: GrantRevoker;
  /** Where international payments get their exchange rates. */
  readonly exchange: ExchangeServices;
}
