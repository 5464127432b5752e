// Proves on the database under test (SQLite, or MySQL/MariaDB with TEST_DATABASE_URL) that payments move money exactly once and never beyond what a customer may spend: concurrent payments from one account succeed exactly as far as the funds go (the rest RJCT AM04); funds confirmation and payments answer by one rule over the funds the store reports; one consent pays once whatever the keys; one key pays once however often it is sent; a failure after the ledger writes leaves nothing behind; risk limits are counted from stored payments under concurrency; external payments settle (ACSC) or are returned with their charges (RJCT) exactly once. The ledger invariants are checked after every test that moves money.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fundAccount } from '../../../test/support/fund-account.js';
import { assertLedgerInvariants, snapshotLedger } from '../../../test/support/ledger-invariants.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { primaryIdentification } from '../../domain/accounts/account.js';
import { ConsentStatus } from '../../domain/consents/consent-status.js';
import { InvalidConsentStatus } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { spendableMinor } from '../../domain/ledger/funds.js';
import { DEFAULT_FEE_SCHEDULE } from '../../domain/payments/charges.js';
import type { DomesticPayment } from '../../domain/payments/domestic-payment.js';
import { IdempotencyKeyReused, idempotencyClaim } from '../../domain/payments/idempotency.js';
import { clearingAccountId, externalAccountId, feeIncomeAccountId, sandboxSchemeAnswer } from '../../domain/payments/payee.js';
import type { DomesticPaymentConsent } from '../../domain/payments/payment-consent.js';
import { confirmFunds, createPaymentConsent } from '../../domain/payments/payment-consents.js';
import { makeDomesticPayment, type MadePayment, type PaymentRequest, type PaymentServices } from '../../domain/payments/payments.js';
import type { RiskPolicy } from '../../domain/payments/risk-policy.js';
import { settleDuePayments } from '../../domain/payments/settlement.js';
import { migrateDatabase, openDatabase, type Database } from '../data-source.js';
import { seedSandboxIfEmpty } from '../sandbox-seeder.js';
import { buildSandboxSeed } from '../../sandbox/sandbox-seed.js';
import { TypeOrmAccountStore } from './account-store.js';
import { TypeOrmIdempotencyStore } from './idempotency-store.js';
import { TypeOrmLedgerStore } from './ledger-store.js';
import { TypeOrmPaymentConsentStore } from './payment-consent-store.js';
import { TypeOrmPaymentStore } from './payment-store.js';
import { testEventOutbox } from '../../../test/support/event-outbox.js';

let testDatabase: TestDatabase;
let database: Database;
let consents: TypeOrmPaymentConsentStore;
let payments: TypeOrmPaymentStore;
let idempotency: TypeOrmIdempotencyStore;
let accounts: TypeOrmAccountStore;
let ledger: TypeOrmLedgerStore;
/** Balances of the bank's clearing and fee-income accounts after the seed (the payment invariants count from them). */
let bankBaseline: Map<string, bigint>;

const SETTLEMENT_DELAY_MS = 10_000;
const DAY_MS = 24 * 3600 * 1000;

/** Limits no test below reaches unless it means to. */
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
  consents = new TypeOrmPaymentConsentStore(dataSource);
  payments = new TypeOrmPaymentStore(dataSource, dialect, await testEventOutbox());
  idempotency = new TypeOrmIdempotencyStore(dataSource);
  accounts = new TypeOrmAccountStore(dataSource);
  ledger = new TypeOrmLedgerStore(dataSource);
  bankBaseline = new Map();
  for (const currency of ['GBP', 'EUR']) {
    for (const id of [clearingAccountId(currency), feeIncomeAccountId(currency)]) bankBaseline.set(id, await balanceOf(id));
  }
});
after(async () => {
  await database.dataSource.destroy();
  await testDatabase.drop();
});

function services(risk: RiskPolicy = GENEROUS): PaymentServices {
  return { payments, idempotency, accounts, risk, settlementDelayMs: SETTLEMENT_DELAY_MS };
}

async function balanceOf(accountId: string): Promise<bigint> {
  const [row] = await database.dataSource.query<Array<{ balance: unknown }>>('SELECT balance_minor AS balance FROM account WHERE id = ?', [
    accountId,
  ]);
  return BigInt(String(row?.balance));
}

/** The OBIE creditor account of one of our accounts, by its sort code + number or IBAN. */
async function creditorOf(accountId: string): Promise<{ SchemeName: string; Identification: string; Name: string }> {
  const [account] = await accounts.listByIds([accountId]);
  const identification = account && primaryIdentification(account);
  if (!identification) throw new Error(`no identification for ${accountId}`);
  return { SchemeName: identification.schemeName, Identification: identification.identification, Name: identification.name ?? 'Payee' };
}

const CUSTOMER_OF: Record<string, string> = {
  acc_alice_current: 'cus_sandbox_alice',
  acc_alice_eur: 'cus_sandbox_alice',
  acc_bob_current: 'cus_sandbox_bob',
  acc_bob_business: 'cus_sandbox_bob',
  acc_carol_current: 'cus_sandbox_carol',
  acc_dave_current: 'cus_sandbox_dave',
};

interface ConsentOptions {
  readonly clientId: string;
  readonly debtorAccountId: string;
  readonly creditor: { SchemeName: string; Identification: string; Name: string };
  readonly amount: string;
  readonly currency?: string;
  readonly localInstrument?: string;
  readonly at?: Date;
}

/** A consent created by the domain (with its charges) in the real store, then authorised by its customer with a grant. */
async function authorisedConsent(options: ConsentOptions): Promise<DomesticPaymentConsent> {
  const at = options.at ?? new Date();
  const request = {
    Data: {
      Initiation: {
        InstructionIdentification: `INSTR-${randomUUID().slice(0, 8)}`,
        EndToEndIdentification: `E2E-${randomUUID().slice(0, 8)}`,
        ...(options.localInstrument ? { LocalInstrument: options.localInstrument } : {}),
        InstructedAmount: { Amount: options.amount, Currency: options.currency ?? 'GBP' },
        CreditorAccount: options.creditor,
        RemittanceInformation: { Unstructured: ['Test payment'] },
      },
    },
    Risk: { PaymentContextCode: 'PartyToParty' },
  };
  const claim = idempotencyClaim(options.clientId, 'domestic-payment-consent', randomUUID(), request);
  const { consent } = await createPaymentConsent({ consents, idempotency, fees: DEFAULT_FEE_SCHEDULE }, options.clientId, request, claim, at);
  const customerId = CUSTOMER_OF[options.debtorAccountId] ?? '';
  assert.equal(
    await consents.authorise(consent.id, { customerId, debtorAccountId: options.debtorAccountId, grantId: `grant_${randomUUID()}` }, at),
    true,
  );
  const authorised = await consents.findById(consent.id);
  assert.equal(authorised?.status, ConsentStatus.Authorised);
  return authorised;
}

/** The partner's payment request repeating the consent, as the HTTP layer hands it to the domain. */
function requestFor(consent: DomesticPaymentConsent): PaymentRequest {
  return {
    Data: { ConsentId: consent.id, Initiation: structuredClone(consent.request.Data.Initiation) },
    Risk: structuredClone(consent.request.Risk),
  };
}

function pay(
  consent: DomesticPaymentConsent,
  key: string,
  options: { now?: Date; risk?: RiskPolicy; request?: PaymentRequest } = {},
): Promise<MadePayment> {
  const request = options.request ?? requestFor(consent);
  return makeDomesticPayment(
    services(options.risk),
    consent,
    request,
    idempotencyClaim(consent.clientId, 'domestic-payment', key, request),
    options.now ?? new Date(),
  );
}

/** What the account can spend, by the domain's rule over the funds the store reports. */
async function spendable(accountId: string): Promise<bigint> {
  const funds = await payments.readFunds(accountId);
  assert.ok(funds, `no account ${accountId}`);
  return spendableMinor(funds);
}

/** Moves money between a customer account and the outside world so that its spendable funds become `targetMinor`. */
async function setSpendable(accountId: string, targetMinor: bigint): Promise<void> {
  const delta = targetMinor - (await spendable(accountId));
  if (delta !== 0n) await fundAccount(database, accountId, delta);
  assert.equal(await spendable(accountId), targetMinor);
}

async function countRows(sql: string, parameters: unknown[] = []): Promise<number> {
  const [row] = await database.dataSource.query<Array<{ n: unknown }>>(sql, parameters);
  return Number(row?.n ?? 0);
}

/**
 * The payment invariants on top of the ledger's: the clearing account holds exactly the money of external
 * payments still in settlement (ACSP), fee income exactly the charges of payments not rejected, and no
 * consent has more than one payment (the unique index holds).
 */
async function assertPaymentInvariants(): Promise<void> {
  for (const currency of ['GBP', 'EUR']) {
    const [pending] = await database.dataSource.query<Array<{ total: unknown }>>(
      `SELECT COALESCE(SUM(amount_minor), 0) AS total FROM payment WHERE status = 'ACSP' AND currency = ?`,
      [currency],
    );
    const clearing = (await balanceOf(clearingAccountId(currency))) - (bankBaseline.get(clearingAccountId(currency)) ?? 0n);
    assert.equal(clearing, BigInt(String(pending?.total)), `${currency} clearing holds exactly the ACSP payments`);
    const [charged] = await database.dataSource.query<Array<{ total: unknown }>>(
      `SELECT COALESCE(SUM(charges_minor), 0) AS total FROM payment WHERE status IN ('ACSC', 'ACSP') AND currency = ?`,
      [currency],
    );
    const fees = (await balanceOf(feeIncomeAccountId(currency))) - (bankBaseline.get(feeIncomeAccountId(currency)) ?? 0n);
    assert.equal(fees, BigInt(String(charged?.total)), `${currency} fee income holds exactly the charges of payments not rejected`);
  }
  assert.equal(
    await countRows('SELECT COUNT(*) AS n FROM (SELECT consent_id FROM payment GROUP BY consent_id HAVING COUNT(*) > 1) d'),
    0,
    'one payment per consent',
  );
}

async function assertInvariants(): Promise<void> {
  await assertLedgerInvariants(database.dataSource);
  await assertPaymentInvariants();
}

/** What a partner can see of a payment, comparable between the one returned and the one read back. */
function essentials(payment: DomesticPayment | null) {
  if (!payment) return null;
  return {
    id: payment.id,
    consentId: payment.consentId,
    status: payment.status,
    statusReason: payment.statusReason,
    amountMinor: payment.amountMinor,
    chargesMinor: payment.chargesMinor,
    route: payment.route,
    creditorAccountId: payment.creditorAccountId,
    settleAfterMs: payment.settleAfter?.getTime() ?? null,
    createdAtMs: payment.createdAt.getTime(),
  };
}

/**
 * Starts `count` operations one microtask apart, so that later ones arrive at every stage of the earlier
 * ones' work — including while a transaction is open (on SQLite all requests share one connection and
 * interleave at microtask granularity). No timers: the spread is the same on every run.
 */
async function staggered<T>(count: number, start: () => Promise<T>): Promise<Array<Promise<T>>> {
  const started: Array<Promise<T>> = [];
  for (let index = 0; index < count; index += 1) {
    const operation = start();
    operation.catch(() => undefined);
    started.push(operation);
    await Promise.resolve();
  }
  return started;
}

describe('concurrent payments from one account', () => {
  test('12 authorised consents paid at once from an account whose funds cover 5 → exactly 5 ACSC, 7 RJCT AM04, every consent COND, never beyond the overdraft', async () => {
    const debtor = 'acc_carol_current';
    const amountMinor = 10_000n;
    const total = 12;
    const covered = 5;
    await setSpendable(debtor, amountMinor * BigInt(covered) + amountMinor - 1n);
    const creditor = await creditorOf('acc_bob_current');
    const batch = await Promise.all(
      Array.from({ length: total }, () => authorisedConsent({ clientId: 'cli_concurrency', debtorAccountId: debtor, creditor, amount: '100.00' })),
    );
    const debtorBefore = await balanceOf(debtor);
    const payeeBefore = await balanceOf('acc_bob_current');

    const results = await Promise.all(batch.map((consent) => pay(consent, randomUUID())));

    const accepted = results.filter((result) => result.payment.status === 'ACSC');
    const refused = results.filter((result) => result.payment.status === 'RJCT');
    assert.equal(accepted.length, covered);
    assert.equal(refused.length, total - covered);
    for (const result of refused) assert.equal(result.payment.statusReason?.code, 'AM04');
    assert.equal(await balanceOf(debtor), debtorBefore - amountMinor * BigInt(covered));
    assert.equal(await balanceOf('acc_bob_current'), payeeBefore + amountMinor * BigInt(covered));
    assert.equal(await spendable(debtor), amountMinor - 1n, 'what was left is exactly one penny short of another payment');
    for (const consent of batch) assert.equal((await consents.findById(consent.id))?.status, ConsentStatus.Consumed);
    for (const result of results)
      assert.deepEqual(essentials(await payments.findById(result.payment.id)), essentials(result.payment), 'stored as returned');
    await assertInvariants();
  });

  test('funds that cover the amount but not the charge → RJCT AM04 and not even the amount moves', async () => {
    const debtor = 'acc_carol_current';
    await setSpendable(debtor, 100_049n);
    const consent = await authorisedConsent({
      clientId: 'cli_charges',
      debtorAccountId: debtor,
      creditor: await creditorOf('acc_bob_current'),
      amount: '1000.00',
    });
    assert.equal(consent.charges[0]?.amountMinor, 50n);
    const before = await snapshotLedger(database.dataSource);
    const { payment } = await pay(consent, randomUUID());
    assert.equal(payment.status, 'RJCT');
    assert.equal(payment.statusReason?.code, 'AM04');
    assert.deepEqual(await snapshotLedger(database.dataSource), before);
    assert.equal((await consents.findById(consent.id))?.status, ConsentStatus.Consumed);
    await assertInvariants();
  });

  test('funds that cover the amount and the charge exactly → ACSC, the account at zero available, fee income +0.50', async () => {
    const debtor = 'acc_carol_current';
    await setSpendable(debtor, 100_050n);
    const consent = await authorisedConsent({
      clientId: 'cli_charges',
      debtorAccountId: debtor,
      creditor: await creditorOf('acc_bob_current'),
      amount: '1000.00',
    });
    const feesBefore = await balanceOf(feeIncomeAccountId('GBP'));
    const { payment } = await pay(consent, randomUUID());
    assert.equal(payment.status, 'ACSC');
    assert.equal(payment.chargesMinor, 50n);
    assert.equal(await spendable(debtor), 0n);
    assert.equal(await balanceOf(feeIncomeAccountId('GBP')), feesBefore + 50n);
    await assertInvariants();
  });
});

describe('funds confirmation and payments', () => {
  test('one rule over the same facts, pending card authorisations included: a penny short → funds not available and RJCT AM04; exactly enough → available and ACSC', async () => {
    const debtor = 'acc_carol_current';
    await setSpendable(debtor, 100_000n);
    const at = new Date();
    await ledger.postTransfers([
      {
        id: newId('trf'),
        kind: 'card',
        currency: 'GBP',
        reference: 'card authorisation',
        status: 'PDNG',
        bookedAt: at,
        valueAt: at,
        entries: [
          { accountId: debtor, amountMinor: -1_000n, information: 'card authorisation', counterparty: null },
          { accountId: externalAccountId('GBP'), amountMinor: 1_000n, information: 'card authorisation', counterparty: null },
        ],
      },
    ]);
    assert.equal(await spendable(debtor), 99_000n, 'the pending debit lowers what the account can spend');
    const creditor = await creditorOf('acc_bob_current');
    const short = await authorisedConsent({ clientId: 'cli_funds', debtorAccountId: debtor, creditor, amount: '990.01' });
    const exact = await authorisedConsent({ clientId: 'cli_funds', debtorAccountId: debtor, creditor, amount: '990.00' });
    assert.equal(await confirmFunds(payments, short, short.id), false);
    assert.equal(await confirmFunds(payments, exact, exact.id), true);

    const before = await snapshotLedger(database.dataSource);
    const refused = await pay(short, randomUUID());
    assert.equal(refused.payment.status, 'RJCT');
    assert.equal(refused.payment.statusReason?.code, 'AM04');
    assert.deepEqual(await snapshotLedger(database.dataSource), before, 'no money moved');
    assert.equal((await pay(exact, randomUUID())).payment.status, 'ACSC');
    assert.equal(await spendable(debtor), 0n);
    await assertInvariants();
  });
});

describe('exactly once', () => {
  test('one consent paid at once with 20 different idempotency keys → one payment; the other 19 InvalidConsentStatus', async () => {
    const consent = await authorisedConsent({
      clientId: 'cli_keys',
      debtorAccountId: 'acc_bob_current',
      creditor: await creditorOf('acc_alice_current'),
      amount: '1.23',
    });
    const debtorBefore = await balanceOf('acc_bob_current');
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => pay(consent, randomUUID())));
    const made = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    assert.equal(made.length, 1);
    assert.equal(made[0]?.replayed, false);
    assert.equal(made[0]?.payment.status, 'ACSC');
    assert.equal(failed.length, 19);
    for (const error of failed) assert.ok(error instanceof InvalidConsentStatus, `expected InvalidConsentStatus, got ${String(error)}`);
    assert.equal(await countRows('SELECT COUNT(*) AS n FROM payment WHERE consent_id = ?', [consent.id]), 1);
    assert.equal(
      await countRows(`SELECT COUNT(*) AS n FROM idempotency_key WHERE client_id = ? AND operation = 'domestic-payment'`, ['cli_keys']),
      1,
      'the losers left no key behind',
    );
    assert.equal(await balanceOf('acc_bob_current'), debtorBefore - 123n);
    await assertInvariants();
  });

  test('one key sent 20 times at once → one payment; every request answers with its id', async () => {
    const consent = await authorisedConsent({
      clientId: 'cli_same_key',
      debtorAccountId: 'acc_bob_current',
      creditor: await creditorOf('acc_alice_current'),
      amount: '2.34',
    });
    const debtorBefore = await balanceOf('acc_bob_current');
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => pay(consent, key)));
    const ids = new Set(results.map((result) => result.payment.id));
    assert.equal(ids.size, 1);
    assert.equal(results.filter((result) => !result.replayed).length, 1, 'one request made it, 19 replayed it');
    for (const result of results) assert.equal(result.payment.status, 'ACSC');
    assert.equal(await countRows('SELECT COUNT(*) AS n FROM payment WHERE consent_id = ?', [consent.id]), 1);
    assert.equal(await balanceOf('acc_bob_current'), debtorBefore - 234n);
    await assertInvariants();
  });

  test('one key sent 150 times, each a moment after the previous (arriving while the first is being written) → one payment, every request answers with its id', async () => {
    const consent = await authorisedConsent({
      clientId: 'cli_staggered',
      debtorAccountId: 'acc_bob_current',
      creditor: await creditorOf('acc_alice_current'),
      amount: '3.45',
    });
    const debtorBefore = await balanceOf('acc_bob_current');
    const key = randomUUID();
    const results = await Promise.allSettled(await staggered(150, () => pay(consent, key)));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
    assert.deepEqual(failures, []);
    const made = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    assert.equal(new Set(made.map((result) => result.payment.id)).size, 1);
    assert.equal(made.filter((result) => !result.replayed).length, 1);
    assert.equal(await balanceOf('acc_bob_current'), debtorBefore - 345n);
    await assertInvariants();
  });

  test('one consent-creation key sent 150 times, each a moment after the previous → one consent, every request answers with it', async () => {
    const request = {
      Data: {
        Initiation: {
          InstructionIdentification: 'I-1',
          EndToEndIdentification: 'E-1',
          InstructedAmount: { Amount: '5.00', Currency: 'GBP' },
          CreditorAccount: await creditorOf('acc_bob_current'),
        },
      },
      Risk: {},
    };
    const claim = idempotencyClaim('cli_consent_key', 'domestic-payment-consent', randomUUID(), request);
    const results = await Promise.allSettled(
      await staggered(150, () =>
        createPaymentConsent({ consents, idempotency, fees: DEFAULT_FEE_SCHEDULE }, 'cli_consent_key', request, claim, new Date()),
      ),
    );
    assert.deepEqual(
      results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : [])),
      [],
    );
    const created = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    assert.equal(new Set(created.map((result) => result.consent.id)).size, 1);
    assert.equal(created.filter((result) => !result.replayed).length, 1);
    assert.equal(await countRows(`SELECT COUNT(*) AS n FROM consent WHERE client_id = ?`, ['cli_consent_key']), 1);
  });

  test('the key sent again later → the stored payment replayed; with a different body → IdempotencyKeyReused, nothing changed', async () => {
    const consent = await authorisedConsent({
      clientId: 'cli_replay',
      debtorAccountId: 'acc_bob_current',
      creditor: await creditorOf('acc_alice_current'),
      amount: '4.56',
    });
    const key = randomUUID();
    const first = await pay(consent, key);
    const again = await pay(consent, key);
    assert.equal(again.replayed, true);
    assert.deepEqual(essentials(again.payment), essentials(first.payment));
    const before = await snapshotLedger(database.dataSource);
    const altered = requestFor(consent);
    const consumed = { ...consent, status: 'COND' as const };
    await assert.rejects(pay(consumed, key, { request: { ...altered, Risk: { PaymentContextCode: 'EcommerceGoods' } } }), IdempotencyKeyReused);
    assert.deepEqual(await snapshotLedger(database.dataSource), before);
    await assertInvariants();
  });
});

describe('a failure after the ledger writes', () => {
  const TRIGGER = 'test_fail_payment_insert';

  async function createFailingTrigger(): Promise<void> {
    if (database.dialect === 'sqlite') {
      await database.dataSource.query(`CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON payment BEGIN SELECT RAISE(ABORT, 'injected'); END`);
    } else {
      await database.dataSource.query(
        `CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON payment FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected'`,
      );
    }
  }

  test('the payment row cannot be stored → the error surfaces and nothing is left: no transfers, balances unchanged, consent AUTH, no key; after the fault the same request succeeds', async () => {
    const debtor = 'acc_alice_current';
    await setSpendable(debtor, 500_000n);
    const consent = await authorisedConsent({
      clientId: 'cli_fault',
      debtorAccountId: debtor,
      creditor: await creditorOf('acc_bob_current'),
      amount: '120.00',
      localInstrument: 'UK.OBIE.CHAPS',
    });
    assert.equal(consent.charges[0]?.amountMinor, 1_500n, 'a CHAPS payment writes two transfers: the payment and its charge');
    const key = randomUUID();
    const before = await snapshotLedger(database.dataSource);
    const request = requestFor(consent);
    const claim = idempotencyClaim(consent.clientId, 'domestic-payment', key, request);

    await createFailingTrigger();
    try {
      await assert.rejects(pay(consent, key), /injected/);
    } finally {
      await database.dataSource.query(`DROP TRIGGER ${TRIGGER}`);
    }

    assert.deepEqual(await snapshotLedger(database.dataSource), before, 'no transfer, entry or balance change survived');
    assert.equal((await consents.findById(consent.id))?.status, ConsentStatus.Authorised);
    assert.equal(await idempotency.find(claim.clientId, claim.operation, claim.keyHash), null);
    assert.equal(await countRows('SELECT COUNT(*) AS n FROM payment WHERE consent_id = ?', [consent.id]), 0);
    await assertInvariants();

    const retried = await pay(consent, key);
    assert.equal(retried.replayed, false);
    assert.equal(retried.payment.status, 'ACSC');
    const afterwards = await snapshotLedger(database.dataSource);
    assert.equal(afterwards.transfers, before.transfers + 2n);
    assert.equal(afterwards.entries, before.entries + 4n);
    assert.equal(afterwards.balances.get(debtor), (before.balances.get(debtor) ?? 0n) - 12_000n - 1_500n);
    assert.equal((await consents.findById(consent.id))?.status, ConsentStatus.Consumed);
    assert.equal((await idempotency.find(claim.clientId, claim.operation, claim.keyHash))?.resourceId, retried.payment.id);
    await assertInvariants();
  });
});

describe('risk limits counted from stored payments', () => {
  /** A day of its own for each test, so that only that test's payments fall in its windows. */
  const day = (offsetDays: number) => new Date(Date.UTC(2031, 2, 10 + offsetDays, 10, 0, 0));
  const at = (start: Date, seconds: number) => new Date(start.getTime() + seconds * 1000);

  async function payAt(clientId: string, debtorAccountId: string, amount: string, now: Date, risk: RiskPolicy): Promise<DomesticPayment> {
    const consent = await authorisedConsent({ clientId, debtorAccountId, creditor: await creditorOf('acc_alice_savings'), amount, at: now });
    return (await pay(consent, randomUUID(), { now, risk })).payment;
  }

  test('the daily limit → a payment past it RJCT AM14 with no money moved; rejected payments do not count; a new UTC day starts afresh; above the largest payment → AM02', async () => {
    await setSpendable('acc_dave_current', 5_000_000n);
    const risk: RiskPolicy = { ...GENEROUS, maxPaymentMinor: 25_000n, dailyLimitMinor: 30_000n };
    const start = day(0);
    assert.equal((await payAt('cli_daily', 'acc_dave_current', '200.00', start, risk)).status, 'ACSC');

    const before = await snapshotLedger(database.dataSource);
    const refused = await payAt('cli_daily', 'acc_dave_current', '150.00', at(start, 60), risk);
    assert.equal(refused.status, 'RJCT');
    assert.equal(refused.statusReason?.code, 'AM14');
    assert.deepEqual(await snapshotLedger(database.dataSource), before, 'no money moved');
    assert.equal((await consents.findById(refused.consentId))?.status, ConsentStatus.Consumed, 'a rejected payment still consumes its consent');

    assert.equal(
      (await payAt('cli_daily', 'acc_dave_current', '100.00', at(start, 120), risk)).status,
      'ACSC',
      'exactly the limit; the refused 150.00 is not counted',
    );
    assert.equal((await payAt('cli_daily', 'acc_dave_current', '0.01', at(start, 180), risk)).statusReason?.code, 'AM14');
    const midnight = new Date(Date.UTC(2031, 2, 11, 0, 0, 0));
    assert.equal((await payAt('cli_daily', 'acc_dave_current', '250.00', midnight, risk)).status, 'ACSC', 'a new UTC day');
    assert.equal((await payAt('cli_daily', 'acc_dave_current', '250.01', at(midnight, 60), risk)).statusReason?.code, 'AM02');
    await assertInvariants();
  });

  test('customer velocity 3 per hour → the 4th payment within the hour RJCT AG01; once the first leaves the window, accepted', async () => {
    const risk: RiskPolicy = { ...GENEROUS, customerVelocity: { count: 3, windowSeconds: 3600 } };
    const start = day(3);
    for (const minute of [0, 1, 2])
      assert.equal((await payAt('cli_velocity', 'acc_dave_current', '1.00', at(start, minute * 60), risk)).status, 'ACSC');
    const fourth = await payAt('cli_velocity', 'acc_dave_current', '1.00', at(start, 3 * 60), risk);
    assert.equal(fourth.status, 'RJCT');
    assert.equal(fourth.statusReason?.code, 'AG01');
    assert.equal((await payAt('cli_velocity', 'acc_dave_current', '1.00', at(start, 3600 + 30), risk)).status, 'ACSC');
    await assertInvariants();
  });

  test('partner velocity 2 per minute across customers → the third customer RJCT AG01; a minute later, accepted', async () => {
    await setSpendable('acc_carol_current', 100_000n);
    const risk: RiskPolicy = { ...GENEROUS, partnerVelocity: { count: 2, windowSeconds: 60 } };
    const start = day(5);
    assert.equal((await payAt('cli_partner_velocity', 'acc_dave_current', '1.00', start, risk)).status, 'ACSC');
    assert.equal((await payAt('cli_partner_velocity', 'acc_bob_current', '1.00', at(start, 1), risk)).status, 'ACSC');
    const third = await payAt('cli_partner_velocity', 'acc_carol_current', '1.00', at(start, 2), risk);
    assert.equal(third.statusReason?.code, 'AG01');
    assert.match(third.statusReason?.description ?? '', /app/);
    assert.equal((await payAt('cli_other_partner', 'acc_carol_current', '1.00', at(start, 3), risk)).status, 'ACSC', 'another app has its own count');
    assert.equal((await payAt('cli_partner_velocity', 'acc_carol_current', '1.00', at(start, 61), risk)).status, 'ACSC');
    await assertInvariants();
  });

  test('8 payments at once against a velocity of 3 → exactly 3 accepted (risk facts are read under the customer lock)', async () => {
    const risk: RiskPolicy = { ...GENEROUS, customerVelocity: { count: 3, windowSeconds: 3600 } };
    const now = day(7);
    const creditor = await creditorOf('acc_alice_savings');
    const batch = await Promise.all(
      Array.from({ length: 8 }, () =>
        authorisedConsent({ clientId: 'cli_velocity_race', debtorAccountId: 'acc_dave_current', creditor, amount: '1.00', at: now }),
      ),
    );
    const results = await Promise.all(batch.map((consent) => pay(consent, randomUUID(), { now, risk })));
    assert.equal(results.filter((result) => result.payment.status === 'ACSC').length, 3);
    for (const result of results.filter((made) => made.payment.status === 'RJCT')) assert.equal(result.payment.statusReason?.code, 'AG01');
    await assertInvariants();
  });

  test('8 payments of 100.00 at once against a daily limit of 350.00 → exactly 3 accepted, the rest AM14', async () => {
    const risk: RiskPolicy = { ...GENEROUS, dailyLimitMinor: 35_000n };
    const now = day(9);
    const creditor = await creditorOf('acc_alice_savings');
    const batch = await Promise.all(
      Array.from({ length: 8 }, () =>
        authorisedConsent({ clientId: 'cli_daily_race', debtorAccountId: 'acc_dave_current', creditor, amount: '100.00', at: now }),
      ),
    );
    const before = await balanceOf('acc_dave_current');
    const results = await Promise.all(batch.map((consent) => pay(consent, randomUUID(), { now, risk })));
    assert.equal(results.filter((result) => result.payment.status === 'ACSC').length, 3);
    for (const result of results.filter((made) => made.payment.status === 'RJCT')) assert.equal(result.payment.statusReason?.code, 'AM14');
    assert.equal(await balanceOf('acc_dave_current'), before - 30_000n);
    await assertInvariants();
  });

  test('a rejected payment consumed its consent → a new key InvalidConsentStatus; its own key replays the rejection', async () => {
    const risk: RiskPolicy = { ...GENEROUS, maxPaymentMinor: 100n };
    const now = day(11);
    const consent = await authorisedConsent({
      clientId: 'cli_rejected',
      debtorAccountId: 'acc_dave_current',
      creditor: await creditorOf('acc_alice_savings'),
      amount: '1.01',
      at: now,
    });
    const key = randomUUID();
    const refused = await pay(consent, key, { now, risk });
    assert.equal(refused.payment.statusReason?.code, 'AM02');
    const stored = await consents.findById(consent.id);
    assert.equal(stored?.status, ConsentStatus.Consumed);
    await assert.rejects(pay(stored, randomUUID(), { now, risk }), InvalidConsentStatus);
    const replay = await pay(stored, key, { now, risk });
    assert.equal(replay.replayed, true);
    assert.equal(replay.payment.id, refused.payment.id);
    assert.equal(replay.payment.status, 'RJCT');
    await assertInvariants();
  });
});

describe('settlement of external payments', () => {
  const EXTERNAL_PAYEE = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '20325873918204', Name: 'Acme Ltd' };
  const CLOSED_PAYEE = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99039911111111', Name: 'Closed Ltd' };

  /** Settles everything already due, so that a test counts only its own payments. */
  async function drain(): Promise<void> {
    await settleDuePayments(payments, sandboxSchemeAnswer, new Date(Date.now() + DAY_MS), 10_000);
  }

  async function transfersNaming(paymentId: string): Promise<number> {
    return countRows('SELECT COUNT(*) AS n FROM ledger_transfer WHERE reference LIKE ?', [`% of ${paymentId}`]);
  }

  test('an external payee → ACSP with its money in clearing; settling before settleAfter does nothing; at it → ACSC with a clearing → external transfer', async () => {
    await drain();
    await setSpendable('acc_alice_current', 500_000n);
    const now = new Date();
    const consent = await authorisedConsent({
      clientId: 'cli_settle',
      debtorAccountId: 'acc_alice_current',
      creditor: EXTERNAL_PAYEE,
      amount: '1000.00',
    });
    const clearingBefore = await balanceOf(clearingAccountId('GBP'));
    const externalBefore = await balanceOf(externalAccountId('GBP'));
    const debtorBefore = await balanceOf('acc_alice_current');
    const { payment } = await pay(consent, randomUUID(), { now });
    assert.equal(payment.status, 'ACSP');
    assert.equal(payment.route, 'external');
    assert.equal(payment.settleAfter?.getTime(), now.getTime() + SETTLEMENT_DELAY_MS);
    assert.equal(await balanceOf(clearingAccountId('GBP')), clearingBefore + 100_000n);
    assert.equal(await balanceOf('acc_alice_current'), debtorBefore - 100_050n);
    await assertInvariants();

    assert.deepEqual(await settleDuePayments(payments, sandboxSchemeAnswer, new Date(now.getTime() + SETTLEMENT_DELAY_MS - 1)), {
      settled: 0,
      rejected: 0,
    });
    assert.equal((await payments.findById(payment.id))?.status, 'ACSP');

    assert.deepEqual(await settleDuePayments(payments, sandboxSchemeAnswer, new Date(now.getTime() + SETTLEMENT_DELAY_MS)), {
      settled: 1,
      rejected: 0,
    });
    const settled = await payments.findById(payment.id);
    assert.equal(settled?.status, 'ACSC');
    assert.equal(settled?.statusReason, null);
    assert.equal(await balanceOf(clearingAccountId('GBP')), clearingBefore);
    assert.equal(await balanceOf(externalAccountId('GBP')), externalBefore + 100_000n);
    assert.equal(await balanceOf('acc_alice_current'), debtorBefore - 100_050n, 'the charge stays charged');
    assert.equal(await transfersNaming(payment.id), 1);
    await assertInvariants();
  });

  test('a payee the scheme refuses → RJCT AC04 on settlement, amount and charge returned to the debtor by reversal transfers', async () => {
    await drain();
    await setSpendable('acc_alice_current', 500_000n);
    const now = new Date();
    const consent = await authorisedConsent({
      clientId: 'cli_settle',
      debtorAccountId: 'acc_alice_current',
      creditor: CLOSED_PAYEE,
      amount: '1500.00',
    });
    const debtorBefore = await balanceOf('acc_alice_current');
    const feesBefore = await balanceOf(feeIncomeAccountId('GBP'));
    const { payment } = await pay(consent, randomUUID(), { now });
    assert.equal(payment.status, 'ACSP', 'the bank cannot know before the scheme answers');
    assert.equal(await balanceOf('acc_alice_current'), debtorBefore - 150_050n);

    assert.deepEqual(await settleDuePayments(payments, sandboxSchemeAnswer, new Date(now.getTime() + SETTLEMENT_DELAY_MS)), {
      settled: 0,
      rejected: 1,
    });
    const rejected = await payments.findById(payment.id);
    assert.equal(rejected?.status, 'RJCT');
    assert.equal(rejected?.statusReason?.code, 'AC04');
    assert.equal(await balanceOf('acc_alice_current'), debtorBefore, 'the debtor is whole again, charge included');
    assert.equal(await balanceOf(feeIncomeAccountId('GBP')), feesBefore);
    assert.equal(
      await countRows(`SELECT COUNT(*) AS n FROM ledger_transfer WHERE kind = 'reversal' AND reference LIKE ?`, [`% of ${payment.id}`]),
      2,
    );
    assert.equal((await consents.findById(consent.id))?.status, ConsentStatus.Consumed);
    await assertInvariants();
  });

  test('settlement runs while new payments are made from the same account → each payment settled exactly once, the new ones when due', async () => {
    await drain();
    await setSpendable('acc_alice_current', 5_000_000n);
    const start = new Date();
    const creditors = [EXTERNAL_PAYEE, CLOSED_PAYEE, EXTERNAL_PAYEE, CLOSED_PAYEE, EXTERNAL_PAYEE, CLOSED_PAYEE];
    const newConsents = () =>
      Promise.all(
        creditors.map((creditor) =>
          authorisedConsent({ clientId: 'cli_settle_busy', debtorAccountId: 'acc_alice_current', creditor, amount: '1000.00' }),
        ),
      );
    const dueNow = await Promise.all(
      (await newConsents()).map((consent) => pay(consent, randomUUID(), { now: new Date(start.getTime() - SETTLEMENT_DELAY_MS) })),
    );
    const waiting = await newConsents();

    const [made, ...runs] = await Promise.all([
      Promise.all(waiting.map((consent) => pay(consent, randomUUID(), { now: start }))),
      settleDuePayments(payments, sandboxSchemeAnswer, start),
      settleDuePayments(payments, sandboxSchemeAnswer, start),
      settleDuePayments(payments, sandboxSchemeAnswer, start),
    ]);
    assert.equal(
      runs.reduce((sum, run) => sum + run.settled, 0),
      3,
    );
    assert.equal(
      runs.reduce((sum, run) => sum + run.rejected, 0),
      3,
    );
    for (const { payment } of made) assert.equal((await payments.findById(payment.id))?.status, 'ACSP', 'not yet due');
    await assertInvariants();

    const later = await Promise.all(
      [1, 2].map(() => settleDuePayments(payments, sandboxSchemeAnswer, new Date(start.getTime() + SETTLEMENT_DELAY_MS))),
    );
    assert.equal(
      later.reduce((sum, run) => sum + run.settled + run.rejected, 0),
      6,
    );
    for (const [index, { payment }] of [...dueNow, ...made].entries()) {
      assert.equal(await transfersNaming(payment.id), index % 2 === 0 ? 1 : 2, `${payment.id} settled once`);
      assert.equal((await payments.findById(payment.id))?.status, index % 2 === 0 ? 'ACSC' : 'RJCT');
    }
    await assertInvariants();
  });

  test('two settlement runs at once over 6 due payments → each settled exactly once (3 ACSC, 3 RJCT with their reversals)', async () => {
    await drain();
    await setSpendable('acc_alice_current', 5_000_000n);
    const now = new Date();
    const made: DomesticPayment[] = [];
    for (const creditor of [
      EXTERNAL_PAYEE,
      CLOSED_PAYEE,
      EXTERNAL_PAYEE,
      { ...CLOSED_PAYEE, Identification: '99039922222222' },
      EXTERNAL_PAYEE,
      { ...CLOSED_PAYEE, Identification: '99039900000001' },
    ]) {
      const consent = await authorisedConsent({ clientId: 'cli_settle_race', debtorAccountId: 'acc_alice_current', creditor, amount: '1000.00' });
      made.push((await pay(consent, randomUUID(), { now })).payment);
    }
    const debtorBefore = await balanceOf('acc_alice_current');
    const due = new Date(now.getTime() + SETTLEMENT_DELAY_MS);
    const runs = await Promise.all([settleDuePayments(payments, sandboxSchemeAnswer, due), settleDuePayments(payments, sandboxSchemeAnswer, due)]);
    assert.equal(runs[0].settled + runs[1].settled, 3);
    assert.equal(runs[0].rejected + runs[1].rejected, 3);
    const statuses = await Promise.all(
      made.map(async (payment) => (await payments.findById(payment.id))?.statusReason?.code ?? (await payments.findById(payment.id))?.status),
    );
    assert.deepEqual(statuses, ['ACSC', 'AC04', 'ACSC', 'AC06', 'ACSC', 'AC01']);
    for (const [index, payment] of made.entries())
      assert.equal(await transfersNaming(payment.id), index % 2 === 0 ? 1 : 2, `${payment.id} settled once`);
    assert.equal(await balanceOf('acc_alice_current'), debtorBefore + 3n * 100_050n, 'three refused payments returned with their charges');
    assert.deepEqual(await settleDuePayments(payments, sandboxSchemeAnswer, due), { settled: 0, rejected: 0 });
    await assertInvariants();
  });
});
