import type { EventPollRequest } from '../domain/events/event-polling.js';
import type { EventSubscriptionRequest } from '../domain/events/event-subscriptions.js';
import type { FundsConfirmationConsentRequest } from '../domain/funds-confirmations/funds-confirmation-consent.js';
import type { FundsConfirmationRequest } from '../domain/funds-confirmations/funds-confirmations.js';
import type { PaymentConsentRequest } from '../domain/payments/payment-consent.js';
import type { PaymentRequest } from '../domain/payments/payments.js';
import type { VrpConsentRequest } from '../domain/payments/vrp/vrp-consent.js';
import type { VrpFundsConfirmationRequest } from '../domain/payments/vrp/vrp-consents.js';
import type { VrpRequest } from '../domain/payments/vrp/vrp-payments.js';

/** `OBReadConsent1`: what a partner asks an account-access consent for. */
export interface AccountAccessConsentRequest {
  readonly Data: {
    readonly Permissions: readonly string[];
    readonly ExpirationDateTime?: string;
    readonly TransactionFromDateTime?: string;
    readonly TransactionToDateTime?: string;
  };
  readonly Risk: Readonly<Record<string, never>>;
}

/**
 * The shape of each request body the resource API validates, by the schema it is validated against: a route names
 * its schema, and its handler gets the body as this type once the schema passed it.
 */
export interface RequestBodies {
  readonly OBReadConsent1: AccountAccessConsentRequest;
  readonly OBWriteDomesticConsent4: PaymentConsentRequest;
  readonly OBWriteDomestic2: PaymentRequest;
  readonly OBWriteInternationalConsent5: PaymentConsentRequest;
  readonly OBWriteInternational3: PaymentRequest;
  readonly OBWriteDomesticScheduledConsent4: PaymentConsentRequest;
  readonly OBWriteDomesticScheduled2: PaymentRequest;
  readonly OBWriteDomesticStandingOrderConsent5: PaymentConsentRequest;
  readonly OBWriteDomesticStandingOrder3: PaymentRequest;
  readonly OBDomesticVRPConsentRequest: VrpConsentRequest;
  readonly OBVRPFundsConfirmationRequest: VrpFundsConfirmationRequest;
  readonly OBDomesticVRPRequest: VrpRequest;
  readonly OBFundsConfirmationConsent1: FundsConfirmationConsentRequest;
  readonly OBFundsConfirmation1: FundsConfirmationRequest;
  readonly OBEventSubscription1: { readonly Data: EventSubscriptionRequest };
  readonly OBEventSubscriptionResponse1: { readonly Data: EventSubscriptionRequest & { readonly EventSubscriptionId: string } };
  readonly OBEventPolling1: EventPollRequest;
  readonly TestClockRequest: { readonly Data: { readonly FrozenTime?: string; readonly Name?: string } };
  readonly TestClockConsentRequest: { readonly Data: { readonly ConsentId: string } };
  readonly TestClockAdvanceRequest: { readonly Data: { readonly FrozenTime: string } };
}

/** A request schema a route can declare. */
export type RequestSchema = keyof RequestBodies;
