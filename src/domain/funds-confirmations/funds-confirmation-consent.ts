import type { ConsentStatus } from '../consents/consent-status.js';
import type { EventDraft } from '../events/event-notification.js';
import type { CustomerNotice } from '../mail/customer-notice.js';
import type { AppStanding } from '../partners/partner-app.js';
import type { StatusReason } from '../payments/risk-policy.js';

/** `OBFundsConfirmationConsent1` as the partner sent it (already schema-valid); played back verbatim. */
export interface FundsConfirmationConsentRequest {
  readonly Data: {
    readonly ExpirationDateTime?: string;
    readonly DebtorAccount: {
      readonly SchemeName: string;
      readonly Identification: string;
      readonly Name?: string;
      readonly SecondaryIdentification?: string;
      readonly [member: string]: unknown;
    };
  };
}

/**
 * A funds confirmation consent (CBPII): the customer lets a card issuer ask, whenever the customer pays with its card,
 * whether one account of theirs holds enough money for an amount. The answer is yes or no; no balance is ever shown
 * and nothing is reserved. `AWAU → AUTH | RJCT`; an `AUTH` consent ends `CANC` (the customer revokes it, the partner
 * deletes it, its app is deregistered) or `EXPD` (its `ExpirationDateTime` passes).
 */
export interface FundsConfirmationConsent {
  /** `fcc_…`, the OBIE `ConsentId` and the `openbanking_intent_id`. */
  readonly id: string;
  readonly clientId: string;
  readonly status: ConsentStatus;
  readonly statusReason: StatusReason | null;
  readonly request: FundsConfirmationConsentRequest;
  /** When it ends by itself (`ExpirationDateTime`); null: open-ended. */
  readonly expiresAt: Date | null;
  /** Set once authorised: the customer, the account funds are confirmed on (the one `DebtorAccount` names), the grant. */
  readonly customerId: string | null;
  readonly account: ConfirmedAccount | null;
  readonly grantId: string | null;
  readonly authorisedAt: Date | null;
  readonly createdAt: Date;
  readonly statusUpdatedAt: Date;
}

/** The account a consent confirms funds on: its id and its currency (confirmations are asked in it). */
export interface ConfirmedAccount {
  readonly id: string;
  readonly currency: string;
}

/** Persistence of funds confirmation consents; every status change is a compare-and-set. */
export interface FundsConfirmationConsentStore {
  insert(consent: FundsConfirmationConsent): Promise<void>;
  findById(id: string): Promise<FundsConfirmationConsent | null>;
  /** The consent (with its account's currency) and the standing of its app, in one read (every call with a customer token). */
  findWithApp(id: string): Promise<{ consent: FundsConfirmationConsent; app: AppStanding | null } | null>;
  findByGrantId(grantId: string): Promise<FundsConfirmationConsent | null>;
  /** `AWAU → AUTH` with the customer, the account and the grant. @returns false when it was not `AWAU`. */
  authorise(consentId: string, authorisation: { customerId: string; accountId: string; grantId: string }, at: Date): Promise<boolean>;
  /**
   * Moves the consent from one of `from` to `to`, writing `events` (to its partner) and `notices` (to its customer) in the
   * same transaction.
   * @returns false when the consent was not in one of `from` (nothing written).
   */
  transition(
    consentId: string,
    from: readonly ConsentStatus[],
    to: ConsentStatus,
    at: Date,
    reason?: StatusReason,
    events?: readonly EventDraft[],
    notices?: readonly CustomerNotice[],
  ): Promise<boolean>;
  /** Up to `limit` consents still `AWAU` or `AUTH` whose expiry has passed at `now`, the longest overdue first. */
  listDueForExpiry(now: Date, limit: number): Promise<FundsConfirmationConsent[]>;
  /**
   * Moves every `AWAU` and `AUTH` consent of a client to `CANC` with `reason` (its app is gone).
   * @returns the grant ids of the consents it moved.
   */
  cancelAllOfClient(clientId: string, at: Date, reason: StatusReason): Promise<string[]>;
}
