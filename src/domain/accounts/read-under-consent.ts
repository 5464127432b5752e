import type { ConsentStore, ConsentWithAccounts } from '../consents/account-access-consent.js';
import { usableConsentOf, type UsableConsent } from '../consents/account-access-consents.js';
import type { Account } from './account.js';
import type { BalanceSnapshot } from './balances.js';

/** What a customer access token says about the consent it may use (absent: it names none). */
export interface TokenConsent {
  readonly consentId?: string;
  readonly clientId: string;
  readonly grantReference?: string;
}

/** The data of a customer call and the consent behind its token (null: no such consent), read in one statement. */
export interface ReadUnderConsent<Data> {
  readonly found: ConsentWithAccounts | null;
  readonly data: Data;
}

/**
 * Account data read together with the consent that lets a partner see it, implemented by persistence in one statement
 * per call: the consent check costs no round trip of its own, and the data is only ever read through the consent's
 * shared accounts.
 */
export interface ConsentedAccountReader {
  /** The balance snapshots of the consent's shared accounts: the one asked for (none when it is not shared), or all (null). */
  readBalances(consentId: string, accountId: string | null, cutoff: Date): Promise<ReadUnderConsent<BalanceSnapshot[]>>;
  /** The consent's shared accounts with their identifications: the one asked for (none when it is not shared), or all (null). */
  readAccounts(consentId: string, accountId: string | null): Promise<ReadUnderConsent<Account[]>>;
}

/** A read under consent: refused because of the consent (or its absence) or of its app, or the consented result. */
export type ConsentedResult<Result> =
  { readonly refused: 'consent' | 'app' } | { readonly refused: null; readonly access: UsableConsent; readonly result: Result };

/**
 * Reads the data of a customer call with the consent behind its token (`read`, one statement), then decides in the
 * order the checks have always run: the consent must still back the token ({@link usableConsentOf}: revoked, expired,
 * re-authorised or another client's → refused `consent`), its app must be active (else refused `app`), then `decide`
 * judges the data against the consent (permissions, shared accounts) and may throw.
 * @throws what `decide` throws.
 */
export async function readUnderConsent<Data, Result>(
  consents: ConsentStore,
  token: TokenConsent,
  now: Date,
  read: (consentId: string) => Promise<ReadUnderConsent<Data>>,
  decide: (access: UsableConsent, data: Data) => Result | Promise<Result>,
): Promise<ConsentedResult<Result>> {
  if (!token.consentId || !token.grantReference) return { refused: 'consent' };
  const { found, data } = await read(token.consentId);
  const access = await usableConsentOf(consents, found, token.clientId, token.grantReference, now);
  if (!access) return { refused: 'consent' };
  if (access.app?.status !== 'active') return { refused: 'app' };
  return { refused: null, access, result: await decide(access, data) };
}
