/**
 * Domestic payments the benchmarks plan (payer, payee, amount, and the consent to make it under), and the requests of
 * the raw-SQL baseline's `POST /pay` (bench/baseline-server.ts) made from them.
 */
import { newId } from '../../src/domain/ids.js';
import type { Database } from '../../src/persistence/data-source.js';
import { insertAuthorisedConsents, newGrantId, newIdempotencyKey, SORT_CODE_SCHEME, type AuthorisedConsent, type Payer } from './pisp-fixture.js';
import { amountText } from './report.js';
import { Pool } from './request-pool.js';

/** A payee of ours (`internal`: ACSC at once) or at another bank (`external`: the clearing account, ACSP). */
export type Route = 'internal' | 'external';

/** Who is paid: the account credited in our ledger (ours, or the clearing account) and how the partner names it. */
export interface Creditor {
  readonly accountId: string;
  readonly identification: string;
  readonly name: string;
}

/** One domestic payment a benchmark will make: its consent and what the partner sends. */
export interface Plan {
  readonly consent: AuthorisedConsent;
  readonly payer: Payer;
  readonly creditor: Creditor;
  readonly amountMinor: bigint;
  readonly reference: string;
  readonly route: Route;
}

/** A random amount from 1.00 to `maxMinor` − 0.01 (minor units). */
export function randomAmountMinor(maxMinor: bigint): bigint {
  return BigInt(100 + Math.floor(Math.random() * (Number(maxMinor) - 100)));
}

/**
 * The plan of payment number `serial`: a domestic payment consent of `clientId` (to be inserted as authorised by
 * `payer`) whose initiation pays `amountMinor` to `creditor` on UK.OBIE.FPS (free below 1000.00), with its own
 * InstructionIdentification, EndToEndIdentification and reference.
 */
export function domesticPaymentPlan(serial: number, clientId: string, payer: Payer, creditor: Creditor, amountMinor: bigint, route: Route): Plan {
  const reference = `Bench payment ${serial}`;
  const request = {
    Data: {
      Initiation: {
        InstructionIdentification: `BENCH-${serial}`,
        EndToEndIdentification: `BENCH-E2E-${serial}`,
        LocalInstrument: 'UK.OBIE.FPS',
        InstructedAmount: { Amount: amountText(amountMinor), Currency: 'GBP' },
        CreditorAccount: { SchemeName: SORT_CODE_SCHEME, Identification: creditor.identification, Name: creditor.name },
        RemittanceInformation: { Unstructured: [reference] },
      },
    },
    Risk: { PaymentContextCode: 'TransferToThirdParty' },
  };
  return {
    consent: { id: newId('pmc'), clientId, request, customerId: payer.customerId, debtorAccountId: payer.accountId, grantId: newGrantId() },
    payer,
    creditor,
    amountMinor,
    reference,
    route,
  };
}

/**
 * The baseline's requests for `plans`: their consents inserted as `AUTH` (the baseline consumes one per payment, as
 * OpenTeller does a domestic payment's), and for each a `POST /pay` body with the same payer, payee, amount and
 * reference, and its own idempotency key.
 */
export async function baselinePool(database: Database, plans: readonly Plan[]): Promise<Pool> {
  await insertAuthorisedConsents(
    database,
    plans.map((plan) => plan.consent),
  );
  return new Pool(
    plans.map((plan) => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: plan.consent.clientId,
        idempotencyKey: newIdempotencyKey(),
        consentId: plan.consent.id,
        customerId: plan.payer.customerId,
        debtorAccountId: plan.payer.accountId,
        creditorAccountId: plan.creditor.accountId,
        creditorName: plan.creditor.name,
        creditorSchemeName: SORT_CODE_SCHEME,
        creditorIdentification: plan.creditor.identification,
        amountMinor: String(plan.amountMinor),
        currency: 'GBP',
        localInstrument: 'UK.OBIE.FPS',
        reference: plan.reference,
        external: plan.route === 'external',
      }),
    })),
  );
}

/** The client id of the baseline's consents and payments: `cli_baseline000…`, as long as the app's. */
export function baselineClientIdLike(appClientId: string): string {
  return `cli_baseline${'0'.repeat(appClientId.length - 'cli_baseline'.length)}`;
}
