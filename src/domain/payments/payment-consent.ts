import type { ConsentStatus } from '../consents/consent-status.js';
import type { Charge } from './charges.js';
import type { PaymentAccount } from './payment-instruction.js';
import type { IdempotencyRecord } from './idempotency.js';
import type { StatusReason } from './risk-policy.js';
import type { AppStanding } from '../partners/partner-app.js';
import type { ExchangeQuote } from './international/exchange-quote.js';

/** The request of a domestic payment consent as the partner sent it; played back verbatim, compared exactly. */
export interface PaymentConsentRequest {
  readonly Data: Readonly<Record<string, unknown>> & { readonly Initiation: Readonly<Record<string, unknown>> };
  readonly Risk: Readonly<Record<string, unknown>>;
}

/**
 * The kinds of single-use payment consent: a domestic payment (made at once), a domestic scheduled payment (made on its
 * `RequestedExecutionDateTime`), a domestic standing order (payments on its schedule) and an international payment
 * (made at once, at an exchange rate). All are authorised, used (by one payment order) and stored alike.
 */
export type PaymentConsentKind = 'domestic-payment' | 'domestic-scheduled-payment' | 'domestic-standing-order' | 'international-payment';

/** The prefix of each kind's consent ids. */
export const PAYMENT_CONSENT_ID_PREFIXES: Readonly<Record<PaymentConsentKind, 'pmc' | 'psc' | 'soc'>> = {
  'domestic-payment': 'pmc',
  'domestic-scheduled-payment': 'psc',
  'domestic-standing-order': 'soc',
  'international-payment': 'pmc',
};

/**
 * A payment consent of any {@link PaymentConsentKind}: a single payment order a partner asks a customer to approve. Single
 * use (`AWAU → AUTH | RJCT`, `AUTH → COND` when the payment is made or scheduled); never revoked, its debtor never
 * changes.
 */
export interface DomesticPaymentConsent {
  /** `pmc_…` (`psc_…` scheduled), the OBIE `ConsentId` and the `openbanking_intent_id`. */
  readonly id: string;
  readonly kind: PaymentConsentKind;
  readonly clientId: string;
  readonly status: ConsentStatus;
  readonly statusReason: StatusReason | null;
  readonly request: PaymentConsentRequest;
  /** The bank's charges, fixed when the consent is created and shown to the customer. */
  readonly charges: readonly Charge[];
  /** Until when the customer may authorise it. */
  readonly authoriseBy: Date;
  /** Set once authorised: the customer, the account they pay from, the OAuth grant and when. */
  readonly customerId: string | null;
  readonly debtorAccountId: string | null;
  /** How partners see the account paid from (OBIE `Debtor`): its main identification, once authorised. */
  readonly debtor: PaymentAccount | null;
  readonly grantId: string | null;
  readonly authorisedAt: Date | null;
  readonly createdAt: Date;
  readonly statusUpdatedAt: Date;
  /**
   * An international payment consent's rate (its request is an `OBInternational3` initiation); absent on a domestic
   * payment consent.
   */
  readonly international?: { readonly quote: ExchangeQuote };
}

/** What the customer decided on the consent page. */
export interface PaymentAuthorisation {
  readonly customerId: string;
  readonly debtorAccountId: string;
  readonly grantId: string;
}

/** Persistence of payment consents; status changes are compare-and-set. */
export interface PaymentConsentStore {
  /**
   * Stores a new consent together with its idempotency record, atomically.
   * @returns false, storing nothing, when the partner already used this idempotency key for this operation.
   */
  insert(consent: DomesticPaymentConsent, idempotency: IdempotencyRecord): Promise<boolean>;
  findById(id: string): Promise<DomesticPaymentConsent | null>;
  /** The consent and the standing of its app, in one read (the hot path of every payment call). */
  findWithApp(id: string): Promise<{ consent: DomesticPaymentConsent; app: AppStanding | null } | null>;
  findByGrantId(grantId: string): Promise<DomesticPaymentConsent | null>;
  /** `AWAU → AUTH` with the customer, debtor account and grant. @returns false when it was not `AWAU`. */
  authorise(consentId: string, authorisation: PaymentAuthorisation, at: Date): Promise<boolean>;
  /**
   * Rejects every `AWAU` and `AUTH` (not yet used) payment consent of a client with `reason`.
   * @returns the grant ids of the consents it rejected.
   */
  rejectAllOfClient(clientId: string, at: Date, reason: StatusReason): Promise<string[]>;
  /** @returns false when the consent was not in one of `from` (nothing written). */
  transition(consentId: string, from: readonly ConsentStatus[], to: ConsentStatus, at: Date, reason?: StatusReason): Promise<boolean>;
}
