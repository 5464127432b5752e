import { InsufficientFunds } from '../errors.js';
import type { TransferDraft } from './ledger.js';

/** What the ledger holds for an account's funds, as read under its lock. */
export interface AccountFunds {
  /** The booked balance (`BOOK` entries). */
  readonly balanceMinor: bigint;
  /** The sum of its pending (`PDNG`, card authorisation) debits, ≤ 0. */
  readonly pendingDebitsMinor: bigint;
  readonly overdraftLimitMinor: bigint;
}

/** What an account can still spend: booked balance plus pending debits plus the overdraft limit. */
export function spendableMinor(funds: AccountFunds): bigint {
  return funds.balanceMinor + funds.pendingDebitsMinor + funds.overdraftLimitMinor;
}

/**
 * The overdraft rule of a customer account, for a net movement on it: a movement that lowers the funds may not
 * take them beyond what the account can spend. Credits, and any movement that does not lower the funds, are
 * always allowed — even on an account already beyond its limit (a refund or salary must land). The one funds
 * rule: payments decide `AM04` by it, funds confirmation answers by it, and the ledger guards every posting by it.
 */
export function fundsAllow(funds: AccountFunds, netMinor: bigint): boolean {
  return netMinor >= 0n || spendableMinor(funds) + netMinor >= 0n;
}

/**
 * The ledger's guard: {@link fundsAllow} for one transfer's net movement on a customer account.
 * @throws InsufficientFunds.
 */
export function assertFundsAvailable(transferId: string, accountId: string, funds: AccountFunds, netMinor: bigint): void {
  if (!fundsAllow(funds, netMinor)) {
    throw new InsufficientFunds(`Transfer ${transferId} would take account ${accountId} beyond its overdraft limit`);
  }
}

/** The net movement of transfers on one account (credit > 0, debit < 0). */
export function netMovementMinor(transfers: readonly TransferDraft[], accountId: string): bigint {
  let netMinor = 0n;
  for (const transfer of transfers) for (const entry of transfer.entries) if (entry.accountId === accountId) netMinor += entry.amountMinor;
  return netMinor;
}
