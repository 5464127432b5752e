import type { DataSource } from 'typeorm';
import { In, IsNull, LessThanOrEqual } from '../typeorm.js';
import type { AccountFunds } from '../../domain/ledger/funds.js';
import type {
  DomesticPayment,
  ExecutionOutcome,
  PaymentExecution,
  PeriodWindow,
  PaymentStatus,
  PaymentStore,
  SettlementResult,
} from '../../domain/payments/domestic-payment.js';
import type { FundsReader } from '../../domain/payments/payment-consents.js';
import { formatExchangeRate, parseExchangeRate } from '../../domain/fx/exchange-rate.js';
import type { RiskFacts } from '../../domain/payments/risk-policy.js';
import type { DueRun, ScheduledPaymentStore } from '../../domain/payments/scheduled/scheduled-payment-store.js';
import type { UpcomingPayment, UpcomingPaymentStore } from '../../domain/payments/scheduled/upcoming-payments.js';
import type { EventDraft } from '../../domain/events/event-notification.js';
import type { Dialect } from '../entities/column-types.js';
import type { ConsentRow } from '../entities/consent.entity.js';
import type { PaymentRow } from '../entities/payment.entity.js';
import { isDuplicateKeyError, isStorableId, sqlTime } from '../sql.js';
import { inTransaction } from '../transactions.js';
import { inSqlTransaction, transactionSqlOf, type TransactionSql } from '../transaction-sql.js';
import { lockAccountRows, lockedAccountsOf, pendingDebitsColumn, postTransfersToLocked, postTransfersWithin } from './ledger-store.js';
import { PAYMENT_CONSENT_KIND_MARKS, PAYMENT_CONSENT_KINDS } from './payment-consent-store.js';
import { VRP_CONSENT_KIND } from './vrp-consent-store.js';
import type { EventOutboxWriter } from './event-outbox-writer.js';
import { appendCustomerMailWithin } from './customer-mail-writer.js';

/** What the store needs to decide a payment under its locks: the payment, its transfers, risk windows and decision. */
type DecidedExecution = Pick<PaymentExecution, 'payment' | 'transfers' | 'riskWindows' | 'decide'>;

/** The statuses of payments that move no money (rejected, still pending, or cancelled): the risk checks do not count them. */
const UNPAID = `('RJCT', 'PDNG', 'CANC')`;

/** Thrown inside the payment transaction to roll it back when the consent is no longer `AUTH`. */
class ConsentNoLongerAuthorised extends Error {}

/**
 * How the consent was used: whether the customer's row is locked already (a VRP mandate is locked together with its
 * customer, in one statement) and the mandate's windows whose payments are summed under the locks (none for a consent
 * consumed).
 */
interface ConsentUsed {
  readonly customerLocked: boolean;
  readonly mandateWindows: readonly PeriodWindow[];
}

/** What the store reads under the locks, in one statement: the risk facts, the mandate's usage and the pending debits. */
interface FactsUnderLocks {
  readonly risk: RiskFacts;
  readonly mandateUsedMinor: bigint[];
  readonly pendingDebits: ReadonlyMap<string, bigint>;
}

/**
 * Payments in the `payment` table. A payment is written in one transaction with its idempotency record, the
 * consent's `COND`, and its ledger transfers (see {@link PaymentStore.execute}). Lock order, the same in every
 * transaction that moves money: idempotency key → consent (consumed, or a VRP mandate locked) → customer → accounts (by id, in one statement). The
 * store reports facts read under those locks; the domain decides the outcome.
 */
export class TypeOrmPaymentStore implements PaymentStore, ScheduledPaymentStore, UpcomingPaymentStore, FundsReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: Dialect,
    private readonly outbox: EventOutboxWriter,
  ) {}

  async execute(execution: PaymentExecution): Promise<ExecutionOutcome> {
    let storing: 'key' | 'payment' | null = null;
    try {
      const payment = await inSqlTransaction(this.dataSource, async (manager) => {
        const { idempotency } = execution;
        storing = 'key';
        await manager.query(
          'INSERT INTO idempotency_key (client_id, operation, key_hash, request_hash, resource_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          [
            idempotency.clientId,
            idempotency.operation,
            idempotency.keyHash,
            idempotency.requestHash,
            idempotency.resourceId,
            this.time(idempotency.createdAt),
          ],
        );
        storing = null;
        const decided = await this.decideUnderLocks(manager, execution, await this.useConsent(manager, execution));
        storing = 'payment';
        await this.insertPayment(manager, decided);
        storing = null;
        return decided;
      });
      return { kind: 'created', payment };
    } catch (error) {
      if (error instanceof ConsentNoLongerAuthorised) return { kind: 'consent-not-authorised' };
      if (storing === 'key' && isDuplicateKeyError(error)) return { kind: 'duplicate-key' };
      if (storing === 'payment' && isDuplicateKeyError(error)) return { kind: 'duplicate-instruction' };
      throw error;
    }
  }

  /**
   * Uses the consent as the execution says: consumes a payment consent (`AUTH → COND`), or locks a VRP mandate still
   * `AUTH` — on MySQL together with its customer, consent row first as everywhere (one statement, the join order fixed)
   * — whose payments not rejected are then summed over each window of its usage, with the other facts, under the locks.
   * @throws ConsentNoLongerAuthorised when the consent is not `AUTH` (any more).
   */
  private async useConsent(manager: TransactionSql, { payment, consentUse }: PaymentExecution): Promise<ConsentUsed> {
    if (consentUse.kind === 'consume') {
      const consumed = await manager.write(
        `UPDATE consent SET status = 'COND', status_updated_at = ? WHERE id = ? AND kind IN ${PAYMENT_CONSENT_KIND_MARKS} AND status = 'AUTH'`,
        [this.time(payment.createdAt), payment.consentId, ...PAYMENT_CONSENT_KINDS],
      );
      if (consumed === 0) throw new ConsentNoLongerAuthorised();
      return { customerLocked: false, mandateWindows: [] };
    }
    if (this.dialect === 'mysql') {
      const locked: Array<{ customer_id: string | null }> = await manager.query(
        `SELECT c.customer_id FROM consent c STRAIGHT_JOIN customer cu ON cu.id = c.customer_id WHERE c.id = ? AND c.kind = ? AND c.status = 'AUTH' FOR UPDATE`,
        [payment.consentId, VRP_CONSENT_KIND],
      );
      if (locked.length === 0) throw new ConsentNoLongerAuthorised();
      return { customerLocked: locked[0]?.customer_id === payment.customerId, mandateWindows: consentUse.windows };
    }
    const found: unknown[] = await manager.query(`SELECT id FROM consent WHERE id = ? AND kind = ? AND status = 'AUTH'`, [
      payment.consentId,
      VRP_CONSENT_KIND,
    ]);
    if (found.length === 0) throw new ConsentNoLongerAuthorised();
    return { customerLocked: true, mandateWindows: consentUse.windows };
  }

  /**
   * The consent's payments not rejected, summed over each window, for display (the customer's pages): one statement,
   * reading only the payments since the earliest window's start through the consent's index by creation time, so a
   * mandate paid for years reads its current periods, not its whole history. A payment's own decision reads the same
   * sums under the mandate's lock, with its other facts ({@link TypeOrmPaymentStore.readFactsUnderLocks}).
   */
  async sumMandateUsage(consentId: string, windows: readonly PeriodWindow[]): Promise<bigint[]> {
    if (windows.length === 0) return [];
    const earliest = new Date(Math.min(...windows.map((window) => window.start.getTime())));
    const sums = windows
      .map((_, index) => `SUM(CASE WHEN created_at >= ? AND created_at < ? THEN amount_minor ELSE 0 END) AS used_${index}`)
      .join(', ');
    const [row] = await this.dataSource.query<Array<Record<string, string | number | null>>>(
      `SELECT ${sums} FROM payment WHERE consent_id = ? AND created_at >= ? AND status <> 'RJCT'`,
      [...windows.flatMap((window) => [this.time(window.start), this.time(window.end)]), consentId, this.time(earliest)],
    );
    return windows.map((_, index) => BigInt(row?.[`used_${index}`] ?? 0));
  }

  private time(date: Date): Date | string {
    return sqlTime(this.dialect, date);
  }

  /**
   * Inserts a payment on the test clock of its consent, if any (sandbox): a scheduled payment or a standing order's next
   * payment runs on the clock its consent is attached to. Read in the transaction that consumed the consent or runs the
   * payment before, so an attachment committed before is seen, and one after moves the pending payment itself.
   */
  private async insertPayment(manager: TransactionSql, payment: DomesticPayment): Promise<void> {
    const row = toRow(payment);
    await manager.query(
      `INSERT INTO payment (id, kind, consent_id, instruction_identification, instruction, client_id, customer_id, debtor_account_id, status,
                            status_reason_code, status_reason_description, amount_minor, charges_minor, currency, local_instrument, route,
                            creditor_account_id, creditor_identification, settle_after, due_at, created_at, executed_at, status_updated_at,
                            exchange_rate, transfer_amount_minor, transfer_currency, test_clock_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT test_clock_id FROM consent WHERE id = ?))`,
      [
        row.id,
        row.kind,
        row.consentId,
        row.instructionIdentification,
        row.instruction === null ? null : JSON.stringify(row.instruction),
        row.clientId,
        row.customerId,
        row.debtorAccountId,
        row.status,
        row.statusReasonCode,
        row.statusReasonDescription,
        row.amountMinor.toString(),
        row.chargesMinor.toString(),
        row.currency,
        row.localInstrument,
        row.route,
        row.creditorAccountId,
        row.creditorIdentification,
        row.settleAfter ? this.time(row.settleAfter) : null,
        row.dueAt ? this.time(row.dueAt) : null,
        this.time(row.createdAt),
        row.executedAt ? this.time(row.executedAt) : null,
        this.time(row.statusUpdatedAt),
        row.exchangeRate,
        row.transferAmountMinor?.toString() ?? null,
        row.transferCurrency,
        row.consentId,
      ],
    );
  }

  /**
   * Locks the customer (MySQL, unless the consent's use locked it; SQLite transactions are serialised) and the accounts,
   * reads the facts under those locks in one statement (the transaction's first plain read, so on MySQL its REPEATABLE
   * READ snapshot is taken under every lock), has the domain decide, and posts the transfers of a payment it accepts.
   */
  private async decideUnderLocks(manager: TransactionSql, execution: DecidedExecution, consent: ConsentUsed): Promise<DomesticPayment> {
    const { payment, transfers } = execution;
    if (this.dialect === 'mysql' && !consent.customerLocked)
      await manager.query('SELECT id FROM customer WHERE id = ? FOR UPDATE', [payment.customerId]);
    const accountIds = [...new Set([payment.debtorAccountId, ...transfers.flatMap((transfer) => transfer.entries.map((entry) => entry.accountId))])];
    const rows = await lockAccountRows(manager, accountIds);
    const facts = await this.readFactsUnderLocks(manager, execution, accountIds, consent.mandateWindows);
    const accounts = lockedAccountsOf(rows, facts.pendingDebits);
    const debtor = accounts.get(payment.debtorAccountId);
    if (!debtor) throw new Error(`debtor account ${payment.debtorAccountId} of payment ${payment.id} does not exist`);
    const decided = execution.decide({ debtorFunds: debtor.funds, risk: facts.risk, mandateUsedMinor: facts.mandateUsedMinor });
    if (decided.status !== 'RJCT') await postTransfersToLocked(manager, transfers, accounts);
    return decided;
  }

  /**
   * The facts a payment is decided on, in one statement: the customer's payments decided today and in its velocity
   * window, the partner's in its window (by `executed_at`: a scheduled payment counts when it ran, not when it was
   * ordered), the mandate's payments not rejected in each of its windows (through the consent's index by creation
   * time) and each account's pending debits.
   */
  private async readFactsUnderLocks(
    manager: TransactionSql,
    { payment, riskWindows }: DecidedExecution,
    accountIds: readonly string[],
    mandateWindows: readonly PeriodWindow[],
  ): Promise<FactsUnderLocks> {
    const time = (date: Date) => this.time(date);
    const columns = [
      `(SELECT COALESCE(SUM(amount_minor + charges_minor), 0) FROM payment
        WHERE customer_id = ? AND executed_at >= ? AND executed_at <= ? AND currency = ? AND status NOT IN ${UNPAID}) AS paid_today`,
      `(SELECT COUNT(*) FROM payment WHERE customer_id = ? AND executed_at >= ? AND executed_at <= ? AND status NOT IN ${UNPAID}) AS customer_in_window`,
      `(SELECT COUNT(*) FROM payment WHERE client_id = ? AND executed_at >= ? AND executed_at <= ? AND status NOT IN ${UNPAID}) AS partner_in_window`,
      ...mandateWindows.map(
        (_, index) =>
          `(SELECT COALESCE(SUM(amount_minor), 0) FROM payment WHERE consent_id = ? AND created_at >= ? AND created_at < ? AND status <> 'RJCT') AS used_${index}`,
      ),
      ...accountIds.map((_, index) => `${pendingDebitsColumn} AS pending_${index}`),
    ];
    const [facts] = await manager.query<Array<Record<string, string | number | null>>>(`SELECT ${columns.join(', ')}`, [
      payment.customerId,
      time(riskWindows.dayStart),
      time(riskWindows.end),
      payment.currency,
      payment.customerId,
      time(riskWindows.customerWindowStart),
      time(riskWindows.end),
      payment.clientId,
      time(riskWindows.partnerWindowStart),
      time(riskWindows.end),
      ...mandateWindows.flatMap((window) => [payment.consentId, time(window.start), time(window.end)]),
      ...accountIds,
    ]);
    const read = (column: string) => facts?.[column] ?? 0;
    return {
      risk: {
        customerPaidTodayMinor: BigInt(read('paid_today')),
        customerPaymentsInWindow: Number(read('customer_in_window')),
        partnerPaymentsInWindow: Number(read('partner_in_window')),
      },
      mandateUsedMinor: mandateWindows.map((_, index) => BigInt(read(`used_${index}`))),
      pendingDebits: new Map(accountIds.map((accountId, index) => [accountId, BigInt(read(`pending_${index}`))])),
    };
  }

  async findById(id: string): Promise<DomesticPayment | null> {
    if (!isStorableId(id)) return null;
    const row = await this.dataSource.getRepository<PaymentRow>('Payment').findOneBy({ id });
    return row ? toPayment(row) : null;
  }

  async listByConsent(consentId: string, limit: number): Promise<DomesticPayment[]> {
    if (!isStorableId(consentId)) return [];
    const rows = await this.dataSource
      .getRepository<PaymentRow>('Payment')
      .find({ where: { consentId }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
    return rows.map(toPayment);
  }

  async hasPaidPayee(customerId: string, creditorIdentification: string): Promise<boolean> {
    if (!isStorableId(creditorIdentification)) return false;
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 AS paid FROM payment WHERE customer_id = ? AND creditor_identification = ? AND status NOT IN ${UNPAID} LIMIT 1`,
      [customerId, creditorIdentification],
    );
    return rows.length > 0;
  }

  async listDueForSettlement(now: Date, limit: number, testClockId: string | null = null): Promise<DomesticPayment[]> {
    const rows = await this.dataSource.getRepository<PaymentRow>('Payment').find({
      where: { status: 'ACSP', settleAfter: LessThanOrEqual(now), testClockId: testClockId ?? IsNull() },
      order: { settleAfter: 'ASC' },
      take: limit,
    });
    return rows.map(toPayment);
  }

  async settle(result: SettlementResult, at: Date, toldAt: Date = at): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const updated = await manager.getRepository<PaymentRow>('Payment').update(
        { id: result.paymentId, status: 'ACSP' },
        {
          status: result.status,
          statusReasonCode: result.reason?.code ?? null,
          statusReasonDescription: result.reason?.description ?? null,
          statusUpdatedAt: at,
        },
      );
      if (!updated.affected) return false;
      await postTransfersWithin(transactionSqlOf(manager), result.transfers);
      await appendCustomerMailWithin(manager, result.notices);
      await this.outbox.appendWithin(manager, result.events, toldAt);
      return true;
    });
  }

  async listDue(now: Date, limit: number, testClockId: string | null): Promise<DomesticPayment[]> {
    const rows = await this.dataSource.getRepository<PaymentRow>('Payment').find({
      where: { status: 'PDNG', dueAt: LessThanOrEqual(now), testClockId: testClockId ?? IsNull() },
      order: { dueAt: 'ASC', id: 'ASC' },
      take: limit,
    });
    return rows.map(toPayment);
  }

  async runDue(run: DueRun, at: Date, testClockId: string | null): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const sql = transactionSqlOf(manager);
      if (!(await this.claimPending(sql, run.payment.id, at, testClockId))) return false;
      const decided = await this.decideUnderLocks(sql, run, { customerLocked: false, mandateWindows: [] });
      await manager.getRepository<PaymentRow>('Payment').update(
        { id: decided.id, status: 'PDNG' },
        {
          status: decided.status,
          statusReasonCode: decided.statusReason?.code ?? null,
          statusReasonDescription: decided.statusReason?.description ?? null,
          route: decided.route,
          creditorAccountId: decided.creditorAccountId,
          settleAfter: decided.settleAfter,
          executedAt: decided.executedAt,
          statusUpdatedAt: at,
        },
      );
      if (run.next) await this.insertPayment(sql, run.next);
      await this.outbox.appendWithin(manager, run.events, run.toldAt);
      return true;
    });
  }

  /**
   * Takes the pending payment's row for this transaction, first thing in it: on MySQL its row lock (`SKIP LOCKED`: a
   * row another process is running is passed over, not waited for); on SQLite the database's write lock, by a
   * conditional update that changes nothing.
   * @returns false when the payment is no longer `PDNG` (run or cancelled already), is being run elsewhere, or is no
   *   longer on `testClockId` (null: the bank's own time) because it was attached to a test clock or its clock deleted.
   */
  private async claimPending(manager: TransactionSql, paymentId: string, at: Date, testClockId: string | null): Promise<boolean> {
    if (this.dialect === 'mysql') {
      const rows: unknown[] = await manager.query(
        `SELECT id FROM payment WHERE id = ? AND status = 'PDNG' AND due_at <= ? AND test_clock_id <=> ? FOR UPDATE SKIP LOCKED`,
        [paymentId, this.time(at), testClockId],
      );
      return rows.length > 0;
    }
    const claimed = await manager.write(
      `UPDATE payment SET status = status WHERE id = ? AND status = 'PDNG' AND due_at <= ? AND test_clock_id IS ?`,
      [paymentId, this.time(at), testClockId],
    );
    return claimed > 0;
  }

  async listUpcoming(customerId: string, limit: number): Promise<UpcomingPayment[]> {
    if (!isStorableId(customerId)) return [];
    const rows = await this.dataSource
      .getRepository<PaymentRow>('Payment')
      .find({ where: { customerId, status: 'PDNG' }, order: { dueAt: 'ASC', id: 'ASC' }, take: limit });
    return this.upcomingOf(rows);
  }

  async findUpcoming(customerId: string, paymentId: string): Promise<UpcomingPayment | null> {
    if (!isStorableId(customerId) || !isStorableId(paymentId)) return null;
    const rows = await this.dataSource.getRepository<PaymentRow>('Payment').find({ where: { id: paymentId, customerId, status: 'PDNG' } });
    return (await this.upcomingOf(rows))[0] ?? null;
  }

  /** Pending payments with their apps' names and their consents' `Initiation`. */
  private async upcomingOf(rows: readonly PaymentRow[]): Promise<UpcomingPayment[]> {
    const names = new Map<string, string>();
    const clientIds = [...new Set(rows.map((row) => row.clientId))];
    if (clientIds.length > 0) {
      const apps = await this.dataSource.query<Array<{ client_id: string; name: string }>>(
        `SELECT client_id, name FROM software WHERE client_id IN (${clientIds.map(() => '?').join(', ')})`,
        clientIds,
      );
      for (const app of apps) names.set(app.client_id, app.name);
    }
    const initiations = new Map<string, Readonly<Record<string, unknown>>>();
    const consentIds = [...new Set(rows.map((row) => row.consentId))];
    if (consentIds.length > 0) {
      const consents = await this.dataSource
        .getRepository<ConsentRow>('Consent')
        .find({ select: { id: true, request: true }, where: { id: In(consentIds) } });
      for (const consent of consents) {
        const initiation = initiationOf(consent.request);
        if (initiation) initiations.set(consent.id, initiation);
      }
    }
    return rows.map((row) => ({
      payment: toPayment(row),
      appName: names.get(row.clientId) ?? null,
      initiation: initiations.get(row.consentId) ?? null,
    }));
  }

  async cancelPending(paymentId: string, events: readonly EventDraft[], at: Date): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const updated = await manager
        .getRepository<PaymentRow>('Payment')
        .update({ id: paymentId, status: 'PDNG' }, { status: 'CANC', statusUpdatedAt: at });
      if (!updated.affected) return false;
      await this.outbox.appendWithin(manager, events, at);
      return true;
    });
  }

  async readFunds(accountId: string): Promise<AccountFunds | null> {
    const [row] = await this.dataSource.query<
      Array<{ balance_minor: string | number; overdraft_limit_minor: string | number; pending_debits_minor: string | number }>
    >(
      `SELECT a.balance_minor, a.overdraft_limit_minor,
              COALESCE((SELECT SUM(e.amount_minor) FROM ledger_entry e WHERE e.account_id = a.id AND e.status = 'PDNG' AND e.amount_minor < 0), 0) AS pending_debits_minor
       FROM account a WHERE a.id = ?`,
      [accountId],
    );
    if (!row) return null;
    return {
      balanceMinor: BigInt(row.balance_minor),
      pendingDebitsMinor: BigInt(row.pending_debits_minor),
      overdraftLimitMinor: BigInt(row.overdraft_limit_minor),
    };
  }
}

function toRow(payment: DomesticPayment): PaymentRow {
  return {
    id: payment.id,
    kind: payment.kind,
    consentId: payment.consentId,
    instructionIdentification: payment.instructionIdentification,
    instruction: payment.instruction,
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
    dueAt: payment.dueAt,
    createdAt: payment.createdAt,
    executedAt: payment.executedAt,
    statusUpdatedAt: payment.statusUpdatedAt,
    exchangeRate: payment.conversion ? formatExchangeRate(payment.conversion.rate) : null,
    transferAmountMinor: payment.conversion?.creditMinor ?? null,
    transferCurrency: payment.conversion?.rate.targetCurrency ?? null,
  };
}

/** A payment as its row stores it. */
export function toPayment({
  statusReasonCode,
  statusReasonDescription,
  exchangeRate,
  transferAmountMinor,
  transferCurrency,
  testClockId: _testClockId,
  ...row
}: PaymentRow): DomesticPayment {
  const payment: DomesticPayment = {
    ...row,
    status: row.status as PaymentStatus,
    statusReason: statusReasonCode ? { code: statusReasonCode, description: statusReasonDescription ?? '' } : null,
    route: row.route as DomesticPayment['route'],
    kind: row.kind as DomesticPayment['kind'],
  };
  if (exchangeRate === null || transferAmountMinor === null || transferCurrency === null) return payment;
  const rate = parseExchangeRate(exchangeRate, row.currency, transferCurrency);
  return { ...payment, conversion: { rate, debitMinor: row.amountMinor, creditMinor: transferAmountMinor } };
}

/** A payment consent's `Data.Initiation`, from its stored request (`{ body, charges }`); null if it has none. */
function initiationOf(request: unknown): Readonly<Record<string, unknown>> | null {
  const document = (typeof request === 'string' ? JSON.parse(request) : request) as { body?: { Data?: { Initiation?: unknown } } } | null;
  const initiation = document?.body?.Data?.Initiation;
  return initiation && typeof initiation === 'object' ? (initiation as Record<string, unknown>) : null;
}
