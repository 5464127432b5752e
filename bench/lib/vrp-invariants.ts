/** What must hold for the payments the vrp bench made under its mandates (the ledger is checked by payment-invariants). */
import type { Database } from '../../src/persistence/data-source.js';
import type { Accepted, InvariantReport } from './payment-invariants.js';
import { amountText } from './report.js';
import { MANDATE_LIMITS } from './vrp-fixture.js';

/**
 * The app's VRPs: as many stored as responses counted (+ at most those in flight when timed runs stopped), all `ACSC`;
 * each with its own InstructionIdentification and its own idempotency record; every mandate still `AUTH` (a payment does
 * not use a mandate up); and how the payments spread over the mandates, whose largest total stays far below its limits.
 */
export async function checkMandatePayments(database: Database, side: Accepted, mandates: number, report: InvariantReport): Promise<void> {
  const query = async <T>(sql: string, parameters: unknown[]) => await database.dataSource.query<T[]>(sql, parameters);
  const { who, clientId, accepted, inFlightMax } = side;
  const [payments] = await query<{ payments: string; acsc: string; instructions: string }>(
    `SELECT COUNT(*) AS payments, COALESCE(SUM(CASE WHEN status = 'ACSC' THEN 1 ELSE 0 END), 0) AS acsc, COUNT(DISTINCT instruction_identification) AS instructions
       FROM payment WHERE client_id = ? AND kind = 'domestic-vrp'`,
    [clientId],
  );
  const stored = Number(payments?.payments);
  report.check(
    stored >= accepted && stored <= accepted + inFlightMax && Number(payments?.acsc) === stored,
    `${who}: ${stored.toLocaleString('en')} VRPs stored for ${accepted.toLocaleString('en')} successful responses counted (+ ≤ ${inFlightMax} may have been in flight when timed runs stopped), ${Number(payments?.acsc).toLocaleString('en')} ACSC`,
  );
  const [keys] = await query<{ keys: string }>(
    `SELECT COUNT(*) AS \`keys\` FROM idempotency_key WHERE client_id = ? AND operation = 'domestic-vrp'`,
    [clientId],
  );
  report.check(
    Number(payments?.instructions) === stored && Number(keys?.keys) === stored,
    `${who}: every VRP has its own InstructionIdentification (${Number(payments?.instructions).toLocaleString('en')} distinct) and idempotency key (${Number(keys?.keys).toLocaleString('en')} records)`,
  );
  const [consents] = await query<{ auth: string; other: string }>(
    `SELECT COALESCE(SUM(CASE WHEN status = 'AUTH' THEN 1 ELSE 0 END), 0) AS auth, COALESCE(SUM(CASE WHEN status <> 'AUTH' THEN 1 ELSE 0 END), 0) AS other
       FROM consent WHERE client_id = ? AND kind = 'domestic-vrp'`,
    [clientId],
  );
  report.check(
    Number(consents?.auth) === mandates && Number(consents?.other) === 0,
    `${who}: all ${mandates} mandates still AUTH (${consents?.auth} AUTH, ${consents?.other} other)`,
  );
  const [spread] = await query<{ mandates: string; fewest: string; most: string; largest: string }>(
    `SELECT COUNT(*) AS mandates, MIN(n) AS fewest, MAX(n) AS most, MAX(total) AS largest
       FROM (SELECT consent_id, COUNT(*) AS n, SUM(amount_minor) AS total FROM payment WHERE client_id = ? AND kind = 'domestic-vrp' GROUP BY consent_id) x`,
    [clientId],
  );
  const largest = BigInt(spread?.largest ?? 0);
  report.check(
    largest <= MANDATE_LIMITS.dayMinor,
    `${who}: ${spread?.fewest}–${spread?.most} payments per mandate over ${spread?.mandates} mandates; the largest total paid under one, ${amountText(largest)}, ` +
      `is within its daily limit of ${amountText(MANDATE_LIMITS.dayMinor)} (${((Number(largest) / Number(MANDATE_LIMITS.dayMinor)) * 100).toFixed(2)} % of it)`,
  );
}
