import type { PaymentConsentServices, FundsReader } from '../../domain/payments/payment-consents.js';
import type { PaymentServices } from '../../domain/payments/payments.js';

/** What the payment-initiation endpoints call: the payment and consent use cases' services, and the issuer. */
export interface PispServices extends PaymentServices, PaymentConsentServices {
  readonly issuer: string;
  readonly funds: FundsReader;
}
