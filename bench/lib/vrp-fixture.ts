/**
 * What `npm run bench -- vrp` needs besides the pisp fixture: domestic VRP mandates between bench payers, created
 * through the real API and authorised with the store, and the `OBDomesticVRPRequest` of each payment under one.
 */
import { randomInt } from 'node:crypto';
import type { Config } from '../../src/config/config.js';
import { eventSealer } from '../../src/events/event-sealer.js';
import { loadKeyMaterial, messageSigningKey } from '../../src/oauth/key-material.js';
import type { Database } from '../../src/persistence/data-source.js';
import { EventOutboxWriter } from '../../src/persistence/stores/event-outbox-writer.js';
import { TypeOrmServerKeyStore } from '../../src/persistence/stores/server-key-store.js';
import { TypeOrmVrpConsentStore } from '../../src/persistence/stores/vrp-consent-store.js';
import { SchemaRegistry } from '../../src/validation/schema-registry.js';
import { createConsentsThroughApi } from './api-consents.js';
import type { Creditor } from './payment-plans.js';
import { newGrantId, SORT_CODE_SCHEME, type DetachedSigner, type Payer, type PaymentPartner } from './pisp-fixture.js';
import type { ChildServer } from './processes.js';
import { amountText } from './report.js';

export const VRP_CONSENTS_PATH = '/open-banking/v4.0/pisp/domestic-vrp-consents';
export const VRPS_PATH = '/open-banking/v4.0/pisp/domestic-vrps';

/**
 * The mandates' control parameters, far beyond what a run can pay so that they never refuse a payment (each payment
 * is at most {@link MAX_PAYMENT_MINOR}): 1,000.00 a payment, 10,000,000.00 a day (Consent-aligned) and
 * 1,000,000,000.00 a month (Calendar-aligned; pro-rated in the first month to no less than 1/31 of it). A day's limit
 * is 100,000 payments of the largest amount under one mandate. Both limits are summed on every payment.
 */
export const MANDATE_LIMITS = { individualMinor: 100_000n, dayMinor: 1_000_000_000n, monthMinor: 100_000_000_000n } as const;
/** Payments are 1.00 to 99.99. */
export const MAX_PAYMENT_MINOR = 10_000n;

/** An authorised mandate: `payer` lets the bench's app pay `creditor` (another payer, an account of ours) from its account. */
export interface Mandate {
  readonly id: string;
  readonly payer: Payer;
  readonly creditor: Creditor;
  readonly grantId: string;
  /** The `OBDomesticVRPConsentRequest` it was created with; every payment repeats its Initiation and Risk. */
  readonly request: MandateRequest;
}

type MandateRequest = ReturnType<typeof mandateRequest>;

/** The consent request of mandate number `serial` to `creditor`: VRP type Other, no SCA per payment, for a year. */
export function mandateRequest(serial: number, creditor: Creditor) {
  const validTo = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const limit = (amountMinor: bigint) => ({ Amount: amountText(amountMinor), Currency: 'GBP' });
  return {
    Data: {
      ControlParameters: {
        VRPType: ['UK.OBIE.VRPType.Other'],
        PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
        ValidToDateTime: validTo.toISOString(),
        MaximumIndividualAmount: limit(MANDATE_LIMITS.individualMinor),
        PeriodicLimits: [
          { PeriodType: 'Day', PeriodAlignment: 'Consent', ...limit(MANDATE_LIMITS.dayMinor) },
          { PeriodType: 'Month', PeriodAlignment: 'Calendar', ...limit(MANDATE_LIMITS.monthMinor) },
        ],
      },
      Initiation: {
        CreditorAccount: { SchemeName: SORT_CODE_SCHEME, Identification: creditor.identification, Name: creditor.name },
        RemittanceInformation: { Unstructured: [`Bench mandate ${serial}`] },
      },
    },
    Risk: { PaymentContextCode: 'TransferToThirdParty' },
  };
}

/**
 * `count` mandates, the k-th from payer k (mod the payers) to another payer chosen at random, created through the real
 * API (`POST /domestic-vrp-consents`, signed, client-credentials token, `concurrency` at a time: 201 AWAU each) and then
 * authorised with `TypeOrmVrpConsentStore.authorise` (the payer's account, a random grant id), as the consent page
 * does when the customer agrees.
 */
export async function createMandates(
  server: ChildServer,
  partner: PaymentPartner,
  signer: DetachedSigner,
  database: Database,
  config: Config,
  payers: readonly Payer[],
  count: number,
  concurrency: number,
): Promise<{ mandates: Mandate[]; seconds: number }> {
  const planned = Array.from({ length: count }, (_, serial) => {
    const from = serial % payers.length;
    const payer = payers[from] as Payer;
    const payee = payers[(from + 1 + randomInt(payers.length - 1)) % payers.length] as Payer;
    const creditor = { accountId: payee.accountId, identification: payee.identification, name: payee.name };
    return { payer, creditor, request: mandateRequest(serial + 1, creditor) };
  });
  const { ids, seconds } = await createConsentsThroughApi(
    server,
    partner,
    signer,
    VRP_CONSENTS_PATH,
    planned.map((plan) => plan.request),
    concurrency,
  );
  const store = new TypeOrmVrpConsentStore(database.dataSource, await eventOutbox(database, config));
  const now = new Date();
  const mandates: Mandate[] = [];
  for (const [index, plan] of planned.entries()) {
    const mandate = { ...plan, id: ids[index] as string, grantId: newGrantId() };
    const authorised = await store.authorise(
      mandate.id,
      { customerId: plan.payer.customerId, debtorAccountId: plan.payer.accountId, grantId: mandate.grantId },
      now,
    );
    if (!authorised) throw new Error(`mandate ${mandate.id} could not be authorised`);
    mandates.push(mandate);
  }
  return { mandates, seconds };
}

/** The server's event outbox (the store writes events on some status changes; authorising writes none). */
async function eventOutbox(database: Database, config: Config): Promise<EventOutboxWriter> {
  const keys = await loadKeyMaterial(config, new TypeOrmServerKeyStore(database.dataSource));
  return new EventOutboxWriter({
    issuer: config.issuer,
    apiBaseUrl: `${config.issuer}/open-banking/v4.0`,
    seal: eventSealer(SchemaRegistry.load(), await messageSigningKey(keys)),
  });
}

/**
 * The `OBDomesticVRPRequest` of payment number `serial` under `mandate`: the mandate's Initiation and Risk repeated,
 * VRP type Other, no SCA, and an instruction of its own — `InstructionIdentification` `VRP-<serial>` (unique in the
 * run), `EndToEndIdentification`, FPS, `amountMinor`, the mandate's creditor and remittance.
 */
export function vrpRequest(mandate: Mandate, serial: number, amountMinor: bigint) {
  const { Initiation } = mandate.request.Data;
  return {
    Data: {
      ConsentId: mandate.id,
      PSUAuthenticationMethod: 'UK.OBIE.SCANotRequired',
      VRPType: 'UK.OBIE.VRPType.Other',
      Initiation,
      Instruction: {
        InstructionIdentification: `VRP-${serial}`,
        EndToEndIdentification: `VRP-E2E-${serial}`,
        LocalInstrument: 'UK.OBIE.FPS',
        InstructedAmount: { Amount: amountText(amountMinor), Currency: 'GBP' },
        CreditorAccount: Initiation.CreditorAccount,
        RemittanceInformation: Initiation.RemittanceInformation,
      },
    },
    Risk: mandate.request.Risk,
  };
}
