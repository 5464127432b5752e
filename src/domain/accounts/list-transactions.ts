import type { AccountAccessConsent } from '../consents/account-access-consent.js';
import { InvalidField, PermissionMissing } from '../errors.js';
import type { PageCursors } from './page-cursor.js';
import type { Transaction, TransactionReader } from './transaction.js';

/** Page sizes partners may ask for (OBIE: at least 25 except the last page, at most 1000). */
export const PAGE_SIZE = { default: 100, min: 25, max: 1000 } as const;

/** A transaction listing as the partner asked for it (after the HTTP layer parsed dates). */
export interface TransactionListing {
  /** The accounts listed: one account, or every consented account (bulk). */
  readonly accountIds: readonly string[];
  /** What the listing is, for binding cursors: e.g. the account id or `bulk`, plus the filters. */
  readonly scope: string;
  readonly fromBookingDateTime: Date | null;
  readonly toBookingDateTime: Date | null;
  readonly cursor: string | null;
  readonly pageSize: number;
}

/** One page of transactions with the cursors of its neighbours (absent when there is no such page). */
export interface TransactionPage {
  readonly transactions: readonly Transaction[];
  readonly next: string | null;
  readonly previous: string | null;
}

/**
 * One page of transactions of consented accounts, newest first, trimmed by the consent (NOTES §5.1, §5.4, §8):
 * needs `ReadTransactionsBasic` or `…Detail`; only credits without `ReadTransactionsDebits` and vice versa;
 * booking dates limited to the intersection of the request's filter and the consent's transaction window.
 * @throws PermissionMissing without a transactions permission; InvalidField for a bad page size or cursor.
 */
export async function listTransactions(
  reader: TransactionReader,
  cursors: PageCursors,
  consent: AccountAccessConsent,
  listing: TransactionListing,
): Promise<TransactionPage> {
  const permissions = new Set(consent.permissions);
  if (!permissions.has('ReadTransactionsBasic') && !permissions.has('ReadTransactionsDetail')) {
    throw new PermissionMissing('The consent does not include ReadTransactionsBasic or ReadTransactionsDetail');
  }
  if (!Number.isInteger(listing.pageSize) || listing.pageSize < PAGE_SIZE.min || listing.pageSize > PAGE_SIZE.max) {
    throw new InvalidField(`pageSize must be a whole number from ${PAGE_SIZE.min} to ${PAGE_SIZE.max}`, 'pageSize');
  }
  const credits = permissions.has('ReadTransactionsCredits');
  const debits = permissions.has('ReadTransactionsDebits');
  const scope = `${consent.id}|${listing.scope}|${listing.pageSize}`;
  const cursor = listing.cursor ? cursors.decode(listing.cursor, scope) : null;
  const base = {
    accountIds: listing.accountIds,
    fromInclusive: latest(listing.fromBookingDateTime, consent.transactionFromAt),
    toInclusive: earliest(listing.toBookingDateTime, consent.transactionToAt),
    direction: credits && debits ? ('both' as const) : credits ? ('credits' as const) : ('debits' as const),
    limit: listing.pageSize + 1,
  };
  if (base.fromInclusive && base.toInclusive && base.fromInclusive > base.toInclusive) return { transactions: [], next: null, previous: null };

  if (cursor?.towards === 'newer') {
    const rows = await reader.listTransactions({ ...base, seek: { towards: 'newer', position: cursor.position } });
    const transactions = rows.slice(0, listing.pageSize).reverse();
    return {
      transactions,
      previous: rows.length > listing.pageSize ? encodeEdge(cursors, 'newer', transactions[0], scope) : null,
      next: encodeEdge(cursors, 'older', transactions.at(-1), scope),
    };
  }
  const rows = await reader.listTransactions({ ...base, seek: { towards: 'older', position: cursor?.position ?? null } });
  const transactions = rows.slice(0, listing.pageSize);
  return {
    transactions,
    next: rows.length > listing.pageSize ? encodeEdge(cursors, 'older', transactions.at(-1), scope) : null,
    previous: cursor ? encodeEdge(cursors, 'newer', transactions[0], scope) : null,
  };
}

function encodeEdge(cursors: PageCursors, towards: 'older' | 'newer', edge: Transaction | undefined, scope: string): string | null {
  return edge ? cursors.encode({ towards, position: { bookedAt: edge.bookedAt, id: edge.id } }, scope) : null;
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}
