import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes } from './column-types.js';

export interface FundsConfirmationRow {
  id: string;
  consentId: string;
  clientId: string;
  customerId: string;
  reference: string;
  amountMinor: bigint;
  currency: string;
  /** 1: the funds were available; 0: they were not. */
  fundsAvailable: number;
  createdAt: Date;
}

/**
 * `funds_confirmation`: every funds confirmation a card issuer asked under a consent and the answer it got, for the
 * customer's history of each app's checks; read by consent, newest first.
 */
export function fundsConfirmationEntity(types: ColumnTypes): EntitySchema<FundsConfirmationRow> {
  return new EntitySchema<FundsConfirmationRow>({
    name: 'FundsConfirmation',
    tableName: 'funds_confirmation',
    columns: {
      id: types.id(40, { primary: true }),
      consentId: types.id(40, { name: 'consent_id' }),
      clientId: types.id(255, { name: 'client_id' }),
      customerId: types.id(40, { name: 'customer_id' }),
      reference: types.text(35),
      amountMinor: types.money({ name: 'amount_minor' }),
      currency: types.id(3),
      fundsAvailable: types.integer({ name: 'funds_available' }),
      createdAt: types.timestamp({ name: 'created_at' }),
    },
    indices: [{ name: 'ix_funds_confirmation_consent', columns: ['consentId', 'createdAt'] }],
  });
}
