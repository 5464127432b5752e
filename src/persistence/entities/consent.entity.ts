import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes, JsonDocument } from './column-types.js';

export interface ConsentRow {
  id: string;
  kind: string;
  clientId: string;
  status: string;
  statusReasonCode: string | null;
  statusReasonDescription: string | null;
  permissions: string[];
  expiresAt: Date | null;
  transactionFromAt: Date | null;
  transactionToAt: Date | null;
  customerId: string | null;
  grantId: string | null;
  authorisedAt: Date | null;
  createdAt: Date;
  statusUpdatedAt: Date;
  request: JsonDocument;
  lastUsedAt: Date | null;
  /** VRP consents: the first instant payments may be made (`ValidFromDateTime`); their end is `expiresAt`. */
  validFromAt: Date | null;
  /** VRP consents: when the partner deleted it (the API no longer knows it; the customer's history still shows it). */
  deletedAt: Date | null;
  /**
   * Sandbox: the test clock a scheduled payment or standing order consent is attached to (its payments run on the
   * clock's time); null on the bank's own time. Written by the test clock store only.
   */
  testClockId?: string | null;
}

export interface ConsentAccountRow {
  consentId: string;
  accountId: string;
}

/**
 * `consent`: account-access, domestic payment, domestic VRP and funds confirmation consents (`kind`), bound to one partner
 * client, customer and grant. `expires_at` is when it ends by itself: account access and funds confirmation their
 * `ExpirationDateTime`, a payment consent its authorisation deadline, a VRP consent its `ValidToDateTime`.
 */
export function consentEntity(types: ColumnTypes): EntitySchema<ConsentRow> {
  return new EntitySchema<ConsentRow>({
    name: 'Consent',
    tableName: 'consent',
    columns: {
      id: types.id(40, { primary: true }),
      kind: types.id(20),
      clientId: types.id(255, { name: 'client_id' }),
      status: types.id(4),
      statusReasonCode: types.id(4, { name: 'status_reason_code', nullable: true }),
      statusReasonDescription: types.text(500, { name: 'status_reason_description', nullable: true }),
      permissions: types.json(),
      expiresAt: types.timestamp({ name: 'expires_at', nullable: true }),
      transactionFromAt: types.timestamp({ name: 'transaction_from_at', nullable: true }),
      transactionToAt: types.timestamp({ name: 'transaction_to_at', nullable: true }),
      customerId: types.id(40, { name: 'customer_id', nullable: true }),
      grantId: types.id(255, { name: 'grant_id', nullable: true }),
      authorisedAt: types.timestamp({ name: 'authorised_at', nullable: true }),
      createdAt: types.timestamp({ name: 'created_at' }),
      statusUpdatedAt: types.timestamp({ name: 'status_updated_at' }),
      request: types.json(),
      lastUsedAt: types.timestamp({ name: 'last_used_at', nullable: true }),
      validFromAt: types.timestamp({ name: 'valid_from_at', nullable: true }),
      deletedAt: types.timestamp({ name: 'deleted_at', nullable: true }),
      testClockId: types.id(40, { name: 'test_clock_id', nullable: true }),
    },
    indices: [
      { name: 'ix_consent_client', columns: ['clientId', 'createdAt'] },
      { name: 'ix_consent_customer', columns: ['customerId', 'createdAt'] },
      { name: 'ux_consent_grant', columns: ['grantId'], unique: true },
      { name: 'ix_consent_expiry', columns: ['status', 'expiresAt'] },
      { name: 'ix_consent_test_clock', columns: ['testClockId'] },
    ],
  });
}

/** `consent_account`: the accounts the customer chose to share under a consent. */
export function consentAccountEntity(types: ColumnTypes): EntitySchema<ConsentAccountRow> {
  return new EntitySchema<ConsentAccountRow>({
    name: 'ConsentAccount',
    tableName: 'consent_account',
    columns: {
      consentId: types.id(40, { primary: true, name: 'consent_id' }),
      accountId: types.id(40, { primary: true, name: 'account_id' }),
    },
  });
}
