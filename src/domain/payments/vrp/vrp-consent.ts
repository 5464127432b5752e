import type { ConsentStatus } from '../../consents/consent-status.js';
import type { EventDraft } from '../../events/event-notification.js';
import type { CustomerNotice } from '../../mail/customer-notice.js';
import type { AppStanding } from '../../partners/partner-app.js';
import type { IdempotencyRecord } from '../idempotency.js';
import type { PaymentAuthorisation } from '../payment-consent.js';
import type { PaymentAccount } from '../payment-instruction.js';
import type { StatusReason } from '../risk-policy.js';

/** The request of a domestic VRP consent (`OBDomesticVRPConsentRequest`) as the partner sent it; played back verbatim. */
export interface VrpConsentRequest {
  readonly Data: Readonly<Record<string, unknown>> & {
    readonly ControlParameters: Readonly<Record<string, unknown>>;
    readonly Initiation: Readonly<Record<string, unknown>>;
  };
  readonly Risk: Readonly<Record<string, unknown>>;
}

/**
 * A domestic variable recurring payment consent (a VRP mandate): the customer lets a partner make payments from one
 * account, without asking each time, within the limits of its control parameters. `AWAU → AUTH | RJCT`; an `AUTH`
 * consent ends as `CANC` (the customer cancels it, the partner deletes it, its app is deregistered) or `EXPD` (its
 * `ValidToDateTime` passes). There is no `COND`: it is not used up by a payment.
 */
export interface DomesticVrpConsent {
  /** `vrc_…`, the OBIE `ConsentId` and the `openbanking_intent_id`. */
  readonly id: string;
  readonly clientId: string;
  readonly status: ConsentStatus;
  readonly statusReason: StatusReason | null;
  readonly request: VrpConsentRequest;
  /** The first instant payments may be made (the day of `ValidFromDateTime`, UK time); null: from its authorisation. */
  readonly validFrom: Date | null;
  /** The first instant it is no longer valid (the day after `ValidToDateTime`, UK time); null: until it is cancelled. */
  readonly validTo: Date | null;
  /** Set once authorised: the customer, the account payments are made from, the OAuth grant and when. */
  readonly customerId: string | null;
  readonly debtorAccountId: string | null;
  /** How partners see the account paid from (OBIE `DebtorAccount`): its main identification, once authorised. */
  readonly debtor: PaymentAccount | null;
  readonly grantId: string | null;
  readonly authorisedAt: Date | null;
  readonly createdAt: Date;
  readonly statusUpdatedAt: Date;
  /**
   * When the partner deleted it (`DELETE /domestic-vrp-consents/{ConsentId}`); null while it has not. A deleted
   * consent no longer exists for the API (the OB conformance suite expects `GET` to answer 400), though the customer
   * still sees it in their history.
   */
  readonly deletedAt: Date | null;
}

/** Persistence of VRP consents; every status change is a compare-and-set. */
export interface VrpConsentStore {
  /**
   * Stores a new consent together with its idempotency record, atomically.
   * @returns false, storing nothing, when the partner already used this idempotency key for this operation.
   */
  insert(consent: DomesticVrpConsent, idempotency: IdempotencyRecord): Promise<boolean>;
  findById(id: string): Promise<DomesticVrpConsent | null>;
  /** The consent and the standing of its app, in one read (every call with a customer token). */
  findWithApp(id: string): Promise<{ consent: DomesticVrpConsent; app: AppStanding | null } | null>;
  findByGrantId(grantId: string): Promise<DomesticVrpConsent | null>;
  /** `AWAU → AUTH` with the customer, the account paid from and the grant. @returns false when it was not `AWAU`. */
  authorise(consentId: string, authorisation: PaymentAuthorisation, at: Date): Promise<boolean>;
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
  /**
   * Records that the partner deleted the consent: `deletedAt`, and `CANC` (no reason: the partner knows why) if it was
   * `AWAU` or `AUTH`, in one transaction.
   * @returns false when it was deleted already (nothing written).
   */
  markDeleted(consentId: string, at: Date): Promise<boolean>;
  /** Up to `limit` consents still `AWAU` or `AUTH` whose `validTo` has passed at `now`, the longest overdue first. */
  listDueForExpiry(now: Date, limit: number): Promise<DomesticVrpConsent[]>;
  /**
   * Moves every `AWAU` and `AUTH` consent of a client to `CANC` with `reason` (its app is gone).
   * @returns the grant ids of the consents it moved.
   */
  cancelAllOfClient(clientId: string, at: Date, reason: StatusReason): Promise<string[]>;
}
