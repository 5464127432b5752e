// Proves on the database under test (SQLite, or MySQL/MariaDB with TEST_DATABASE_URL) that payments under a VRP mandate
// keep to its limits whatever the concurrency: 100 concurrent £10 payments against a £100-per-week limit → exactly 10
// paid, 90 refused U014 with nothing moved; one InstructionIdentification pays once whatever the idempotency keys; a
// rejected payment does not use the limit; a cancelled mandate pays no more. The ledger invariants hold after each.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { assertLedgerInvariants } from '../../../test/support/ledger-invariants.js';
import { testEventOutbox } from '../../../test/support/event-outbox.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { primaryIdentification } from '../../domain/accounts/account.js';
import { ConsentStatus } from '../../domain/consents/consent-status.js';
import { InvalidConsentStatus } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { DEFAULT_FEE_SCHEDULE } from '../../domain/payments/charges.js';
import { idempotencyClaim } from '../../domain/payments/idempotency.js';
import type { RiskPolicy } from '../../domain/payments/risk-policy.js';
import { ControlParametersBreached } from '../../domain/payments/vrp/limits.js';
import type { DomesticVrpConsent } from '../../domain/payments/vrp/vrp-consent.js';
import { InstructionAlreadyMade, makeDomesticVrp, type VrpPaymentServices, type VrpRequest } from '../../domain/payments/vrp/vrp-payments.js';
import { buildSandboxSeed } from '../../sandbox/sandbox-seed.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import { seedSandboxIfEmpty } from '../sandbox-seeder.js';
import { sqlTime } from '../sql.js';
import { TypeOrmAccountStore } from './account-store.js';
import { TypeOrmIdempotencyStore } from './idempotency-store.js';
import { TypeOrmPaymentStore } from './payment-store.js';

let testDatabase: TestDatabase;
let database: Database;
let services: VrpPaymentServices;

const GENEROUS: RiskPolicy = {
  maxPaymentMinor: 1_000_000_000n,
  dailyLimitMinor: 1_000_000_000_000n,
  customerVelocity: { count: 1_000_000, windowSeconds: 1 },
  partnerVelocity: { count: 1_000_000, windowSeconds: 1 },
  stepUpFromMinor: 25_000n,
};

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
  await migrateDatabase(database);
  await seedSandboxIfEmpty(database, buildSandboxSeed);
  const { dataSource, dialect } = database;
  services = {
    payments: new TypeOrmPaymentStore(dataSource, dialect, await testEventOutbox()),
    idempotency: new TypeOrmIdempotencyStore(dataSource),
    accounts: new TypeOrmAccountStore(dataSource),
    risk: GENEROUS,
    settlementDelayMs: 10_000,
    fees: DEFAULT_FEE_SCHEDULE,
  };
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

async function balanceOf(accountId: string): Promise<bigint> {
  const [row] = await database.dataSource.query<Array<{ balance: unknown }>>('SELECT balance_minor AS balance FROM account WHERE id = ?', [
    accountId,
  ]);
  return BigInt(String(row?.balance));
}

async function creditorOf(accountId: string): Promise<{ SchemeName: string; Identification: string; Name: string }> {
  const [account] = await services.accounts.listByIds([accountId]);
  const identification = account && primaryIdentification(account);
  if (!identification) throw new Error(`no identification for ${accountId}`);
  return { SchemeName: identification.schemeName, Identification: identification.identification, Name: identification.name ?? 'Payee' };
}

/** An authorised mandate of Alice's current account to Bob: at most £50 a payment, £100 a week (from today). */
async function authorisedMandate(): Promise<DomesticVrpConsent> {
  const now = new Date();
  const request = {
    Data: {
      ControlParameters: {
        VRPType: ['UK.OBIE.VRPType.Other'],
        PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
        MaximumIndividualAmount: { Amount: '50.00', Currency: 'GBP' },
        PeriodicLimits: [{ PeriodType: 'Week', PeriodAlignment: 'Consent', Amount: '100.00', Currency: 'GBP' }],
      },
      Initiation: { CreditorAccount: await creditorOf('acc_bob_current') },
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

function vrpRequest(consent: DomesticVrpConsent, amount: string, instructionIdentification = randomUUID().slice(0, 35)): VrpRequest {
  return {
    Data: {
      ConsentId: consent.id,
      PSUAuthenticationMethod: 'UK.OBIE.SCANotRequired',
      VRPType: 'UK.OBIE.VRPType.Other',
      Initiation: consent.request.Data.Initiation,
      Instruction: {
        InstructionIdentification: instructionIdentification,
        EndToEndIdentification: 'E2E-VRP',
        InstructedAmount: { Amount: amount, Currency: 'GBP' },
        CreditorAccount: consent.request.Data.Initiation.CreditorAccount,
      },
    },
    Risk: {},
  };
}

function pay(consent: DomesticVrpConsent, request: VrpRequest, key: string = randomUUID()) {
  return makeDomesticVrp(services, consent, request, idempotencyClaim(consent.clientId, 'domestic-vrp', key, request), new Date());
}

test('100 concurrent £10 payments against a £100-per-week limit → exactly 10 paid, 90 refused U014 naming the limit, exactly £100 moved', async () => {
  const consent = await authorisedMandate();
  const aliceBefore = await balanceOf('acc_alice_current');
  const bobBefore = await balanceOf('acc_bob_current');
  const results = await Promise.allSettled(Array.from({ length: 100 }, () => pay(consent, vrpRequest(consent, '10.00'))));
  const paid = results.filter((result) => result.status === 'fulfilled');
  const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  assert.equal(paid.length, 10);
  assert.equal(refused.length, 90);
  for (const error of refused) {
    assert.ok(error instanceof ControlParametersBreached, String(error));
    assert.equal(error.path, 'Data.ControlParameters.PeriodicLimits[0]');
  }
  for (const result of paid) assert.equal(result.value.payment.status, 'ACSC');
  assert.equal(bobBefore + 10_000n, await balanceOf('acc_bob_current'));
  assert.ok(aliceBefore - (await balanceOf('acc_alice_current')) >= 10_000n, 'Alice paid the £100 (and its charges)');
  const [count] = await database.dataSource.query<Array<{ n: unknown }>>('SELECT COUNT(*) AS n FROM payment WHERE consent_id = ?', [consent.id]);
  assert.equal(Number(count?.n), 10, 'no refused payment was stored');
  await assertLedgerInvariants(database.dataSource);
});

test('one InstructionIdentification sent with 20 different idempotency keys at once → paid once, the others 409 U029', async () => {
  const consent = await authorisedMandate();
  const request = vrpRequest(consent, '5.00', 'INSTR-ONCE');
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => pay(consent, request)));
  assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
  for (const result of results) {
    if (result.status === 'rejected') assert.ok(result.reason instanceof InstructionAlreadyMade, String(result.reason));
  }
  await assert.rejects(pay(consent, vrpRequest(consent, '5.00', 'INSTR-ONCE'), 'another-key'), InstructionAlreadyMade);
  await assertLedgerInvariants(database.dataSource);
});

test('the same key and request sent again → the payment it made, replayed; a payment above MaximumIndividualAmount → U014 naming it', async () => {
  const consent = await authorisedMandate();
  const request = vrpRequest(consent, '20.00');
  const first = await pay(consent, request, 'key-1');
  const again = await pay(consent, request, 'key-1');
  assert.equal(again.replayed, true);
  assert.equal(again.payment.id, first.payment.id);
  await assert.rejects(
    pay(consent, vrpRequest(consent, '50.01')),
    (error: unknown) => error instanceof ControlParametersBreached && error.path === 'Data.ControlParameters.MaximumIndividualAmount',
  );
});

test('a cancelled mandate → the next payment 400 U009, nothing moved', async () => {
  const consent = await authorisedMandate();
  await database.dataSource.query(`UPDATE consent SET status = 'CANC' WHERE id = ?`, [consent.id]);
  const bobBefore = await balanceOf('acc_bob_current');
  await assert.rejects(pay(consent, vrpRequest(consent, '10.00')), InvalidConsentStatus);
  assert.equal(await balanceOf('acc_bob_current'), bobBefore);
});
