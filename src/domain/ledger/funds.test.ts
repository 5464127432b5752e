// Proves the one funds rule: what an account can spend is its booked balance plus pending debits plus its overdraft limit; a debit may take that to zero and not one penny further; credits always land, even on an account beyond its limit; the ledger's guard throws InsufficientFunds by the same rule; and the net movement of transfers on an account adds up its entries.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InsufficientFunds } from '../errors.js';
import { assertFundsAvailable, fundsAllow, netMovementMinor, spendableMinor, type AccountFunds } from './funds.js';
import type { TransferDraft } from './ledger.js';

const FUNDS: AccountFunds = { balanceMinor: 10_000n, pendingDebitsMinor: -2_500n, overdraftLimitMinor: 5_000n };
const BEYOND: AccountFunds = { balanceMinor: -6_000n, pendingDebitsMinor: 0n, overdraftLimitMinor: 5_000n };

describe('the funds rule', () => {
  test('spendable = balance + pending debits + overdraft limit', () => {
    assert.equal(spendableMinor(FUNDS), 12_500n);
  });

  test('a debit of exactly what it can spend → allowed; one penny more → refused', () => {
    assert.equal(fundsAllow(FUNDS, -12_500n), true);
    assert.equal(fundsAllow(FUNDS, -12_501n), false);
  });

  test('a credit or no movement → allowed, even beyond the overdraft; any debit there → refused', () => {
    assert.equal(fundsAllow(BEYOND, 1n), true);
    assert.equal(fundsAllow(BEYOND, 0n), true);
    assert.equal(fundsAllow(BEYOND, -1n), false);
  });

  test('assertFundsAvailable → InsufficientFunds naming the transfer and the account exactly where fundsAllow refuses', () => {
    assert.doesNotThrow(() => assertFundsAvailable('trf_1', 'acc_1', FUNDS, -12_500n));
    assert.throws(
      () => assertFundsAvailable('trf_1', 'acc_1', FUNDS, -12_501n),
      (error: unknown) => error instanceof InsufficientFunds && /trf_1/.test(error.message) && /acc_1/.test(error.message),
    );
  });

  test('netMovementMinor sums the entries on the account over every transfer', () => {
    const transfer = (id: string, entries: Array<[string, bigint]>): TransferDraft => ({
      id,
      kind: 'payment',
      currency: 'GBP',
      reference: id,
      status: 'BOOK',
      bookedAt: new Date(0),
      valueAt: new Date(0),
      entries: entries.map(([accountId, amountMinor]) => ({ accountId, amountMinor, information: id, counterparty: null })),
    });
    const transfers = [
      transfer('trf_pay', [
        ['acc_a', -1_000n],
        ['acc_b', 1_000n],
      ]),
      transfer('trf_fee', [
        ['acc_a', -50n],
        ['acc_fee', 50n],
      ]),
    ];
    assert.equal(netMovementMinor(transfers, 'acc_a'), -1_050n);
    assert.equal(netMovementMinor(transfers, 'acc_b'), 1_000n);
    assert.equal(netMovementMinor(transfers, 'acc_z'), 0n);
  });
});
