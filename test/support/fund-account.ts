import { newId } from '../../src/domain/ids.js';
import { externalAccountId } from '../../src/domain/payments/payee.js';
import type { Database } from '../../src/persistence/data-source.js';
import { TypeOrmLedgerStore } from '../../src/persistence/stores/ledger-store.js';

/**
 * Pays `amountMinor` GBP into `accountId` from the outside world, or out to it when negative (one booked transfer,
 * balanced against the bank's external account), for tests whose payments need more than the sandbox seed leaves there: the seed's balances follow
 * the calendar (salary, rent and card spend up to today), so a test that needs a sum must not count on them.
 */
export async function fundAccount(database: Database, accountId: string, amountMinor: bigint): Promise<void> {
  const at = new Date();
  await new TypeOrmLedgerStore(database.dataSource).postTransfers([
    {
      id: newId('trf'),
      kind: 'transfer',
      currency: 'GBP',
      reference: 'test funding',
      status: 'BOOK',
      bookedAt: at,
      valueAt: at,
      entries: [
        { accountId, amountMinor, information: 'test funding', counterparty: null },
        { accountId: externalAccountId('GBP'), amountMinor: -amountMinor, information: 'test funding', counterparty: null },
      ],
    },
  ]);
}
