// Proves on the database under test (SQLite, or MySQL/MariaDB with TEST_DATABASE_URL) that payments under a VRP mandate
// keep to its limits whatever the concurrency: 100 concurrent £10 payments against a £100-per-week limit → exactly 10
// paid, 90 refused U014 with nothing moved, in one process or split over two; one InstructionIdentification pays once
// whatever the idempotency keys; a cancelled mandate pays no more. The ledger invariants hold after each.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { assertLedgerInvariants } from '../../../test/support/ledger-invariants.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { insertMandate, payVrp, vrpRequest, vrpServices } from '../../../test/support/vrp-mandate.js';
import { InvalidConsentStatus } from '../../domain/errors.js';
import { ControlParametersBreached } from '../../domain/payments/vrp/limits.js';
import type { DomesticVrpConsent } from '../../domain/payments/vrp/vrp-consent.js';
import { InstructionAlreadyMade, type VrpPaymentServices, type VrpRequest } from '../../domain/payments/vrp/vrp-payments.js';
import { buildSandboxSeed } from '../../sandbox/sandbox-seed.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import { seedSandboxIfEmpty } from '../sandbox-seeder.js';

let testDatabase: TestDatabase;
let database: Database;
let services: VrpPaymentServices;

before(async () => {
  testDatabase = await createTestDatabase();
  database = await openDatabase(testDatabase.config);
  await migrateDatabase(database);
  await seedSandboxIfEmpty(database, buildSandboxSeed);
  services = await vrpServices(database);
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

function authorisedMandate(): Promise<DomesticVrpConsent> {
  return insertMandate(database);
}

function pay(consent: DomesticVrpConsent, request: VrpRequest, key?: string) {
  return payVrp(services, consent, request, key);
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
  const stored = await services.payments.listByConsent(consent.id, 1_000);
  assert.equal(stored.length, 10, 'no refused payment was stored');
  assert.ok(
    stored.every((payment) => payment.kind === 'domestic-vrp' && payment.instruction !== null),
    'each VRP keeps its kind and instruction',
  );
  assert.deepEqual(
    stored.map((payment) => payment.createdAt.getTime()),
    stored.map((payment) => payment.createdAt.getTime()).sort((a, b) => b - a),
    'newest first',
  );
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

test('two processes each sending 50 concurrent £10 payments under one £100-a-week mandate → exactly 10 paid between them, 90 refused U014', async () => {
  const consent = await authorisedMandate();
  const bobBefore = await balanceOf('acc_bob_current');
  const children = [0, 1].map(() =>
    spawn(process.execPath, ['--import', 'tsx', 'test/support/vrp-payer-child.ts'], {
      env: { ...process.env, DATABASE_CONFIG: JSON.stringify(testDatabase.config), MANDATE: JSON.stringify(consent), COUNT: '50' },
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const outputs = children.map((child) => {
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    return () => output;
  });
  const ready = async (output: () => string) => {
    while (!output().includes('ready')) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  await Promise.all(outputs.map(ready));
  for (const child of children) child.stdin.end('go\n');
  await Promise.all(children.map((child) => once(child, 'exit')));
  const results = outputs.map(
    (output) => JSON.parse(output().split('\n').filter(Boolean).at(-1) ?? '{}') as { paid: number; refused: Record<string, number> },
  );
  assert.equal(
    results.reduce((sum, result) => sum + result.paid, 0),
    10,
    JSON.stringify(results),
  );
  assert.equal(
    results.reduce((sum, result) => sum + (result.refused.ControlParametersBreached ?? 0), 0),
    90,
    JSON.stringify(results),
  );
  assert.equal(await balanceOf('acc_bob_current'), bobBefore + 10_000n);
  await assertLedgerInvariants(database.dataSource);
});

test("a sweeping mandate paying into someone else's account at this bank (authorised before that was refused) → each payment U014 at VRPType, nothing moved", async () => {
  const consent = await insertMandate(database, 'UK.OBIE.VRPType.Sweeping');
  const bobBefore = await balanceOf('acc_bob_current');
  await assert.rejects(
    pay(consent, vrpRequest(consent, '10.00')),
    (error: unknown) => error instanceof ControlParametersBreached && error.path === 'Data.ControlParameters.VRPType',
  );
  assert.equal(await balanceOf('acc_bob_current'), bobBefore);
});
