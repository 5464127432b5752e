import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes, JsonDocument } from './column-types.js';

export interface PaymentRow {
  id: string;
  /**
   * `domestic` or `international` (one per consent), `domestic-scheduled` (one per consent, run when due),
   * `standing-order` (a series per consent, numbered by `instruction_identification`, each run when due) or
   * `domestic-vrp` (many under one mandate).
   */
  kind: string;
  consentId: string;
  /** The partner's `InstructionIdentification`, unique per consent (null on domestic payments made before it was kept). */
  instructionIdentification: string | null;
  /** A VRP's `Data.Instruction` as the partner sent it (each payment of a mandate has its own); null otherwise. */
  instruction: JsonDocument | null;
  clientId: string;
  customerId: string;
  debtorAccountId: string;
  status: string;
  statusReasonCode: string | null;
  statusReasonDescription: string | null;
  amountMinor: bigint;
  chargesMinor: bigint;
  currency: string;
  localInstrument: string;
  route: string;
  creditorAccountId: string | null;
  creditorIdentification: string;
  settleAfter: Date | null;
  /** A scheduled payment: when it is due to run; null for payments made at once. */
  dueAt: Date | null;
  createdAt: Date;
  /** When it was decided (money moved or refused); null while pending or once cancelled unrun. The risk limits count by it. */
  executedAt: Date | null;
  statusUpdatedAt: Date;
  /** An international payment's rate, an exact decimal (`1.26365`): one `currency` buys this much `transferCurrency`. */
  exchangeRate: string | null;
  /** What an international payment's creditor receives, in `transferCurrency` (the debtor pays `amountMinor` in `currency`). */
  transferAmountMinor: bigint | null;
  transferCurrency: string | null;
  /**
   * Sandbox: the test clock the payment runs on (its consent's, copied when the payment is stored); null on the bank's
   * own time. Written by the payment and test clock stores only, in SQL.
   */
  testClockId?: string | null;
}

export interface IdempotencyKeyRow {
  clientId: string;
  operation: string;
  keyHash: string;
  requestHash: string;
  resourceId: string;
  createdAt: Date;
}

/**
 * `payment`: domestic payments (one per consent: the payment consumes it) and domestic VRPs (many per mandate), each
 * `InstructionIdentification` once per consent; a mandate's payments are summed over its periods by consent. Indexed for the risk checks — a customer's payments
 * of the day and of the velocity window, a partner's of its window, by when they were decided (`executed_at`) — for "paid this payee before", and for the
 * settlement worker's queue of `ACSP` payments by due time, and for the scheduler's queue of `PDNG` payments by due time
 * (a sandbox test clock's queue by clock).
 */
export function paymentEntity(types: ColumnTypes): EntitySchema<PaymentRow> {
  return new EntitySchema<PaymentRow>({
    name: 'Payment',
    tableName: 'payment',
    columns: {
      id: types.id(40, { primary: true }),
      kind: types.id(20, { default: 'domestic' }),
      consentId: types.id(40, { name: 'consent_id' }),
      instructionIdentification: types.exactText(35, { name: 'instruction_identification', nullable: true }),
      instruction: types.json({ nullable: true }),
      clientId: types.id(255, { name: 'client_id' }),
      customerId: types.id(40, { name: 'customer_id' }),
      debtorAccountId: types.id(40, { name: 'debtor_account_id' }),
      status: types.id(4),
      statusReasonCode: types.id(4, { name: 'status_reason_code', nullable: true }),
      statusReasonDescription: types.text(500, { name: 'status_reason_description', nullable: true }),
      amountMinor: types.money({ name: 'amount_minor' }),
      chargesMinor: types.money({ name: 'charges_minor' }),
      currency: types.id(3),
      localInstrument: types.id(40, { name: 'local_instrument' }),
      route: types.id(10),
      creditorAccountId: types.id(40, { name: 'creditor_account_id', nullable: true }),
      creditorIdentification: types.id(64, { name: 'creditor_identification' }),
      settleAfter: types.timestamp({ name: 'settle_after', nullable: true }),
      dueAt: types.timestamp({ name: 'due_at', nullable: true }),
      createdAt: types.timestamp({ name: 'created_at' }),
      executedAt: types.timestamp({ name: 'executed_at', nullable: true }),
      statusUpdatedAt: types.timestamp({ name: 'status_updated_at' }),
      exchangeRate: types.id(24, { name: 'exchange_rate', nullable: true }),
      transferAmountMinor: types.money({ name: 'transfer_amount_minor', nullable: true }),
      transferCurrency: types.id(3, { name: 'transfer_currency', nullable: true }),
      testClockId: types.id(40, { name: 'test_clock_id', nullable: true }),
    },
    indices: [
      { name: 'ux_payment_instruction', columns: ['consentId', 'instructionIdentification'], unique: true },
      { name: 'ix_payment_consent_created', columns: ['consentId', 'createdAt'] },
      { name: 'ix_payment_customer', columns: ['customerId', 'executedAt', 'status', 'currency', 'amountMinor', 'chargesMinor'] },
      { name: 'ix_payment_client', columns: ['clientId', 'executedAt', 'status'] },
      { name: 'ix_payment_payee', columns: ['customerId', 'creditorIdentification'] },
      { name: 'ix_payment_settlement', columns: ['status', 'settleAfter'] },
      { name: 'ix_payment_due', columns: ['status', 'dueAt'] },
      { name: 'ix_payment_test_clock', columns: ['testClockId', 'status', 'dueAt'] },
    ],
  });
}

/** `idempotency_key`: what each partner's `x-idempotency-key` created, per operation; purged after 24 hours. */
export function idempotencyKeyEntity(types: ColumnTypes): EntitySchema<IdempotencyKeyRow> {
  return new EntitySchema<IdempotencyKeyRow>({
    name: 'IdempotencyKey',
    tableName: 'idempotency_key',
    columns: {
      clientId: types.id(255, { primary: true, name: 'client_id' }),
      operation: types.id(32, { primary: true }),
      keyHash: types.id(64, { primary: true, name: 'key_hash' }),
      requestHash: types.id(64, { name: 'request_hash' }),
      resourceId: types.id(40, { name: 'resource_id' }),
      createdAt: types.timestamp({ name: 'created_at' }),
    },
    indices: [{ name: 'ix_idempotency_key_created', columns: ['createdAt'] }],
  });
}
