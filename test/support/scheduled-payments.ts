import { randomUUID } from 'node:crypto';
import { newId } from '../../src/domain/ids.js';
import { DEFAULT_FEE_SCHEDULE } from '../../src/domain/payments/charges.js';
import type { SchedulerServices } from '../../src/domain/payments/scheduled/run-due-payments.js';
import type { Database } from '../../src/persistence/data-source.js';
import { sqlTime } from '../../src/persistence/sql.js';
import { TypeOrmAccountStore } from '../../src/persistence/stores/account-store.js';
import { TypeOrmPaymentConsentStore } from '../../src/persistence/stores/payment-consent-store.js';
import { TypeOrmPaymentStore } from '../../src/persistence/stores/payment-store.js';
import { testEventOutbox } from './event-outbox.js';
import { GENEROUS } from './vrp-mandate.js';

/** The partner of the scheduled payments these helpers store. */
export const SCHEDULING_CLIENT = 'cli_scheduler_app';

/** Bob's current account, the payee of every scheduled payment here: a payee at this bank (booked at once). */
const BOB = { accountId: 'acc_bob_current', identification: '99030141873205', name: 'Bob Patel' };

/** What running scheduled payments needs, over the real stores of `database` (risk limits no test reaches). */
export async function schedulerServices(database: Database): Promise<SchedulerServices> {
  const { dataSource, dialect } = database;
  return {
    scheduled: new TypeOrmPaymentStore(dataSource, dialect, await testEventOutbox()),
    consents: new TypeOrmPaymentConsentStore(dataSource),
    accounts: new TypeOrmAccountStore(dataSource),
    risk: GENEROUS,
    settlementDelayMs: 10_000,
    fees: DEFAULT_FEE_SCHEDULE,
  };
}

/**
 * Stores `count` scheduled payments of `amount` GBP from Alice's current account to Bob's, each ordered from its own
 * consumed scheduled-payment consent and pending (`PDNG`) until `dueAt`, as `POST /domestic-scheduled-payments` leaves
 * them (written in bulk, so that tests can queue hundreds quickly).
 * @returns the payments' ids.
 */
export async function storeScheduledPayments(database: Database, count: number, amount: string, dueAt: Date): Promise<string[]> {
  const rows = Array.from({ length: count }, () => ({ consentId: newId('psc'), paymentId: newId('pmt'), instruction: randomUUID().slice(0, 35) }));
  await storePending(database, rows, amount, dueAt, null);
  return rows.map((row) => row.paymentId);
}

/**
 * Stores `count` standing orders from Alice's current account to Bob's of `numberOfPayments` payments of `amount` GBP
 * every day from `firstDueAt`, each made from its own consumed standing-order consent, its first payment pending, as
 * `POST /domestic-standing-orders` leaves them.
 * @returns the consents' ids.
 */
export async function storeStandingOrders(
  database: Database,
  count: number,
  amount: string,
  firstDueAt: Date,
  numberOfPayments: number,
): Promise<string[]> {
  const rows = Array.from({ length: count }, () => ({ consentId: newId('soc'), paymentId: newId('pmt'), instruction: '1' }));
  await storePending(database, rows, amount, firstDueAt, numberOfPayments);
  return rows.map((row) => row.consentId);
}

async function storePending(
  database: Database,
  rows: ReadonlyArray<{ consentId: string; paymentId: string; instruction: string }>,
  amount: string,
  dueAt: Date,
  numberOfPayments: number | null,
): Promise<void> {
  const time = (date: Date) => sqlTime(database.dialect, date);
  const now = new Date();
  const amountMinor = BigInt(Math.round(Number(amount) * 100)).toString();
  for (let start = 0; start < rows.length; start += 100) {
    const chunk = rows.slice(start, start + 100);
    const marks = (columns: number) => chunk.map(() => `(${Array.from({ length: columns }, () => '?').join(', ')})`).join(', ');
    await database.dataSource.query(
      `INSERT INTO consent (id, kind, client_id, status, permissions, expires_at, customer_id, authorised_at, created_at, status_updated_at, request)
       VALUES ${marks(11)}`,
      chunk.flatMap((row) => [
        row.consentId,
        numberOfPayments === null ? 'scheduled-payment' : 'standing-order',
        SCHEDULING_CLIENT,
        'COND',
        '[]',
        time(now),
        'cus_sandbox_alice',
        time(now),
        time(now),
        time(now),
        JSON.stringify({
          body: numberOfPayments === null ? consentRequest(row.instruction, amount, dueAt) : standingOrderRequest(amount, dueAt, numberOfPayments),
          charges: [],
        }),
      ]),
    );
    await database.dataSource.query(
      `INSERT INTO consent_account (consent_id, account_id) VALUES ${marks(2)}`,
      chunk.flatMap((row) => [row.consentId, 'acc_alice_current']),
    );
    await database.dataSource.query(
      `INSERT INTO payment (id, kind, consent_id, instruction_identification, client_id, customer_id, debtor_account_id, status, amount_minor,
                            charges_minor, currency, local_instrument, route, creditor_account_id, creditor_identification, due_at, created_at,
                            status_updated_at)
       VALUES ${marks(18)}`,
      chunk.flatMap((row) => [
        row.paymentId,
        numberOfPayments === null ? 'domestic-scheduled' : 'standing-order',
        row.consentId,
        row.instruction,
        SCHEDULING_CLIENT,
        'cus_sandbox_alice',
        'acc_alice_current',
        'PDNG',
        amountMinor,
        '0',
        'GBP',
        'UK.OBIE.FPS',
        'internal',
        BOB.accountId,
        BOB.identification,
        time(dueAt),
        time(now),
        time(now),
      ]),
    );
  }
}

function standingOrderRequest(amount: string, firstDueAt: Date, numberOfPayments: number) {
  return {
    Data: {
      Permission: 'Create',
      Initiation: {
        NumberOfPayments: String(numberOfPayments),
        FirstPaymentAmount: { Amount: amount, Currency: 'GBP' },
        CreditorAccount: { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: BOB.identification, Name: BOB.name },
        MandateRelatedInformation: { FirstPaymentDateTime: firstDueAt.toISOString(), Frequency: { Type: 'EvryDay' } },
      },
    },
    Risk: {},
  };
}

/** Each standing order's payments (by consent): their numbers, in order, and their ids. */
export async function standingOrderPayments(
  database: Database,
  consentIds: readonly string[],
): Promise<Map<string, Array<{ number: number; id: string; status: string }>>> {
  const rows = await database.dataSource.query<Array<{ consent_id: string; id: string; instruction_identification: string; status: string }>>(
    `SELECT consent_id, id, instruction_identification, status FROM payment WHERE consent_id IN (${consentIds.map(() => '?').join(', ')})`,
    [...consentIds],
  );
  const byConsent = new Map<string, Array<{ number: number; id: string; status: string }>>(consentIds.map((id) => [id, []]));
  for (const row of rows) byConsent.get(row.consent_id)?.push({ number: Number(row.instruction_identification), id: row.id, status: row.status });
  for (const payments of byConsent.values()) payments.sort((a, b) => a.number - b.number);
  return byConsent;
}

function consentRequest(instruction: string, amount: string, dueAt: Date) {
  return {
    Data: {
      Permission: 'Create',
      Initiation: {
        InstructionIdentification: instruction,
        EndToEndIdentification: 'E2E-SCHEDULED',
        RequestedExecutionDateTime: dueAt.toISOString(),
        InstructedAmount: { Amount: amount, Currency: 'GBP' },
        CreditorAccount: { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: BOB.identification, Name: BOB.name },
      },
    },
    Risk: {},
  };
}

/**
 * What became of `paymentIds`: how many have each status, how many payment transfers credited Bob for each (the
 * credit entry names its payment), and how many `resource-update` events each has.
 */
export async function scheduledOutcomes(
  database: Database,
  paymentIds: readonly string[],
): Promise<{ statuses: Record<string, number>; transfersPerPayment: number[]; eventsPerPayment: number[] }> {
  const marks = paymentIds.map(() => '?').join(', ');
  const statuses: Record<string, number> = {};
  const rows = await database.dataSource.query<Array<{ status: string; n: string | number }>>(
    `SELECT status, COUNT(*) AS n FROM payment WHERE id IN (${marks}) GROUP BY status`,
    [...paymentIds],
  );
  for (const row of rows) statuses[row.status] = Number(row.n);
  const credits = await database.dataSource.query<Array<{ information: string }>>(
    `SELECT e.information FROM ledger_entry e JOIN ledger_transfer t ON t.id = e.transfer_id WHERE t.kind = 'payment' AND e.account_id = ?`,
    [BOB.accountId],
  );
  const events = await database.dataSource.query<Array<{ resource_id: string }>>(
    `SELECT resource_id FROM event_notification WHERE client_id = ? AND resource_type = 'domestic-scheduled-payment'`,
    [SCHEDULING_CLIENT],
  );
  return {
    statuses,
    transfersPerPayment: paymentIds.map((id) => credits.filter((credit) => credit.information.endsWith(` ${id}`)).length),
    eventsPerPayment: paymentIds.map((id) => events.filter((event) => event.resource_id === id).length),
  };
}
