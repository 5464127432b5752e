/** What must hold in the database after a payment benchmark, printed one line each (`ok` / `FAIL`). */
import type { Database } from '../../src/persistence/data-source.js';
import type { Payer } from './pisp-fixture.js';
import { amountText, say } from './report.js';

/** Prints each check and remembers whether all held. */
export class InvariantReport {
  ok = true;

  check(holds: boolean, text: string): void {
    if (!holds) this.ok = false;
    say(`  ${holds ? 'ok  ' : 'FAIL'} ${text}`);
  }
}

type Query = <T>(sql: string, parameters?: unknown[]) => Promise<T[]>;

function queryOf(database: Database): Query {
  return async <T>(sql: string, parameters: unknown[] = []) => await database.dataSource.query<T[]>(sql, parameters);
}

/**
 * The ledger over the whole database: every transfer sums to zero and has ≥ 2 entries; every account's balance is the
 * sum of its booked entries; no payer below zero; one `payment` transfer per payment not rejected, with the same total;
 * every payer's balance is its funding − payments made + payments received according to the payment rows.
 */
export async function checkLedger(database: Database, payers: readonly Payer[], fundingMinor: bigint, report: InvariantReport): Promise<void> {
  const query = queryOf(database);
  const [transfers] = await query<{ transfers: string; unbalanced: string; short: string }>(
    `SELECT COUNT(*) AS transfers, COALESCE(SUM(CASE WHEN total <> 0 THEN 1 ELSE 0 END), 0) AS unbalanced, COALESCE(SUM(CASE WHEN entries < 2 THEN 1 ELSE 0 END), 0) AS short
       FROM (SELECT t.id, COALESCE(SUM(e.amount_minor), 0) AS total, COUNT(e.id) AS entries FROM ledger_transfer t LEFT JOIN ledger_entry e ON e.transfer_id = t.id GROUP BY t.id) x`,
  );
  report.check(
    Number(transfers?.unbalanced) === 0 && Number(transfers?.short) === 0,
    `${Number(transfers?.transfers).toLocaleString('en')} transfers: each sums to zero (${transfers?.unbalanced} do not) and has ≥ 2 entries (${transfers?.short} do not)`,
  );
  const [accounts] = await query<{ accounts: string; differ: string }>(
    `SELECT COUNT(*) AS accounts, COALESCE(SUM(CASE WHEN a.balance_minor <> COALESCE(b.booked, 0) THEN 1 ELSE 0 END), 0) AS differ
       FROM account a LEFT JOIN (SELECT account_id, SUM(amount_minor) AS booked FROM ledger_entry WHERE status = 'BOOK' GROUP BY account_id) b ON b.account_id = a.id`,
  );
  report.check(Number(accounts?.differ) === 0, `${accounts?.accounts} accounts: balance = sum of its booked entries (${accounts?.differ} differ)`);
  const payerIds = payers.map((payer) => payer.accountId);
  const inPayers = payerIds.map(() => '?').join(',');
  const [negative] = await query<{ below: string; lowest: string }>(
    `SELECT COALESCE(SUM(CASE WHEN balance_minor < 0 THEN 1 ELSE 0 END), 0) AS below, MIN(balance_minor) AS lowest FROM account WHERE id IN (${inPayers})`,
    payerIds,
  );
  report.check(
    Number(negative?.below) === 0,
    `${payers.length} payers: none below zero (lowest balance ${amountText(BigInt(negative?.lowest ?? 0))})`,
  );
  const [totals] = await query<{ payments: string; amount: string; transfers: string; credited: string }>(
    `SELECT (SELECT COUNT(*) FROM payment WHERE status <> 'RJCT') AS payments, (SELECT COALESCE(SUM(amount_minor), 0) FROM payment WHERE status <> 'RJCT') AS amount,
            (SELECT COUNT(*) FROM ledger_transfer WHERE kind = 'payment') AS transfers,
            (SELECT COALESCE(SUM(e.amount_minor), 0) FROM ledger_entry e JOIN ledger_transfer t ON t.id = e.transfer_id WHERE t.kind = 'payment' AND e.amount_minor > 0) AS credited`,
  );
  report.check(
    totals?.payments === totals?.transfers && BigInt(totals?.amount ?? -1) === BigInt(totals?.credited ?? -2),
    `${Number(totals?.payments).toLocaleString('en')} payments, ${Number(totals?.transfers).toLocaleString('en')} payment transfers; amounts paid ${amountText(BigInt(totals?.amount ?? 0))} = credited ${amountText(BigInt(totals?.credited ?? 0))}`,
  );
  const sums = async (column: string) =>
    new Map(
      (
        await query<{ id: string; total: string }>(
          `SELECT ${column} AS id, SUM(amount_minor) AS total FROM payment WHERE status <> 'RJCT' AND ${column} IS NOT NULL GROUP BY ${column}`,
        )
      ).map((row) => [row.id, BigInt(row.total)]),
    );
  const [paid, received] = [await sums('debtor_account_id'), await sums('creditor_account_id')];
  const balances = await query<{ id: string; balance_minor: string }>(`SELECT id, balance_minor FROM account WHERE id IN (${inPayers})`, payerIds);
  const off = balances.filter((row) => BigInt(row.balance_minor) !== fundingMinor - (paid.get(row.id) ?? 0n) + (received.get(row.id) ?? 0n));
  report.check(
    off.length === 0,
    `${balances.length} payers: balance = funding − payments made + payments received, per the payment rows (${off.length} differ)`,
  );
}

/** Successful responses a side counted, and how many more payments may have been stored (in flight when runs stopped). */
export interface Accepted {
  readonly who: string;
  readonly clientId: string;
  readonly accepted: number;
  readonly inFlightMax: number;
}

/**
 * One payment consumes one consent (domestic payments, and the baseline): payments stored = responses counted (+ at
 * most those in flight), none rejected, each payment's consent `COND` and no other consent of the client.
 */
export async function checkConsumedConsents(database: Database, side: Accepted, report: InvariantReport): Promise<void> {
  const query = queryOf(database);
  const { who, clientId, accepted, inFlightMax } = side;
  const [payments] = await query<{ payments: string; cond: string; rejected: string }>(
    `SELECT COUNT(*) AS payments, COALESCE(SUM(CASE WHEN c.status = 'COND' THEN 1 ELSE 0 END), 0) AS cond, COALESCE(SUM(CASE WHEN p.status = 'RJCT' THEN 1 ELSE 0 END), 0) AS rejected
       FROM payment p JOIN consent c ON c.id = p.consent_id WHERE p.client_id = ?`,
    [clientId],
  );
  const stored = Number(payments?.payments);
  const [consents] = await query<{ cond: string; auth: string }>(
    `SELECT COALESCE(SUM(CASE WHEN status = 'COND' THEN 1 ELSE 0 END), 0) AS cond, COALESCE(SUM(CASE WHEN status = 'AUTH' THEN 1 ELSE 0 END), 0) AS auth
       FROM consent WHERE client_id = ? AND kind = 'domestic-payment'`,
    [clientId],
  );
  report.check(
    stored >= accepted && stored <= accepted + inFlightMax && Number(payments?.rejected) === 0,
    `${who}: ${stored.toLocaleString('en')} payments stored for ${accepted.toLocaleString('en')} successful responses counted (+ ≤ ${inFlightMax} may have been in flight when timed runs stopped), ${payments?.rejected} rejected`,
  );
  report.check(
    Number(payments?.cond) === stored && Number(consents?.cond) === stored,
    `${who}: the consent of every payment is COND and no other consent is (${Number(consents?.cond).toLocaleString('en')}); ${Number(consents?.auth).toLocaleString('en')} prepared consents left unused (AUTH)`,
  );
}
