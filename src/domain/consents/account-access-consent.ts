import type { EventDraft } from '../events/event-notification.js';
import type { CustomerNotice } from '../mail/customer-notice.js';
import type { AccountPermission } from './permissions.js';
import type { AppStanding } from '../partners/partner-app.js';
import type { ConsentStatus } from './consent-status.js';

/** An account-access consent: what a partner may read, once a customer authorises it. */
export interface AccountAccessConsent {
  /** `aac_…`, the OBIE `ConsentId` and the `openbanking_intent_id`. */
  readonly id: string;
  readonly clientId: string;
  readonly status: ConsentStatus;
  readonly statusReason: { readonly code: string; readonly description: string } | null;
  readonly permissions: readonly AccountPermission[];
  readonly expiresAt: Date | null;
  readonly transactionFromAt: Date | null;
  readonly transactionToAt: Date | null;
  /** Set once authorised: the customer, the OAuth grant backing its tokens, and when. */
  readonly customerId: string | null;
  readonly grantId: string | null;
  readonly authorisedAt: Date | null;
  readonly createdAt: Date;
  readonly statusUpdatedAt: Date;
  /** The date-times exactly as the partner sent them; echoed back verbatim (OBIE: never change them). */
  readonly request: {
    readonly ExpirationDateTime: string | null;
    readonly TransactionFromDateTime: string | null;
    readonly TransactionToDateTime: string | null;
  };
}

/** What a partner asks for when it creates an account-access consent. */
export interface AccountAccessConsentRequest {
  readonly permissions: readonly string[];
  readonly expirationDateTime: string | null;
  readonly transactionFromDateTime: string | null;
  readonly transactionToDateTime: string | null;
}

/** What a customer decided on the consent page. */
export interface ConsentAuthorisation {
  readonly customerId: string;
  readonly accountIds: readonly string[];
  readonly grantId: string;
}

/** A consent with the ids of the accounts it shares (sorted) and the standing of its app (null: the app is gone), read together. */
export interface ConsentWithAccounts {
  readonly consent: AccountAccessConsent;
  readonly accountIds: string[];
  readonly app: AppStanding | null;
}

/** Persistence of consents, implemented by persistence. Status changes are conditional (compare-and-set). */
export interface ConsentStore {
  insert(consent: AccountAccessConsent): Promise<void>;
  findById(id: string): Promise<AccountAccessConsent | null>;
  findByGrantId(grantId: string): Promise<AccountAccessConsent | null>;
  /**
   * The consent with the ids of its shared accounts and the standing of its app, in one read (the hot path of every
   * API call with a customer token).
   */
  findWithAccountIds(id: string): Promise<ConsentWithAccounts | null>;
  /**
   * Atomically moves the consent to `AUTH` and records the customer, grant and accounts — from `AWAU`, or from
   * `CANC` when the same customer had authorised it (one conditional write: a concurrent DELETE or another
   * customer cannot slip in between the check and the write).
   * @returns false when the consent was in neither situation (nothing written).
   */
  authorise(consentId: string, authorisation: ConsentAuthorisation, at: Date): Promise<boolean>;
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
    reason?: { code: string; description: string },
    events?: readonly EventDraft[],
    notices?: readonly CustomerNotice[],
  ): Promise<boolean>;
  /**
   * Stops sharing one account under an `AUTH` consent of this customer, if at least one other account stays shared
   * (one atomic step: concurrent removals cannot empty the consent), writing `events` in the same transaction.
   * @returns false when those conditions did not hold (nothing written).
   */
  removeSharedAccount(consentId: string, customerId: string, accountId: string, events: readonly EventDraft[], at: Date): Promise<boolean>;
  /** Up to `limit` consents still `AWAU` or `AUTH` whose expiry has passed at `now`, the longest overdue first. */
  listDueForExpiry(now: Date, limit: number): Promise<AccountAccessConsent[]>;
  /**
   * Moves every `AWAU` and `AUTH` consent of a client to `CANC` with `reason`.
   * @returns the grant ids of the consents it moved.
   */
  cancelAllOfClient(clientId: string, at: Date, reason: { code: string; description: string }): Promise<string[]>;
}

/** Ends the OAuth grant behind a consent so that its refresh tokens and codes stop working. */
export interface GrantRevoker {
  revokeGrant(grantId: string): Promise<void>;
}
