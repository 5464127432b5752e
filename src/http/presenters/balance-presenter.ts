import type { Balance } from '../../domain/accounts/balances.js';
import { formatAmount } from '../../domain/money.js';
import { presentSignedAmount } from './amount.js';

/** Balances as `OBReadBalance1`; a pre-agreed overdraft is shown as a `CreditLine` not included in the amount. */
export function presentBalances(balances: readonly Balance[], self: string) {
  return {
    Data: {
      Balance: balances.map((balance) => ({
        AccountId: balance.accountId,
        ...presentSignedAmount(balance.amountMinor, balance.currency),
        Type: balance.type,
        DateTime: balance.at.toISOString(),
        ...(balance.overdraftLimitMinor > 0n
          ? {
              CreditLine: [
                {
                  Included: false,
                  Type: 'Pre-Agreed',
                  Amount: { Amount: formatAmount(balance.overdraftLimitMinor, balance.currency), Currency: balance.currency },
                },
              ],
            }
          : {}),
      })),
    },
    Links: { Self: self },
    Meta: { TotalPages: 1 },
  };
}
