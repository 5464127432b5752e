import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes } from './column-types.js';

export interface TransferRow {
  id: string;
  kind: string;
  currency: string;
  reference: string;
  status: string;
  bookedAt: Date;
  valueAt: Date;
  createdAt: Date;
}

export interface EntryRow {
  id: string;
  transferId: string;
  accountId: string;
  amountMinor: bigint;
  currency: string;
  status: string;
  bookedAt: Date;
  valueAt: Date;
  information: string;
  counterpartyName: string | null;
  counterpartySchemeName: string | null;
  counterpartyIdentification: string | null;
  balanceAfterMinor: bigint | null;
}

/** `ledger_transfer`: immutable double-entry transfers. */
export function transferEntity(types: ColumnTypes): EntitySchema<TransferRow> {
  return new EntitySchema<TransferRow>({
    name: 'Transfer',
    tableName: 'ledger_transfer',
    columns: {
      id: types.id(40, { primary: true }),
      kind: types.id(20),
      currency: types.id(3),
      reference: types.text(140),
      status: types.id(4),
      bookedAt: types.timestamp({ name: 'booked_at' }),
      valueAt: types.timestamp({ name: 'value_at' }),
      createdAt: types.timestamp({ name: 'created_at' }),
    },
  });
}

/**
 * `ledger_entry`: one signed leg of a transfer on one account. Indexed by (account, booked time, id) so that
 * an account's history is read newest-first by keyset, at any depth, and by (account, status, booked time)
 * so that today's booked movements and the pending entries are summed without scanning the history.
 */
export function entryEntity(types: ColumnTypes): EntitySchema<EntryRow> {
  return new EntitySchema<EntryRow>({
    name: 'Entry',
    tableName: 'ledger_entry',
    columns: {
      id: types.id(48, { primary: true }),
      transferId: types.id(40, { name: 'transfer_id' }),
      accountId: types.id(40, { name: 'account_id' }),
      amountMinor: types.money({ name: 'amount_minor' }),
      currency: types.id(3),
      status: types.id(4),
      bookedAt: types.timestamp({ name: 'booked_at' }),
      valueAt: types.timestamp({ name: 'value_at' }),
      information: types.text(500),
      counterpartyName: types.text(140, { name: 'counterparty_name', nullable: true }),
      counterpartySchemeName: types.id(40, { name: 'counterparty_scheme_name', nullable: true }),
      counterpartyIdentification: types.id(64, { name: 'counterparty_identification', nullable: true }),
      balanceAfterMinor: types.money({ name: 'balance_after_minor', nullable: true }),
    },
    indices: [
      { name: 'ix_ledger_entry_account_booked', columns: ['accountId', 'bookedAt', 'id'] },
      { name: 'ix_ledger_entry_account_status', columns: ['accountId', 'status', 'bookedAt'] },
      { name: 'ix_ledger_entry_transfer', columns: ['transferId'] },
    ],
  });
}
