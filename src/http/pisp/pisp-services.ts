import type { AccountStore } from '../../domain/accounts/account.js';
import type { FeeSchedule } from '../../domain/payments/charges.js';
import type { PaymentStore } from '../../domain/payments/domestic-payment.js';
import type { IdempotencyStore } from '../../domain/payments/idempotency.js';
import type { PaymentConsentStore } from '../../domain/payments/payment-consent.js';
import type { FundsReader } from '../../domain/payments/payment-consents.js';
import type { RiskPolicy } from '../../domain/payments/risk-policy.js';

/** What the payment-initiation endpoints call. */
export interface PispServices {
  readonly issuer: string;
  readonly consents: PaymentConsentStore;
  readonly idempotency: IdempotencyStore;
  readonly payments: PaymentStore;
  readonly funds: FundsReader;
  readonly accounts: AccountStore;
  readonly fees: FeeSchedule;
  readonly risk: RiskPolicy;
  readonly settlementDelayMs: number;
}
