import type { ConsentStore } from '../consents/account-access-consent.js';
import type { UsableConsent } from '../consents/account-access-consents.js';
import { PermissionMissing } from '../errors.js';
import { assertAccountConsented } from './consented-accounts.js';
import { readUnderConsent, type ConsentedAccountReader, type ConsentedResult, type TokenConsent } from './read-under-consent.js';

/** What the ledger says about one account at a moment: the inputs of every balance type. */
export interface BalanceSnapshot {
  readonly accountId: string;
  readonly currency: string;
  /** Sum of the account's booked entries. */
  readonly bookedMinor: bigint;
  /** Sum of booked entries dated at or after the cut-off (today's movements). */
  readonly bookedSinceCutoffMinor: bigint;
  /** Sum of pending debit entries (≤ 0): card authorisations not yet booked. */
  readonly pendingDebitsMinor: bigint;
  readonly overdraftLimitMinor: bigint;
}

/** One balance of one account, in minor units, with the moment it refers to. */
export interface Balance {
  readonly accountId: string;
  readonly currency: string;
  /** OBIE v4 balance type: `ITAV` interim available, `CLBD` closing booked. */
  readonly type: 'ITAV' | 'CLBD';
  readonly amountMinor: bigint;
  readonly at: Date;
  /** The pre-agreed overdraft, not included in the amount (OBIE `CreditLine`). */
  readonly overdraftLimitMinor: bigint;
}

/** Start of the UTC day containing `now`: the close of the previous day. Accounts are held in UTC. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * The balances of the given accounts (in that order) from their snapshots at `now`, derived from the ledger (NOTES §5.3):
 * - `ITAV` interim available, now: booked minus pending debits;
 * - `CLBD` closing booked at the end of the previous day: booked minus today's booked movements.
 */
export function balancesOf(snapshots: readonly BalanceSnapshot[], accountIds: readonly string[], now: Date): Balance[] {
  const cutoff = startOfUtcDay(now);
  const order = new Map(accountIds.map((id, index) => [id, index]));
  return [...snapshots]
    .sort((a, b) => (order.get(a.accountId) ?? 0) - (order.get(b.accountId) ?? 0))
    .flatMap((snapshot) => [
      balance(snapshot, 'ITAV', snapshot.bookedMinor + snapshot.pendingDebitsMinor, now),
      balance(snapshot, 'CLBD', snapshot.bookedMinor - snapshot.bookedSinceCutoffMinor, cutoff),
    ]);
}

function balance(snapshot: BalanceSnapshot, type: Balance['type'], amountMinor: bigint, at: Date): Balance {
  return { accountId: snapshot.accountId, currency: snapshot.currency, type, amountMinor, at, overdraftLimitMinor: snapshot.overdraftLimitMinor };
}

/**
 * The balances a customer token's consent lets the partner read — every shared account (`accountId` null), or one of
 * them (NOTES §3, §5.3) — read with the consent in one statement ({@link readUnderConsent}).
 * @throws PermissionMissing without `ReadBalances`; ResourceForbidden for an account the consent does not share.
 */
export function readConsentedBalances(
  reader: ConsentedAccountReader,
  consents: ConsentStore,
  token: TokenConsent,
  accountId: string | null,
  now: Date,
): Promise<ConsentedResult<Balance[]>> {
  return readUnderConsent(
    consents,
    token,
    now,
    (consentId) => reader.readBalances(consentId, accountId, startOfUtcDay(now)),
    (access, snapshots) => consentedBalances(access, snapshots, accountId, now),
  );
}

function consentedBalances(
  { consent, accountIds }: UsableConsent,
  snapshots: readonly BalanceSnapshot[],
  accountId: string | null,
  now: Date,
): Balance[] {
  if (!consent.permissions.includes('ReadBalances')) throw new PermissionMissing('The consent does not include ReadBalances');
  if (accountId !== null) assertAccountConsented(accountIds, accountId);
  return balancesOf(snapshots, accountId === null ? accountIds : [accountId], now);
}
