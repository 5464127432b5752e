import { randomUUID } from 'node:crypto';
import { primaryIdentification } from '../../src/domain/accounts/account.js';
import { ConsentStatus } from '../../src/domain/consents/consent-status.js';
import { newId } from '../../src/domain/ids.js';
import { DEFAULT_FEE_SCHEDULE } from '../../src/domain/payments/charges.js';
import { idempotencyClaim } from '../../src/domain/payments/idempotency.js';
import type { RiskPolicy } from '../../src/domain/payments/risk-policy.js';
import type { DomesticVrpConsent } from '../../src/domain/payments/vrp/vrp-consent.js';
import { makeDomesticVrp, type MadeVrp, type VrpPaymentServices, type VrpRequest } from '../../src/domain/payments/vrp/vrp-payments.js';
import type { Database } from '../../src/persistence/data-source.js';
import { sqlTime } from '../../src/persistence/sql.js';
import { TypeOrmAccountStore } from '../../src/persistence/stores/account-store.js';
import { TypeOrmIdempotencyStore } from '../../src/persistence/stores/idempotency-store.js';
import { TypeOrmPaymentStore } from '../../src/persistence/stores/payment-store.js';
import { testEventOutbox } from './event-outbox.js';

/** Risk limits no VRP test reaches: only the mandate's own limits count. */
export const GENEROUS: RiskPolicy = {
  maxPaymentMinor: 1_000_000_000n,
  dailyLimitMinor: 1_000_000_000_000n,
  customerVelocity: { count: 1_000_000, windowSeconds: 1 },
  partnerVelocity: { count: 1_000_000, windowSeconds: 1 },
  stepUpFromMinor: 25_000n,
};

/** What making VRPs needs, over the real stores of `database`. */
export async function vrpServices(database: Database): Promise<VrpPaymentServices> {
  const { dataSource, dialect } = database;
  return {
    payments: new TypeOrmPaymentStore(dataSource, dialect, await testEventOutbox()),
    idempotency: new TypeOrmIdempotencyStore(dataSource),
    accounts: new TypeOrmAccountStore(dataSource),
    risk: GENEROUS,
    settlementDelayMs: 10_000,
    fees: DEFAULT_FEE_SCHEDULE,
  };
}

/** An authorised mandate (of `vrpType`) of Alice's current account to Bob's: at most £50 a payment, £100 a week (from today). */
export async function insertMandate(database: Database, vrpType = 'UK.OBIE.VRPType.Other'): Promise<DomesticVrpConsent> {
  const [account] = await new TypeOrmAccountStore(database.dataSource).listByIds(['acc_bob_current']);
  const identification = account && primaryIdentification(account);
  if (!identification) throw new Error('no identification for acc_bob_current');
  const now = new Date();
  const request = {
    Data: {
      ControlParameters: {
        VRPType: [vrpType],
        PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
        MaximumIndividualAmount: { Amount: '50.00', Currency: 'GBP' },
        PeriodicLimits: [{ PeriodType: 'Week', PeriodAlignment: 'Consent', Amount: '100.00', Currency: 'GBP' }],
      },
      Initiation: {
        CreditorAccount: { SchemeName: identification.schemeName, Identification: identification.identification, Name: identification.name ?? 'Bob' },
      },
    },
    Risk: {},
  };
  const consent: DomesticVrpConsent = {
    id: newId('vrc'),
    clientId: 'cli_vrp_app',
    status: ConsentStatus.Authorised,
    statusReason: null,
    request,
    validFrom: null,
    validTo: null,
    customerId: 'cus_sandbox_alice',
    debtorAccountId: 'acc_alice_current',
    debtor: null,
    grantId: null,
    authorisedAt: now,
    createdAt: now,
    statusUpdatedAt: now,
    deletedAt: null,
  };
  const time = sqlTime(database.dialect, now);
  await database.dataSource.query(
    `INSERT INTO consent (id, kind, client_id, status, permissions, customer_id, authorised_at, created_at, status_updated_at, request)
     VALUES (?, 'domestic-vrp', ?, 'AUTH', '[]', ?, ?, ?, ?, ?)`,
    [consent.id, consent.clientId, consent.customerId, time, time, time, JSON.stringify(request)],
  );
  return consent;
}

/** A VRP of `amount` GBP under the mandate, to its creditor. */
export function vrpRequest(consent: DomesticVrpConsent, amount: string, instructionIdentification = randomUUID().slice(0, 35)): VrpRequest {
  const initiation = consent.request.Data.Initiation;
  return {
    Data: {
      ConsentId: consent.id,
      PSUAuthenticationMethod: 'UK.OBIE.SCANotRequired',
      VRPType: (consent.request.Data.ControlParameters.VRPType as string[] | undefined)?.[0] ?? 'UK.OBIE.VRPType.Other',
      Initiation: initiation,
      Instruction: {
        InstructionIdentification: instructionIdentification,
        EndToEndIdentification: 'E2E-VRP',
        InstructedAmount: { Amount: amount, Currency: 'GBP' },
        CreditorAccount: initiation.CreditorAccount,
      },
    },
    Risk: {},
  };
}

/** Pays `request` under the mandate through the domain, with its own idempotency key unless one is given. */
export function payVrp(services: VrpPaymentServices, consent: DomesticVrpConsent, request: VrpRequest, key: string = randomUUID()): Promise<MadeVrp> {
  return makeDomesticVrp(services, consent, request, idempotencyClaim(consent.clientId, 'domestic-vrp', key, request), new Date());
}
