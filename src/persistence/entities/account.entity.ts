import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes } from './column-types.js';

export interface AccountRow {
  id: string;
  customerId: string | null;
  bankPurpose: string | null;
  currency: string;
  accountType: string;
  accountSubType: string;
  nickname: string | null;
  description: string | null;
  openingDate: string;
  status: string;
  overdraftLimitMinor: bigint;
  balanceMinor: bigint;
  createdAt: Date;
}

export interface AccountIdentificationRow {
  accountId: string;
  schemeName: string;
  identification: string;
  name: string | null;
  secondaryIdentification: string | null;
}

/**
 * `account`: customer and bank-internal accounts. `balance_minor` is the sum of the account's booked
 * ledger entries, kept in the same transaction as the entries so that conditional updates can guard it.
 */
export function accountEntity(types: ColumnTypes): EntitySchema<AccountRow> {
  return new EntitySchema<AccountRow>({
    name: 'Account',
    tableName: 'account',
    columns: {
      id: types.id(40, { primary: true }),
      customerId: types.id(40, { name: 'customer_id', nullable: true }),
      bankPurpose: types.id(20, { name: 'bank_purpose', nullable: true }),
      currency: types.id(3),
      accountType: types.id(10, { name: 'account_type' }),
      accountSubType: types.id(4, { name: 'account_sub_type' }),
      nickname: types.text(70, { nullable: true }),
      description: types.text(35, { nullable: true }),
      openingDate: types.id(10, { name: 'opening_date' }),
      status: types.id(10),
      overdraftLimitMinor: types.money({ name: 'overdraft_limit_minor', default: 0 }),
      balanceMinor: types.money({ name: 'balance_minor', default: 0 }),
      createdAt: types.timestamp({ name: 'created_at' }),
    },
    indices: [
      { name: 'ix_account_customer', columns: ['customerId', 'openingDate'] },
      { name: 'ix_account_bank_purpose', columns: ['bankPurpose', 'currency'] },
    ],
  });
}

/** `account_identification`: scheme identifications of an account (sort code + number, IBAN…). */
export function accountIdentificationEntity(types: ColumnTypes): EntitySchema<AccountIdentificationRow> {
  return new EntitySchema<AccountIdentificationRow>({
    name: 'AccountIdentification',
    tableName: 'account_identification',
    columns: {
      accountId: types.id(40, { primary: true, name: 'account_id' }),
      schemeName: types.id(40, { primary: true, name: 'scheme_name' }),
      identification: types.id(64),
      name: types.text(350, { nullable: true }),
      secondaryIdentification: types.text(34, { name: 'secondary_identification', nullable: true }),
    },
    indices: [{ name: 'ux_account_identification_scheme', columns: ['schemeName', 'identification'], unique: true }],
  });
}
