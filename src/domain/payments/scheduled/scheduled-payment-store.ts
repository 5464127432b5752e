import type { EventDraft } from '../../events/event-notification.js';
import type { DomesticPayment, OrderedPayment, PaymentExecution } from '../domestic-payment.js';

/** A due scheduled payment as it runs now: what it posts if accepted and how it is decided, with what partners hear. */
export interface DueRun extends Pick<PaymentExecution, 'transfers' | 'riskWindows' | 'decide'> {
  /** The pending payment as ordered now (its payee resolved again at the time it runs). */
  readonly payment: OrderedPayment;
  /** `resource-update` to the partner, written with the outcome. */
  readonly events: readonly EventDraft[];
  /** A standing order's next payment (`PDNG`), stored with this one's outcome; null when there is none. */
  readonly next: DomesticPayment | null;
  /**
   * When the partner is told (the events' issuance and push): the bank's time — the time the payment runs at, except on
   * a sandbox test clock, whose time the events carry only as their time of event.
   */
  readonly toldAt: Date;
}

/** Persistence of the scheduler's queue: the `PDNG` payments by due time. */
export interface ScheduledPaymentStore {
  /**
   * Pending payments due at `now`, earliest first, at most `limit` (read without locks: candidates, not claims): with
   * `testClockId` null, those on the bank's own time (of no test clock); else only those of that sandbox test clock.
   */
  listDue(now: Date, limit: number, testClockId: string | null): Promise<DomesticPayment[]>;
  /**
   * Runs one due payment exactly once, in one transaction: claims its row while it is still `PDNG` (on MySQL with
   * `FOR UPDATE SKIP LOCKED`: a row another process is running is skipped at once; on SQLite by taking the write lock
   * with a conditional update), locks the customer and the accounts, reads the facts, asks `decide`, posts the
   * transfers unless rejected, stores the outcome and the next payment of a standing order, and writes the events. A crash before the commit leaves the payment
   * `PDNG` for the next run; nothing is half done.
   * The payment must still be on `testClockId` (null: on the bank's own time, of no sandbox test clock).
   * @returns false, writing nothing, when the payment is no longer pending, another process is running it, or it is no
   *   longer on `testClockId`.
   */
  runDue(run: DueRun, at: Date, testClockId: string | null): Promise<boolean>;
}
