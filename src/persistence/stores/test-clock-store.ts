import type { DataSource, EntityManager } from 'typeorm';
import type { EventDraft } from '../../domain/events/event-notification.js';
import type { DomesticPayment } from '../../domain/payments/domestic-payment.js';
import type { ConsentClockUse, TestClock, TestClockStore } from '../../domain/payments/test-clocks/test-clocks.js';
import type { Dialect } from '../entities/column-types.js';
import type { PaymentRow } from '../entities/payment.entity.js';
import type { TestClockRow } from '../entities/test-clock.entity.js';
import { isStorableId, sqlTime } from '../sql.js';
import { inTransaction } from '../transactions.js';
import type { EventOutboxWriter } from './event-outbox-writer.js';
import { toPayment } from './payment-store.js';

/** Thrown inside the attach transaction to roll it back when a payment of the consent was made meanwhile. */
class PaymentMadeMeanwhile extends Error {}

/**
 * Sandbox test clocks in `test_clock`; a consent is on a clock by `consent.test_clock_id`, and its payments by
 * `payment.test_clock_id` (the payment store copies the consent's when it stores a payment). Lock order, as the payment
 * transactions take theirs: clock → consent → payments.
 */
export class TypeOrmTestClockStore implements TestClockStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: Dialect,
    private readonly outbox: EventOutboxWriter,
  ) {}

  private time(date: Date): Date | string {
    return sqlTime(this.dialect, date);
  }

  async insert(clock: TestClock): Promise<void> {
    await this.dataSource.getRepository<TestClockRow>('TestClock').insert({ ...clock });
  }

  async findById(id: string): Promise<TestClock | null> {
    if (!isStorableId(id)) return null;
    return this.dataSource.getRepository<TestClockRow>('TestClock').findOneBy({ id });
  }

  async listByClient(clientId: string, limit: number): Promise<TestClock[]> {
    return this.dataSource
      .getRepository<TestClockRow>('TestClock')
      .find({ where: { clientId }, order: { createdAt: 'ASC', id: 'ASC' }, take: limit });
  }

  async listConsentIds(clockIds: readonly string[]): Promise<Map<string, string[]>> {
    const byClock = new Map<string, string[]>(clockIds.map((id) => [id, []]));
    if (clockIds.length === 0) return byClock;
    const rows = await this.dataSource.query<Array<{ id: string; test_clock_id: string }>>(
      `SELECT id, test_clock_id FROM consent WHERE test_clock_id IN (${clockIds.map(() => '?').join(', ')}) ORDER BY id`,
      [...clockIds],
    );
    for (const row of rows) byClock.get(row.test_clock_id)?.push(row.id);
    return byClock;
  }

  async findConsentUse(consentId: string): Promise<ConsentClockUse> {
    const [row] = await this.dataSource.query<Array<{ test_clock_id: string | null; made: string | number }>>(
      `SELECT c.test_clock_id, (SELECT COUNT(*) FROM payment p WHERE p.consent_id = c.id AND p.status <> 'PDNG') AS made
       FROM consent c WHERE c.id = ?`,
      [consentId],
    );
    return { testClockId: row?.test_clock_id ?? null, paymentsMade: Number(row?.made ?? 0) > 0 };
  }

  async attach(clockId: string, consentId: string): Promise<boolean> {
    try {
      return await inTransaction(this.dataSource, async (manager) => {
        if (!(await this.lockClock(manager, clockId))) return false;
        const attached = await manager.queryRunner?.query(
          `UPDATE consent SET test_clock_id = ? WHERE id = ? AND test_clock_id IS NULL`,
          [clockId, consentId],
          true,
        );
        if (!attached?.affected) return false;
        // The consent's payments, locked by this update (a scheduler running one is waited for), then checked with a
        // locking read: a payment made before this transaction took them rolls the attachment back.
        await manager.query(`UPDATE payment SET test_clock_id = ? WHERE consent_id = ? AND status = 'PDNG'`, [clockId, consentId]);
        const [made] = await manager.query<Array<{ n: string | number }>>(
          `SELECT COUNT(*) AS n FROM payment WHERE consent_id = ? AND status <> 'PDNG'${this.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
          [consentId],
        );
        if (Number(made?.n ?? 0) > 0) throw new PaymentMadeMeanwhile();
        return true;
      });
    } catch (error) {
      if (error instanceof PaymentMadeMeanwhile) return false;
      throw error;
    }
  }

  async beginAdvance(clockId: string, until: Date, now: Date): Promise<boolean> {
    const begun = await inTransaction(this.dataSource, async (manager) =>
      manager.queryRunner?.query(
        `UPDATE test_clock SET advancing_until = ? WHERE id = ? AND (advancing_until IS NULL OR advancing_until <= ?)`,
        [this.time(until), clockId, this.time(now)],
        true,
      ),
    );
    return Boolean(begun?.affected);
  }

  async finishAdvance(clockId: string, frozenTime: Date): Promise<void> {
    await this.dataSource.getRepository<TestClockRow>('TestClock').update({ id: clockId }, { frozenTime, advancingUntil: null });
  }

  async delete(clockId: string, at: Date, eventsOf: (payment: DomesticPayment) => readonly EventDraft[]): Promise<number | null> {
    return inTransaction(this.dataSource, async (manager) => {
      const deleted = await manager.queryRunner?.query(
        `DELETE FROM test_clock WHERE id = ? AND (advancing_until IS NULL OR advancing_until <= ?)`,
        [clockId, this.time(at)],
        true,
      );
      if (!deleted?.affected) return null;
      await manager.query(`UPDATE consent SET test_clock_id = NULL WHERE test_clock_id = ?`, [clockId]);
      const pending = await manager.query<Array<{ id: string }>>(
        `SELECT id FROM payment WHERE test_clock_id = ? AND status = 'PDNG'${this.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
        [clockId],
      );
      const repository = manager.getRepository<PaymentRow>('Payment');
      let cancelled = 0;
      for (const { id } of pending) {
        const row = await repository.findOneBy({ id });
        if (!row) continue;
        await repository.update({ id, status: 'PDNG' }, { status: 'CANC', statusUpdatedAt: at });
        await this.outbox.appendWithin(manager, eventsOf(toPayment(row)), at);
        cancelled += 1;
      }
      // Payments the scheme has still to settle go to the bank's settlement, due now; the rest keep nothing of the clock.
      await manager.query(`UPDATE payment SET settle_after = ? WHERE test_clock_id = ? AND status = 'ACSP'`, [this.time(at), clockId]);
      await manager.query(`UPDATE payment SET test_clock_id = NULL WHERE test_clock_id = ?`, [clockId]);
      return cancelled;
    });
  }

  /** Takes the clock's row for this transaction (MySQL: its row lock; SQLite: the write lock). @returns false when it is gone. */
  private async lockClock(manager: EntityManager, clockId: string): Promise<boolean> {
    if (this.dialect === 'mysql') {
      const rows: unknown[] = await manager.query('SELECT id FROM test_clock WHERE id = ? FOR UPDATE', [clockId]);
      return rows.length > 0;
    }
    const locked = await manager.queryRunner?.query('UPDATE test_clock SET id = id WHERE id = ?', [clockId], true);
    return Boolean(locked?.affected);
  }
}
