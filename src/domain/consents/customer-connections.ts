import { linkedAccountRemovedEvents } from '../events/consent-events.js';
import { ActionNotAllowed, ConcurrentChange, InvalidConsentStatus, InvalidField, ResourceNotFound } from '../errors.js';
import type { ConsentStore } from './account-access-consent.js';
import { ConsentStatus } from './consent-status.js';
import { PaymentStatus, type DomesticPayment } from '../payments/domestic-payment.js';
import type { StatusReason } from '../payments/risk-policy.js';
import type { MandateTerms } from '../payments/vrp/mandate-use.js';
import type { VrpConsentRequest } from '../payments/vrp/vrp-consent.js';

/** One consent a customer authorised, as their "connected apps" page shows it. */
export interface Connection {
  readonly consentId: string;
  readonly kind: 'account-access' | 'domestic-payment' | 'domestic-vrp' | 'funds-confirmation';
  readonly appName: string;
  readonly partnerName: string;
  readonly status: ConsentStatus;
  /** Account-access permission codes (empty for payments). */
  readonly permissions: readonly string[];
  /** The accounts shared (account access), paid from (payment, VRP mandate) or checked for funds (funds confirmation). */
  readonly accountIds: readonly string[];
  readonly authorisedAt: Date;
  /** When account access, a VRP mandate or funds checks end by themselves; null when open-ended, and for payments. */
  readonly expiresAt: Date | null;
  /** The partner's last API call under this consent. */
  readonly lastUsedAt: Date | null;
  readonly statusUpdatedAt: Date;
  /** For payments: what was paid to whom, as the partner asked it, and the payment made with the consent, if any. */
  readonly payment: ConnectionPayment | null;
  /** For VRP mandates: what the partner may pay, and whether it was the partner that ended it. */
  readonly mandate: ConnectionMandate | null;
}

/** A VRP mandate as the customer's connected apps show it. */
export interface ConnectionMandate {
  /** The partner's request, as validated when the consent was created. */
  readonly request: VrpConsentRequest;
  readonly createdAt: Date;
  /** When the partner deleted it; null when it did not. */
  readonly deletedAt: Date | null;
}

/** A payment consent as the customer's history shows it. */
export interface ConnectionPayment {
  readonly amount: string;
  readonly currency: string;
  readonly payee: string;
  /**
   * The payment made with the consent: its status now and, when rejected, why; null while none was made. For a standing
   * order, its latest payment (pending while it is in force, cancelled when the customer cancelled it).
   */
  readonly made: { readonly status: PaymentStatus; readonly reason: StatusReason | null; readonly statusUpdatedAt: Date } | null;
  /** A standing order's: how many of its payments were paid; null for a consent of one payment. */
  readonly standingOrderPaid: number | null;
}

/**
 * What became of a payment the customer approved, from the payment itself (never from the consent alone): `paid`
 * (ACSC), `pending` (ACSP: the receiving bank has not confirmed it), `scheduled` (PDNG: to be paid on its date),
 * `cancelled` (CANC: cancelled before its date), `rejected` (RJCT, with its reason), `approved` (authorised, no
 * payment made yet) or `not-paid` (the consent ended without a payment).
 */
export type PaymentOutcome =
  | { readonly kind: 'paid'; readonly at: Date }
  | { readonly kind: 'pending' }
  | { readonly kind: 'scheduled' }
  | { readonly kind: 'cancelled'; readonly at: Date }
  | { readonly kind: 'rejected'; readonly reason: StatusReason | null }
  | { readonly kind: 'approved' }
  | { readonly kind: 'not-paid' }
  | StandingOrderOutcome;

/**
 * What became of a standing order the customer approved, from its latest payment: in force (one pending), cancelled
 * by the customer (its pending one `CANC`), or ended (its schedule ran out); with how many of its payments were paid.
 */
export interface StandingOrderOutcome {
  readonly kind: 'standing-order';
  readonly state: 'in-force' | 'cancelled' | 'ended';
  readonly paid: number;
  readonly at: Date;
}

/** The outcome of a payment connection (see {@link PaymentOutcome}). */
export function paymentOutcomeOf(connection: Connection): PaymentOutcome {
  const made = connection.payment?.made;
  const paid = connection.payment?.standingOrderPaid ?? null;
  if (made && paid !== null) {
    const state = made.status === PaymentStatus.Pending ? 'in-force' : made.status === PaymentStatus.Cancelled ? 'cancelled' : 'ended';
    return { kind: 'standing-order', state, paid, at: made.statusUpdatedAt };
  }
  if (made) return outcomeOfPayment({ status: made.status, statusUpdatedAt: made.statusUpdatedAt, statusReason: made.reason });
  return connection.status === ConsentStatus.Authorised ? { kind: 'approved' } : { kind: 'not-paid' };
}

/**
 * The outcome of a payment made: paid (`ACSC`), on its way (`ACSP`), scheduled (`PDNG`), cancelled before its date
 * (`CANC`), or not paid and why (`RJCT`).
 */
export function outcomeOfPayment(payment: Pick<DomesticPayment, 'status' | 'statusUpdatedAt' | 'statusReason'>): PaymentOutcome {
  if (payment.status === PaymentStatus.SettlementCompleted) return { kind: 'paid', at: payment.statusUpdatedAt };
  if (payment.status === PaymentStatus.SettlementInProcess) return { kind: 'pending' };
  if (payment.status === PaymentStatus.Pending) return { kind: 'scheduled' };
  if (payment.status === PaymentStatus.Cancelled) return { kind: 'cancelled', at: payment.statusUpdatedAt };
  return { kind: 'rejected', reason: payment.statusReason };
}

/** The terms a VRP mandate connection's use is counted by. @throws Error for a connection that is not a mandate. */
export function mandateTermsOf(connection: Connection): MandateTerms {
  if (!connection.mandate) throw new Error(`connection ${connection.consentId} is not a VRP mandate`);
  return { id: connection.consentId, request: connection.mandate.request, createdAt: connection.mandate.createdAt };
}

/** The read model behind the customer's connected apps. */
export interface ConnectionStore {
  /** Every consent the customer authorised (any status), of every kind. */
  listByCustomer(customerId: string): Promise<Connection[]>;
}

/** A customer's connections: those still giving access, the payment mandates and funds checks in force, and the history. */
export interface CustomerConnections {
  /** Account access still in force (`AUTH`, not expired), newest first. */
  readonly active: readonly Connection[];
  /** VRP mandates still in force (`AUTH`, not past their end), newest first. */
  readonly mandates: readonly Connection[];
  /** Funds checks (confirmation of funds) still in force (`AUTH`, not expired), newest first. */
  readonly fundsChecks: readonly Connection[];
  /** Everything else the customer authorised (revoked, expired, payments made, mandates and funds checks ended), newest first. */
  readonly ended: readonly Connection[];
}

/** The customer's connections at `now`; an `AUTH` consent whose expiry has passed counts as `EXPD`. */
export async function listCustomerConnections(store: ConnectionStore, customerId: string, now: Date): Promise<CustomerConnections> {
  const connections = (await store.listByCustomer(customerId))
    .map((connection) => (isExpired(connection, now) ? { ...connection, status: ConsentStatus.Expired } : connection))
    .sort((a, b) => b.authorisedAt.getTime() - a.authorisedAt.getTime());
  const inForce = (kind: Connection['kind']) => (connection: Connection) =>
    connection.kind === kind && connection.status === ConsentStatus.Authorised;
  const isActive = inForce('account-access');
  const isMandate = inForce('domestic-vrp');
  const isFundsCheck = inForce('funds-confirmation');
  return {
    active: connections.filter(isActive),
    mandates: connections.filter(isMandate),
    fundsChecks: connections.filter(isFundsCheck),
    ended: connections.filter((connection) => !isActive(connection) && !isMandate(connection) && !isFundsCheck(connection)),
  };
}

/**
 * The customer stops sharing one account under an account-access consent; the other accounts keep working and the
 * partner's very next call for this account is refused; the partner is notified
 * (`account-access-consent-linked-account-update`).
 * @throws ResourceNotFound for a consent the customer did not grant; InvalidConsentStatus when it is no longer
 *   in force; InvalidField (path `accountId`) for an account it does not share; ActionNotAllowed for its only
 *   account (revoking is the way to stop everything); ConcurrentChange when the consent changed meanwhile.
 */
export async function removeAccountFromConsent(
  store: ConsentStore,
  customerId: string,
  consentId: string,
  accountId: string,
  now: Date,
): Promise<void> {
  const found = await store.findWithAccountIds(consentId);
  if (!found || found.consent.customerId !== customerId) throw new ResourceNotFound(`ConsentId ${consentId} does not exist`);
  const { consent, accountIds } = found;
  if (consent.status !== ConsentStatus.Authorised || (consent.expiresAt && consent.expiresAt <= now)) {
    throw new InvalidConsentStatus('This connection has already ended');
  }
  if (!accountIds.includes(accountId)) throw new InvalidField('This account is not shared with the app', 'accountId');
  if (accountIds.length === 1) throw new ActionNotAllowed('This is the only account shared with the app: to stop sharing it, revoke the connection');
  if (!(await store.removeSharedAccount(consentId, customerId, accountId, linkedAccountRemovedEvents(consent, now), now))) {
    throw new ConcurrentChange('This connection changed at the same time; look at it again');
  }
}

function isExpired(connection: Connection, now: Date): boolean {
  return connection.status === ConsentStatus.Authorised && connection.expiresAt !== null && connection.expiresAt <= now;
}
