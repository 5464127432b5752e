import type { EventDraft } from '../../src/domain/events/event-notification.js';
import { assertFundsAvailable, type AccountFunds } from '../../src/domain/ledger/funds.js';
import { assertBalancedTransfer, type TransferDraft } from '../../src/domain/ledger/ledger.js';
import type {
  DomesticPayment,
  ExecutionOutcome,
  PaymentExecution,
  PaymentStore,
  PeriodWindow,
  SettlementResult,
} from '../../src/domain/payments/domestic-payment.js';
import type { IdempotencyRecord, IdempotencyStore, IdempotentOperation } from '../../src/domain/payments/idempotency.js';
import type { RiskFacts } from '../../src/domain/payments/risk-policy.js';
import type { CustomerNotice } from '../../src/domain/mail/customer-notice.js';

/** An account of the in-memory ledger: customer accounts obey their overdraft limit, the bank's do not. */
export interface InMemoryAccount {
  readonly id: string;
  readonly currency: string;
  readonly customer: boolean;
  readonly overdraftLimitMinor: bigint;
  balanceMinor: bigint;
}

/**
 * A PaymentStore (and the IdempotencyStore it writes to) in memory for domain tests, with the semantics of
 * the TypeORM store: `execute` is all-or-nothing (idempotency record, consent `AUTH → COND`, the facts handed to
 * the domain's decision, the transfers of an accepted payment, the payment), and `settle` is a compare-and-set on
 * `ACSP` applied with its transfers. It decides nothing: a tiny double-entry ledger keeps balances, guarded by
 * the domain's own transfer and funds rules. Each method yields to the event loop before it reads, so concurrent
 * callers really interleave; every check-and-write happens in one synchronous step, as in one database
 * transaction.
 */
export class InMemoryPaymentStore implements PaymentStore, IdempotencyStore {
  readonly payments = new Map<string, DomesticPayment>();
  readonly accounts = new Map<string, InMemoryAccount>();
  /** Every transfer posted, in order. */
  readonly transfers: TransferDraft[] = [];
  /** The customer notices written with applied settlements, in order. */
  readonly notices: CustomerNotice[] = [];
  /** Consent id → status, for the consents payments may consume (`AUTH` → `COND`). */
  readonly consentStatus = new Map<string, string>();
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  /** How many times `settle` was called and how many of those applied a result (for assertions). */
  settleCalls = 0;
  settleApplied = 0;

  /** Test setup: opens an account with a balance (the opening money comes from nowhere: tests check differences). */
  openAccount(id: string, currency: string, options: { customer?: boolean; overdraftLimitMinor?: bigint; balanceMinor?: bigint } = {}): void {
    this.accounts.set(id, {
      id,
      currency,
      customer: options.customer ?? false,
      overdraftLimitMinor: options.overdraftLimitMinor ?? 0n,
      balanceMinor: options.balanceMinor ?? 0n,
    });
  }

  /** Test setup: a payment as it stands (any status), no money moved. */
  put(payment: DomesticPayment): void {
    this.payments.set(payment.id, { ...payment });
  }

  balanceOf(accountId: string): bigint {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`no account ${accountId}`);
    return account.balanceMinor;
  }

  /** Posts transfers atomically: all of them or, on any broken rule, none. @throws InsufficientFunds, InvalidField. */
  postTransfers(transfers: readonly TransferDraft[]): void {
    const balances = new Map<string, bigint>();
    for (const transfer of transfers) {
      assertBalancedTransfer(transfer);
      const net = new Map<string, bigint>();
      for (const entry of transfer.entries) net.set(entry.accountId, (net.get(entry.accountId) ?? 0n) + entry.amountMinor);
      for (const [accountId, netMinor] of net) {
        const account = this.accounts.get(accountId);
        if (!account) throw new Error(`no account ${accountId}`);
        if (account.currency !== transfer.currency) throw new Error(`account ${accountId} is not in ${transfer.currency}`);
        const before = balances.get(accountId) ?? account.balanceMinor;
        if (account.customer) assertFundsAvailable(transfer.id, accountId, fundsOf(account, before), netMinor);
        balances.set(accountId, before + netMinor);
      }
    }
    for (const [accountId, balanceMinor] of balances) (this.accounts.get(accountId) as InMemoryAccount).balanceMinor = balanceMinor;
    this.transfers.push(...transfers);
  }

  async execute(execution: PaymentExecution): Promise<ExecutionOutcome> {
    await tick();
    const { payment, idempotency } = execution;
    const slot = idempotencySlot(idempotency.clientId, idempotency.operation, idempotency.keyHash);
    if (this.idempotency.has(slot)) return { kind: 'duplicate-key' };
    if (this.consentStatus.get(payment.consentId) !== 'AUTH') return { kind: 'consent-not-authorised' };
    const sameInstruction = [...this.payments.values()].some(
      (stored) => stored.consentId === payment.consentId && stored.instructionIdentification === payment.instructionIdentification,
    );
    if (payment.instructionIdentification !== null && sameInstruction) return { kind: 'duplicate-instruction' };
    const debtor = this.accounts.get(payment.debtorAccountId);
    if (!debtor) throw new Error(`no account ${payment.debtorAccountId}`);
    const decided = execution.decide({
      debtorFunds: fundsOf(debtor, debtor.balanceMinor),
      risk: this.riskFacts(execution),
      mandateUsedMinor: this.mandateUsage(execution),
    });
    if (decided.status !== 'RJCT') this.postTransfers(execution.transfers);
    this.idempotency.set(slot, { ...idempotency });
    if (execution.consentUse.kind === 'consume') this.consentStatus.set(payment.consentId, 'COND');
    this.payments.set(decided.id, decided);
    return { kind: 'created', payment: decided };
  }

  /** A VRP mandate's payments not rejected, summed over each window of its usage. */
  private mandateUsage({ payment, consentUse }: PaymentExecution): bigint[] {
    return consentUse.kind === 'consume' ? [] : this.sumOver(payment.consentId, consentUse.windows);
  }

  async sumMandateUsage(consentId: string, windows: readonly PeriodWindow[]): Promise<bigint[]> {
    await tick();
    return this.sumOver(consentId, windows);
  }

  private sumOver(consentId: string, windows: readonly PeriodWindow[]): bigint[] {
    const made = [...this.payments.values()].filter((stored) => stored.consentId === consentId && stored.status !== 'RJCT');
    return windows.map(({ start, end }) =>
      made
        .filter((stored) => stored.createdAt.getTime() >= start.getTime() && stored.createdAt.getTime() < end.getTime())
        .reduce((sum, stored) => sum + stored.amountMinor, 0n),
    );
  }

  private riskFacts({ payment, riskWindows }: PaymentExecution): RiskFacts {
    let customerPaidTodayMinor = 0n;
    let customerPaymentsInWindow = 0;
    let partnerPaymentsInWindow = 0;
    for (const stored of this.payments.values()) {
      if (stored.status === 'RJCT' || stored.executedAt === null || stored.executedAt.getTime() > riskWindows.end.getTime()) continue;
      const at = stored.executedAt.getTime();
      if (stored.customerId === payment.customerId) {
        if (at >= riskWindows.dayStart.getTime() && stored.currency === payment.currency)
          customerPaidTodayMinor += stored.amountMinor + stored.chargesMinor;
        if (at >= riskWindows.customerWindowStart.getTime()) customerPaymentsInWindow += 1;
      }
      if (stored.clientId === payment.clientId && at >= riskWindows.partnerWindowStart.getTime()) partnerPaymentsInWindow += 1;
    }
    return { customerPaidTodayMinor, customerPaymentsInWindow, partnerPaymentsInWindow };
  }

  async findById(id: string): Promise<DomesticPayment | null> {
    await tick();
    const payment = this.payments.get(id);
    return payment ? { ...payment } : null;
  }

  async listByConsent(consentId: string, limit: number): Promise<DomesticPayment[]> {
    await tick();
    return [...this.payments.values()]
      .filter((payment) => payment.consentId === consentId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit)
      .map((payment) => ({ ...payment }));
  }

  async hasPaidPayee(customerId: string, creditorIdentification: string): Promise<boolean> {
    await tick();
    return [...this.payments.values()].some(
      (payment) =>
        payment.customerId === customerId &&
        payment.creditorIdentification === creditorIdentification &&
        !['RJCT', 'PDNG', 'CANC'].includes(payment.status),
    );
  }

  async listDueForSettlement(now: Date, limit: number): Promise<DomesticPayment[]> {
    await tick();
    return [...this.payments.values()]
      .filter((payment) => payment.status === 'ACSP' && payment.settleAfter !== null && payment.settleAfter.getTime() <= now.getTime())
      .sort((a, b) => (a.settleAfter as Date).getTime() - (b.settleAfter as Date).getTime())
      .slice(0, limit)
      .map((payment) => ({ ...payment }));
  }

  /** The events written with settlements, in order. */
  readonly events: EventDraft[] = [];

  async settle(result: SettlementResult, at: Date): Promise<boolean> {
    await tick();
    this.settleCalls += 1;
    const current = this.payments.get(result.paymentId);
    if (!current || current.status !== 'ACSP') return false;
    this.postTransfers(result.transfers);
    this.events.push(...result.events);
    this.notices.push(...result.notices);
    this.payments.set(result.paymentId, { ...current, status: result.status, statusReason: result.reason, statusUpdatedAt: at });
    this.settleApplied += 1;
    return true;
  }

  async find(clientId: string, operation: IdempotentOperation, keyHash: string): Promise<IdempotencyRecord | null> {
    await tick();
    return this.idempotency.get(idempotencySlot(clientId, operation, keyHash)) ?? null;
  }

  async forgetIfOlderThan(record: IdempotencyRecord, cutoff: Date): Promise<void> {
    await tick();
    const slot = idempotencySlot(record.clientId, record.operation, record.keyHash);
    const stored = this.idempotency.get(slot);
    if (stored && stored.createdAt.getTime() < cutoff.getTime()) this.idempotency.delete(slot);
  }
}

/** The funds of an in-memory account at a balance (it keeps no pending card authorisations). */
function fundsOf(account: InMemoryAccount, balanceMinor: bigint): AccountFunds {
  return { balanceMinor, pendingDebitsMinor: 0n, overdraftLimitMinor: account.overdraftLimitMinor };
}

function idempotencySlot(clientId: string, operation: string, keyHash: string): string {
  return JSON.stringify([clientId, operation, keyHash]);
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
