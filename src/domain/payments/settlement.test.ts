// Proves the settlement of external payments against an in-memory payment store and ledger: nothing happens before a payment's settleAfter; the scheme's acceptance moves the amount from clearing to the outside world (ACSC); its refusal rejects the payment (RJCT with the scheme's reason) and returns the amount and the charges to the debtor by new reversal transfers; each payment is settled once however many workers run.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { InMemoryPaymentStore } from '../../../test/support/in-memory-payment-store.js';
import type { TransferDraft } from '../ledger/ledger.js';
import { PaymentStatus, type DomesticPayment } from './domestic-payment.js';
import { clearingAccountId, externalAccountId, feeIncomeAccountId, sandboxSchemeAnswer } from './payee.js';
import type { PaymentAccount } from './payment-instruction.js';
import { settleDuePayments } from './settlement.js';
import { EventType } from '../events/event-types.js';

const CREATED = new Date('2030-06-01T12:00:00.000Z');
const DUE = new Date('2030-06-01T12:00:10.000Z');
const DEBTOR = 'acc_alice_current';
const OPENING_MINOR = 500_000n;
const ACCEPTED_PAYEE = '20325873918204';
const CLOSED_PAYEE = '99039911111111';
const BLOCKED_PAYEE = '99039922222222';

let store: InMemoryPaymentStore;
let sequence = 0;

beforeEach(() => {
  store = new InMemoryPaymentStore();
  store.openAccount(DEBTOR, 'GBP', { customer: true, overdraftLimitMinor: 50_000n, balanceMinor: OPENING_MINOR });
  store.openAccount('acc_alice_eur', 'EUR', { customer: true, balanceMinor: OPENING_MINOR });
  for (const currency of ['GBP', 'EUR']) {
    for (const id of [clearingAccountId(currency), feeIncomeAccountId(currency), externalAccountId(currency)]) store.openAccount(id, currency);
  }
});

/**
 * An external payment accepted by the bank as makeDomesticPayment leaves it: `ACSP`, its amount in the clearing
 * account and its charges in fee income, both taken from the debtor.
 */
function acceptedExternalPayment(options: {
  amountMinor: bigint;
  chargesMinor?: bigint;
  payee?: string;
  settleAfter?: Date;
  currency?: string;
  debtor?: string;
}): DomesticPayment {
  sequence += 1;
  const currency = options.currency ?? 'GBP';
  const debtor = options.debtor ?? DEBTOR;
  const payment: DomesticPayment = {
    id: `pmt_test_${sequence}`,
    kind: 'domestic',
    dueAt: null,
    executedAt: new Date(),
    consentId: `pmc_test_${sequence}`,
    instructionIdentification: `instr-${sequence}`,
    instruction: null,
    clientId: 'cli_pay_app',
    customerId: 'cus_sandbox_alice',
    debtorAccountId: debtor,
    status: PaymentStatus.SettlementInProcess,
    statusReason: null,
    amountMinor: options.amountMinor,
    chargesMinor: options.chargesMinor ?? 0n,
    currency,
    localInstrument: currency === 'GBP' ? 'UK.OBIE.FPS' : 'UK.OBIE.SEPAInstantCreditTransfer',
    route: 'external',
    creditorAccountId: null,
    creditorIdentification: options.payee ?? ACCEPTED_PAYEE,
    settleAfter: options.settleAfter ?? DUE,
    createdAt: CREATED,
    statusUpdatedAt: CREATED,
  };
  const transfers: TransferDraft[] = [transfer(`trf_pay_${sequence}`, currency, debtor, clearingAccountId(currency), payment.amountMinor)];
  if (payment.chargesMinor > 0n)
    transfers.push(transfer(`trf_fee_${sequence}`, currency, debtor, feeIncomeAccountId(currency), payment.chargesMinor));
  store.postTransfers(transfers);
  store.put(payment);
  return payment;
}

function transfer(id: string, currency: string, from: string, to: string, amountMinor: bigint): TransferDraft {
  return {
    id,
    kind: 'payment',
    currency,
    reference: id,
    status: 'BOOK',
    bookedAt: CREATED,
    valueAt: CREATED,
    entries: [
      { accountId: from, amountMinor: -amountMinor, information: id, counterparty: null },
      { accountId: to, amountMinor, information: id, counterparty: null },
    ],
  };
}

/** The transfers a settlement posted for a payment (they name it in their reference). */
function transfersOf(paymentId: string): TransferDraft[] {
  return store.transfers.filter((posted) => posted.reference.endsWith(` of ${paymentId}`));
}

function net(transfers: readonly TransferDraft[], accountId: string): bigint {
  return transfers
    .flatMap((posted) => posted.entries)
    .filter((entry) => entry.accountId === accountId)
    .reduce((sum, entry) => sum + entry.amountMinor, 0n);
}

describe('settleDuePayments', () => {
  test('run 1 ms before settleAfter → nothing settled, the payment stays ACSP with its money in clearing', async () => {
    const payment = acceptedExternalPayment({ amountMinor: 12_345n });
    assert.deepEqual(await settleDuePayments(store, sandboxSchemeAnswer, new Date(DUE.getTime() - 1)), { settled: 0, rejected: 0 });
    assert.equal((await store.findById(payment.id))?.status, 'ACSP');
    assert.equal(store.balanceOf(clearingAccountId('GBP')), 12_345n);
    assert.equal(store.settleCalls, 0);
  });

  test('run at settleAfter, payee accepted → ACSC, one transfer clearing → external of the amount, charges stay with the bank', async () => {
    const payment = acceptedExternalPayment({ amountMinor: 150_000n, chargesMinor: 50n });
    const debtorBefore = store.balanceOf(DEBTOR);
    assert.deepEqual(await settleDuePayments(store, sandboxSchemeAnswer, DUE), { settled: 1, rejected: 0 });
    const settled = await store.findById(payment.id);
    assert.equal(settled?.status, 'ACSC');
    assert.equal(settled?.statusReason, null);
    assert.equal(settled?.statusUpdatedAt.getTime(), DUE.getTime());
    const [settlement, ...others] = transfersOf(payment.id);
    assert.equal(others.length, 0);
    assert.equal(settlement?.kind, 'transfer');
    assert.equal(settlement?.currency, 'GBP');
    assert.deepEqual(
      settlement?.entries.map((entry) => [entry.accountId, entry.amountMinor]),
      [
        [clearingAccountId('GBP'), -150_000n],
        [externalAccountId('GBP'), 150_000n],
      ],
    );
    assert.equal(store.balanceOf(clearingAccountId('GBP')), 0n, 'clearing is empty again');
    assert.equal(store.balanceOf(externalAccountId('GBP')), 150_000n);
    assert.equal(store.balanceOf(feeIncomeAccountId('GBP')), 50n);
    assert.equal(store.balanceOf(DEBTOR), debtorBefore, 'the debtor is not touched again');
    assert.deepEqual(
      store.events.map((event) => [event.clientId, event.resource, event.events]),
      [[payment.clientId, { type: 'domestic-payment', id: payment.id }, [EventType.ResourceUpdate]]],
      'the partner is told: one resource-update about the payment',
    );
  });

  test('payee refused by the scheme (closed account) → RJCT AC04; the amount and the charges return to the debtor by reversal transfers', async () => {
    const payment = acceptedExternalPayment({ amountMinor: 100_000n, chargesMinor: 50n, payee: CLOSED_PAYEE });
    assert.equal(store.balanceOf(DEBTOR), OPENING_MINOR - 100_050n);
    assert.deepEqual(await settleDuePayments(store, sandboxSchemeAnswer, DUE), { settled: 0, rejected: 1 });
    const rejected = await store.findById(payment.id);
    assert.equal(rejected?.status, 'RJCT');
    assert.equal(rejected?.statusReason?.code, 'AC04');
    assert.ok(rejected?.statusReason?.description);
    const reversals = transfersOf(payment.id);
    assert.equal(reversals.length, 2);
    for (const reversal of reversals) {
      assert.equal(reversal.kind, 'reversal');
      assert.equal(
        reversal.entries.reduce((sum, entry) => sum + entry.amountMinor, 0n),
        0n,
      );
    }
    assert.equal(net(reversals, clearingAccountId('GBP')), -100_000n);
    assert.equal(net(reversals, feeIncomeAccountId('GBP')), -50n);
    assert.equal(net(reversals, DEBTOR), 100_050n);
    assert.equal(store.balanceOf(DEBTOR), OPENING_MINOR, 'the debtor is whole again, charges included');
    assert.equal(store.balanceOf(clearingAccountId('GBP')), 0n);
    assert.equal(store.balanceOf(feeIncomeAccountId('GBP')), 0n);
    assert.equal(store.balanceOf(externalAccountId('GBP')), 0n, 'nothing left the bank');
    assert.deepEqual(
      store.events.map((event) => [event.resource.id, event.events]),
      [[payment.id, [EventType.ResourceUpdate]]],
    );
  });

  test('settled and refused payments → one notice each to the payer: made, or not made with the reason in plain words and the money back', async () => {
    acceptedExternalPayment({ amountMinor: 150_000n });
    acceptedExternalPayment({ amountMinor: 100_000n, chargesMinor: 50n, payee: CLOSED_PAYEE });
    await settleDuePayments(store, sandboxSchemeAnswer, DUE);
    const mails = store.notices.map((notice) => ({
      to: notice.customerId,
      ...notice.compose({ customerName: 'Alice Thompson', appName: 'Rent Runner' }),
    }));
    assert.deepEqual(
      mails.map((mail) => [mail.to, mail.subject]),
      [
        ['cus_sandbox_alice', 'Your payment of £1,500.00 has been made'],
        ['cus_sandbox_alice', 'Your payment of £1,000.00 was not made'],
      ],
    );
    assert.match(mails[0]?.text ?? '', /The payment of £1,500\.00 you approved for Rent Runner on .+ has been made/);
    assert.match(
      mails[1]?.text ?? '',
      /was not made: the payee's account is closed\.\nThe £1,000\.00 and the charge of £0\.50 went back into your account/,
    );
  });

  test('a refused payment without charges → a single reversal of the amount', async () => {
    const payment = acceptedExternalPayment({ amountMinor: 4_200n, payee: BLOCKED_PAYEE });
    assert.deepEqual(await settleDuePayments(store, sandboxSchemeAnswer, DUE), { settled: 0, rejected: 1 });
    assert.equal((await store.findById(payment.id))?.statusReason?.code, 'AC06');
    const reversals = transfersOf(payment.id);
    assert.equal(reversals.length, 1);
    assert.deepEqual(
      reversals[0]?.entries.map((entry) => [entry.accountId, entry.amountMinor]),
      [
        [clearingAccountId('GBP'), -4_200n],
        [DEBTOR, 4_200n],
      ],
    );
    assert.equal(store.balanceOf(DEBTOR), OPENING_MINOR);
  });

  test('a EUR payment → settled through the EUR clearing and external accounts', async () => {
    const payment = acceptedExternalPayment({
      amountMinor: 2_000n,
      chargesMinor: 50n,
      currency: 'EUR',
      debtor: 'acc_alice_eur',
      payee: 'DE89370400440532013000',
    });
    assert.deepEqual(await settleDuePayments(store, sandboxSchemeAnswer, DUE), { settled: 1, rejected: 0 });
    assert.equal((await store.findById(payment.id))?.status, 'ACSC');
    assert.equal(store.balanceOf(externalAccountId('EUR')), 2_000n);
    assert.equal(store.balanceOf(clearingAccountId('EUR')), 0n);
    assert.equal(store.balanceOf(externalAccountId('GBP')), 0n);
  });

  test('the scheme is asked about the payee with its scheme: 14 digits → sort code, anything else → IBAN', async () => {
    acceptedExternalPayment({ amountMinor: 100n, payee: '20325873918204' });
    acceptedExternalPayment({ amountMinor: 100n, currency: 'EUR', debtor: 'acc_alice_eur', payee: 'DE89370400440532013000' });
    const asked: PaymentAccount[] = [];
    await settleDuePayments(
      store,
      (creditor) => {
        asked.push(creditor);
        return null;
      },
      DUE,
    );
    assert.deepEqual(asked, [
      { schemeName: 'UK.OBIE.SortCodeAccountNumber', identification: '20325873918204', name: null },
      { schemeName: 'UK.OBIE.IBAN', identification: 'DE89370400440532013000', name: null },
    ]);
  });

  test('more due payments than the batch size → the oldest batch settled; the next run takes the rest', async () => {
    const payments = [3, 1, 4, 2, 5].map((second) =>
      acceptedExternalPayment({ amountMinor: 1_000n, settleAfter: new Date(DUE.getTime() - 10_000 + second * 1000) }),
    );
    assert.deepEqual(await settleDuePayments(store, sandboxSchemeAnswer, DUE, 2), { settled: 2, rejected: 0 });
    const status = async (index: number) => (await store.findById(payments[index]?.id ?? ''))?.status;
    assert.deepEqual(await Promise.all([0, 1, 2, 3, 4].map(status)), ['ACSP', 'ACSC', 'ACSP', 'ACSC', 'ACSP']);
    assert.deepEqual(await settleDuePayments(store, sandboxSchemeAnswer, DUE, 2), { settled: 2, rejected: 0 });
    assert.deepEqual(await settleDuePayments(store, sandboxSchemeAnswer, DUE, 2), { settled: 1, rejected: 0 });
    assert.deepEqual(await settleDuePayments(store, sandboxSchemeAnswer, DUE, 2), { settled: 0, rejected: 0 });
  });

  test('only ACSP payments are settled: ACSC, RJCT and not-yet-due ones are left alone', async () => {
    const due = acceptedExternalPayment({ amountMinor: 700n });
    const later = acceptedExternalPayment({ amountMinor: 800n, settleAfter: new Date(DUE.getTime() + 60_000) });
    store.put({ ...due, id: 'pmt_internal', status: 'ACSC', route: 'internal', settleAfter: null });
    store.put({ ...due, id: 'pmt_refused', status: 'RJCT', statusReason: { code: 'AM04', description: 'x' }, settleAfter: null });
    assert.deepEqual(await settleDuePayments(store, sandboxSchemeAnswer, DUE), { settled: 1, rejected: 0 });
    assert.equal((await store.findById(later.id))?.status, 'ACSP');
    assert.equal((await store.findById('pmt_refused'))?.status, 'RJCT');
    assert.equal(store.settleCalls, 1);
  });

  test('a payment settled by another worker between listing and settling → not counted, nothing posted twice', async () => {
    const payment = acceptedExternalPayment({ amountMinor: 900n });
    const racing = Object.create(store) as InMemoryPaymentStore;
    racing.listDueForSettlement = async (now, limit) => {
      const due = await store.listDueForSettlement(now, limit);
      await settleDuePayments(store, sandboxSchemeAnswer, now);
      return due;
    };
    assert.deepEqual(await settleDuePayments(racing, sandboxSchemeAnswer, DUE), { settled: 0, rejected: 0 });
    assert.equal((await store.findById(payment.id))?.status, 'ACSC');
    assert.equal(transfersOf(payment.id).length, 1);
    assert.equal(store.balanceOf(externalAccountId('GBP')), 900n);
  });

  test('three workers at once over accepted and refused payments → each payment settled exactly once, the counts add up', async () => {
    const accepted = Array.from({ length: 5 }, () => acceptedExternalPayment({ amountMinor: 1_000n, chargesMinor: 50n }));
    const refused = Array.from({ length: 4 }, () => acceptedExternalPayment({ amountMinor: 2_000n, chargesMinor: 50n, payee: '99039933333333' }));
    const runs = await Promise.all([1, 2, 3].map(() => settleDuePayments(store, sandboxSchemeAnswer, DUE)));
    assert.equal(
      runs.reduce((sum, run) => sum + run.settled, 0),
      5,
    );
    assert.equal(
      runs.reduce((sum, run) => sum + run.rejected, 0),
      4,
    );
    assert.equal(store.settleApplied, 9);
    for (const payment of accepted) assert.equal(transfersOf(payment.id).length, 1);
    for (const payment of refused) {
      assert.equal(transfersOf(payment.id).length, 2);
      assert.equal((await store.findById(payment.id))?.statusReason?.code, 'AC01');
    }
    assert.equal(store.balanceOf(clearingAccountId('GBP')), 0n);
    assert.equal(store.balanceOf(externalAccountId('GBP')), 5_000n);
    assert.equal(store.balanceOf(feeIncomeAccountId('GBP')), 250n, 'charges of accepted payments kept, of refused ones returned');
    assert.equal(store.balanceOf(DEBTOR), OPENING_MINOR - 5_250n);
  });
});
