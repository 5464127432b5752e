// Proves on seeded random amounts, rates and charges that an international payment's ledger postings reconcile to the minor unit: every transfer is in one currency and sums to zero, the customer is debited the debit plus the charges in the account's currency, the payee (or clearing) is credited exactly the converted amount, the FX positions hold +debit and −credit, fee income the charges — and that unwinding a returned payment puts every account back but the charges.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SeededRandom } from '../../../sandbox/seeded-random.js';
import { convertCredit, convertDebit } from '../../fx/currency-conversion.js';
import { RATE_SCALE } from '../../fx/exchange-rate.js';
import type { TransferDraft } from '../../ledger/ledger.js';
import type { OrderedPayment } from '../domestic-payment.js';
import { clearingAccountId, feeIncomeAccountId, fxPositionAccountId } from '../payee.js';
import type { PaymentInstruction } from '../payment-instruction.js';
import { internationalTransfers, unwindConversion } from './international-transfers.js';

const RUNS = 1_000;
const DEBTOR = 'acc_alice_current';
const NOW = new Date('2026-03-02T10:00:00Z');

function nets(transfers: readonly TransferDraft[]): Map<string, bigint> {
  const byAccount = new Map<string, bigint>();
  for (const transfer of transfers) {
    let sum = 0n;
    for (const entry of transfer.entries) {
      sum += entry.amountMinor;
      byAccount.set(entry.accountId, (byAccount.get(entry.accountId) ?? 0n) + entry.amountMinor);
    }
    assert.equal(sum, 0n, `transfer ${transfer.id} (${transfer.currency}) sums to zero`);
  }
  return byAccount;
}

function payment(debitCurrency: string, debitMinor: bigint, chargesMinor: bigint, creditorAccountId: string | null): OrderedPayment {
  return {
    id: 'pmt_test',
    kind: 'international',
    consentId: 'pmc_test',
    instructionIdentification: 'INSTR-1',
    instruction: null,
    dueAt: null,
    clientId: 'client',
    customerId: 'cus_sandbox_alice',
    debtorAccountId: DEBTOR,
    amountMinor: debitMinor,
    chargesMinor,
    currency: debitCurrency,
    localInstrument: 'UK.OBIE.SWIFT',
    route: creditorAccountId ? 'internal' : 'external',
    creditorAccountId,
    creditorIdentification: 'DE89370400440532013000',
    createdAt: NOW,
    statusUpdatedAt: NOW,
  };
}

const INSTRUCTION: PaymentInstruction = {
  amountMinor: 0n,
  currency: 'GBP',
  localInstrument: 'UK.OBIE.SWIFT',
  creditor: { schemeName: 'UK.OBIE.IBAN', identification: 'DE89370400440532013000', name: 'Hans Muster' },
  debtor: null,
  reference: 'INVOICE 1',
  endToEndIdentification: 'E2E-1',
};

describe('international payment postings through the FX positions', () => {
  test('random payments: debit, credit, FX positions and charges reconcile; each currency sums to zero; the unwind restores all but the charges', () => {
    const random = new SeededRandom(0x1e1e);
    for (let run = 0; run < RUNS; run += 1) {
      const unit = random.pick(['GBP', 'EUR']);
      const target = random.pick(['USD', 'JPY', 'CHF', unit === 'GBP' ? 'EUR' : 'GBP']);
      const rate = { unitCurrency: unit, targetCurrency: target, scaled: random.amount(RATE_SCALE / 100n, 300n * RATE_SCALE) };
      const instructedMinor = random.amount(1n, 2_500_000n);
      const conversion = random.chance(50) ? convertDebit(rate, instructedMinor) : convertCredit(rate, instructedMinor);
      if (conversion.creditMinor === 0n) continue;
      const chargesMinor = random.pick([0n, 500n, random.amount(1n, 5_000n)]);
      const internal = random.chance(20) ? `acc_payee_${target.toLowerCase()}` : null;
      const ordered = payment(unit, conversion.debitMinor, chargesMinor, internal);
      const transfers = internationalTransfers(ordered, conversion, { ...INSTRUCTION, currency: unit }, NOW);

      const byCurrency = new Map<string, bigint>();
      for (const transfer of transfers) {
        for (const entry of transfer.entries) byCurrency.set(transfer.currency, (byCurrency.get(transfer.currency) ?? 0n) + entry.amountMinor);
      }
      for (const [currency, sum] of byCurrency) assert.equal(sum, 0n, `${currency} sums to zero`);
      const net = nets(transfers);
      assert.equal(net.get(DEBTOR), -(conversion.debitMinor + chargesMinor), 'the customer pays the debit and the charges');
      assert.equal(net.get(internal ?? clearingAccountId(target)), conversion.creditMinor, 'the payee side receives the converted amount');
      assert.equal(net.get(fxPositionAccountId(unit)), conversion.debitMinor, 'the FX position of the account currency bought the debit');
      assert.equal(net.get(fxPositionAccountId(target)), -conversion.creditMinor, 'the FX position of the transfer currency sold the credit');
      assert.equal(net.get(feeIncomeAccountId(unit)) ?? 0n, chargesMinor, 'fee income took the charges');
      assert.equal(net.size, chargesMinor > 0n ? 5 : 4, 'no other account moved');
      for (const transfer of transfers) {
        const accountsCurrency = transfer.entries.every(
          (entry) => entry.accountId === DEBTOR || entry.accountId.includes(`_${transfer.currency.toLowerCase()}`),
        );
        assert.ok(accountsCurrency, `transfer ${transfer.reference} posts only to accounts in ${transfer.currency}`);
      }

      if (internal) continue;
      const unwound = nets([...transfers, ...unwindConversion(ordered, conversion, 'closed account', NOW)]);
      for (const [accountId, amountMinor] of unwound) {
        const expected = accountId === DEBTOR ? -chargesMinor : accountId === feeIncomeAccountId(unit) ? chargesMinor : 0n;
        assert.equal(amountMinor, expected, `${accountId} after the unwind`);
      }
    }
  });
});
