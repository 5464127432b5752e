import { LessThanOrEqual, type DataSource, type EntityManager } from 'typeorm';
import { InsufficientFunds } from '../../domain/errors.js';
import type { DomesticPayment, ExecutionOutcome, PaymentExecution, PaymentStatus, PaymentStore, SettlementResult } from '../../domain/payments/domestic-payment.js';
import type { FundsReader } from '../../domain/payments/payment-consents.js';
import type { RiskFacts, StatusReason } from '../../domain/payments/risk-policy.js';
import type { ConsentRow } from '../entities/consent.entity.js';
import type { Dialect } from '../entities/column-types.js';
import type { IdempotencyKeyRow, PaymentRow } from '../entities/payment.entity.js';
import { isDuplicateKeyError, isStorableId, sqlTime } from '../sql.js';
import { inTransaction } from '../transactions.js';
import { postTransfersWithin } from './ledger-store.js';
import { PAYMENT_CONSENT_KIND } from './payment-consent-store.js';

/** Thrown inside the payment transaction to roll it back when the consent is no longer `AUTH`. */
class ConsentNoLongerAuthorised extends Error {}

/**
 * Payments in the `payment` table. A payment is written in one transaction with its idempotency record, the
 * consent's `COND`, and its ledger transfers (see {@link PaymentStore.execute}). Lock order, the same in every
 * transaction that moves money: idempotency key → consent → customer → accounts (by id, in one statement).
 */
export class TypeOrmPaymentStore implements PaymentStore, FundsReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: Dialect,
  ) {}

  async execute(execution: PaymentExecution, assess: (facts: RiskFacts) => StatusReason | null): Promise<ExecutionOutcome> {
    let storingKey = false;
    try {
      const payment = await inTransaction(this.dataSource, async (manager) => {
        storingKey = true;
        await manager.getRepository<IdempotencyKeyRow>('IdempotencyKey').insert({ ...execution.idempotency });
        storingKey = false;
        const consumed = await manager
          .getRepository<ConsentRow>('Consent')
          .update({ id: execution.payment.consentId, kind: PAYMENT_CONSENT_KIND, status: 'AUTH' }, { status: 'COND', statusUpdatedAt: execution.payment.createdAt });
        if (!consumed.affected) throw new ConsentNoLongerAuthorised();
        const decided = await this.moveMoney(manager, execution, assess);
        await manager.getRepository<PaymentRow>('Payment').insert(toRow(decided));
        return decided;
      });
      return { kind: 'created', payment };
    } catch (error) {
      if (error instanceof ConsentNoLongerAuthorised) return { kind: 'consent-not-authorised' };
      if (storingKey && isDuplicateKeyError(error)) return { kind: 'duplicate-key' };
      throw error;
    }
  }

  /** Risk limits under the customer's lock, then the transfers; a refusal becomes a rejected payment. */
  private async moveMoney(manager: EntityManager, execution: PaymentExecution, assess: (facts: RiskFacts) => StatusReason | null): Promise<DomesticPayment> {
    const { payment } = execution;
    if (payment.status === 'RJCT') return payment;
    if (this.dialect === 'mysql') await manager.query('SELECT id FROM customer WHERE id = ? FOR UPDATE', [payment.customerId]);
    const refusal = assess(await this.readRiskFacts(manager, execution));
    if (refusal) return rejected(payment, refusal);
    try {
      await postTransfersWithin(manager, execution.transfers);
    } catch (error) {
      if (error instanceof InsufficientFunds) return rejected(payment, { code: 'AM04', description: 'The account paid from has insufficient funds' });
      throw error;
    }
    return payment;
  }

  private async readRiskFacts(manager: EntityManager, { payment, riskWindows }: PaymentExecution): Promise<RiskFacts> {
    const time = (date: Date) => sqlTime(this.dialect, date);
    const since = riskWindows.dayStart < riskWindows.customerWindowStart ? riskWindows.dayStart : riskWindows.customerWindowStart;
    const [customer] = (await manager.query(
      `SELECT COALESCE(SUM(CASE WHEN created_at >= ? AND currency = ? THEN amount_minor + charges_minor ELSE 0 END), 0) AS paid_today,
              COALESCE(SUM(CASE WHEN created_at >= ? THEN 1 ELSE 0 END), 0) AS in_window
       FROM payment WHERE customer_id = ? AND created_at >= ? AND status <> 'RJCT'`,
      [time(riskWindows.dayStart), payment.currency, time(riskWindows.customerWindowStart), payment.customerId, time(since)],
    )) as Array<{ paid_today: string | number; in_window: string | number }>;
    const [partner] = (await manager.query(`SELECT COUNT(*) AS in_window FROM payment WHERE client_id = ? AND created_at >= ? AND status <> 'RJCT'`, [
      payment.clientId,
      time(riskWindows.partnerWindowStart),
    ])) as Array<{ in_window: string | number }>;
    return {
      customerPaidTodayMinor: BigInt(customer?.paid_today ?? 0),
      customerPaymentsInWindow: Number(customer?.in_window ?? 0),
      partnerPaymentsInWindow: Number(partner?.in_window ?? 0),
    };
  }

  async findById(id: string): Promise<DomesticPayment | null> {
    if (!isStorableId(id)) return null;
    const row = await this.dataSource.getRepository<PaymentRow>('Payment').findOneBy({ id });
    return row ? toPayment(row) : null;
  }

  async hasPaidPayee(customerId: string, creditorIdentification: string): Promise<boolean> {
    if (!isStorableId(creditorIdentification)) return false;
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 AS paid FROM payment WHERE customer_id = ? AND creditor_identification = ? AND status <> 'RJCT' LIMIT 1`,
      [customerId, creditorIdentification],
    );
    return rows.length > 0;
  }

  async listDueForSettlement(now: Date, limit: number): Promise<DomesticPayment[]> {
    const rows = await this.dataSource
      .getRepository<PaymentRow>('Payment')
      .find({ where: { status: 'ACSP', settleAfter: LessThanOrEqual(now) }, order: { settleAfter: 'ASC' }, take: limit });
    return rows.map(toPayment);
  }

  async settle(result: SettlementResult, at: Date): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const updated = await manager.getRepository<PaymentRow>('Payment').update(
        { id: result.paymentId, status: 'ACSP' },
        { status: result.status, statusReasonCode: result.reason?.code ?? null, statusReasonDescription: result.reason?.description ?? null, statusUpdatedAt: at },
      );
      if (!updated.affected) return false;
      await postTransfersWithin(manager, result.transfers);
      return true;
    });
  }

  async spendableMinor(accountId: string): Promise<bigint> {
    const [row] = (await this.dataSource.query(
      `SELECT a.balance_minor + a.overdraft_limit_minor +
              COALESCE((SELECT SUM(e.amount_minor) FROM ledger_entry e WHERE e.account_id = a.id AND e.status = 'PDNG' AND e.amount_minor < 0), 0) AS spendable
       FROM account a WHERE a.id = ?`,
      [accountId],
    )) as Array<{ spendable: string | number }>;
    return BigInt(row?.spendable ?? 0);
  }
}

function rejected(payment: DomesticPayment, reason: StatusReason): DomesticPayment {
  return { ...payment, status: 'RJCT', statusReason: reason, settleAfter: null };
}

function toRow(payment: DomesticPayment): PaymentRow {
  return {
    id: payment.id,
    consentId: payment.consentId,
    clientId: payment.clientId,
    customerId: payment.customerId,
    debtorAccountId: payment.debtorAccountId,
    status: payment.status,
    statusReasonCode: payment.statusReason?.code ?? null,
    statusReasonDescription: payment.statusReason?.description ?? null,
    amountMinor: payment.amountMinor,
    chargesMinor: payment.chargesMinor,
    currency: payment.currency,
    localInstrument: payment.localInstrument,
    route: payment.route,
    creditorAccountId: payment.creditorAccountId,
    creditorIdentification: payment.creditorIdentification,
    settleAfter: payment.settleAfter,
    createdAt: payment.createdAt,
    statusUpdatedAt: payment.statusUpdatedAt,
  };
}

function toPayment({ statusReasonCode, statusReasonDescription, ...row }: PaymentRow): DomesticPayment {
  return {
    ...row,
    status: row.status as PaymentStatus,
    statusReason: statusReasonCode ? { code: statusReasonCode, description: statusReasonDescription ?? '' } : null,
    route: row.route as DomesticPayment['route'],
  };
}

