// Proves makeDomesticPayment's rules against in-memory stores: the request must name the token's consent and repeat its Initiation and Risk exactly (U008), the consent must be AUTH (U009) and becomes COND; a payee here is credited at once (ACSC), a payee elsewhere is paid into clearing (ACSP) until settlement, a refused payee, a risk limit or missing funds reject the payment (RJCT) with no money moved; the charges are taken by a separate fee transfer; the same key replays, a reused key with another body is refused (U006).
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { InMemoryAccountStore } from '../../../test/support/in-memory-account-store.js';
import { InMemoryPaymentStore } from '../../../test/support/in-memory-payment-store.js';
import { ConsentStatus } from '../consents/consent-status.js';
import { InvalidConsentStatus, ResourceForbidden, ResourceNotFound } from '../errors.js';
import { chargesFor, DEFAULT_FEE_SCHEDULE } from './charges.js';
import { ConsentMismatch } from './consent-match.js';
import { IdempotencyKeyReused, idempotencyClaim } from './idempotency.js';
import { clearingAccountId, externalAccountId, feeIncomeAccountId } from './payee.js';
import type { DomesticPaymentConsent, PaymentConsentRequest } from './payment-consent.js';
import { parseInitiation } from './payment-instruction.js';
import { getDomesticPayment, makeDomesticPayment, type PaymentRequest, type PaymentServices } from './payments.js';
import { DEFAULT_RISK_POLICY, type RiskPolicy } from './risk-policy.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const CLIENT = 'cli_pay_app';
const DEBTOR = 'acc_alice_current';
const BOB = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030141873205', Name: 'Bob Patel' };
const ELSEWHERE = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '20325873918204', Name: 'Acme Ltd' };
const NOWHERE = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030100000000', Name: 'Nobody' };
const OPENING_MINOR = 200_000n;
const SETTLEMENT_DELAY_MS = 10_000;

let store: InMemoryPaymentStore;
let accounts: InMemoryAccountStore;
let sequence = 0;

beforeEach(() => {
  store = new InMemoryPaymentStore();
  accounts = new InMemoryAccountStore();
  for (const account of accounts.all()) {
    store.openAccount(account.id, account.currency, {
      customer: account.holder.kind === 'customer',
      overdraftLimitMinor: account.overdraftLimitMinor,
      balanceMinor: account.id === DEBTOR ? OPENING_MINOR : 0n,
    });
  }
});

function services(risk: RiskPolicy = DEFAULT_RISK_POLICY): PaymentServices {
  return { payments: store, idempotency: store, accounts, risk, settlementDelayMs: SETTLEMENT_DELAY_MS };
}

/** An authorised consent of Alice paying from her current account. */
function authorisedConsent(
  creditor: object,
  amount: string,
  options: { localInstrument?: string; status?: ConsentStatus } = {},
): DomesticPaymentConsent {
  sequence += 1;
  const request: PaymentConsentRequest = {
    Data: {
      Initiation: {
        InstructionIdentification: `INSTR-${sequence}`,
        EndToEndIdentification: `E2E-${sequence}`,
        ...(options.localInstrument ? { LocalInstrument: options.localInstrument } : {}),
        InstructedAmount: { Amount: amount, Currency: 'GBP' },
        CreditorAccount: creditor,
        RemittanceInformation: { Unstructured: ['Dinner'] },
      },
    },
    Risk: { PaymentContextCode: 'PartyToParty' },
  };
  const instruction = parseInitiation(request.Data.Initiation);
  const status = options.status ?? ConsentStatus.Authorised;
  const id = `pmc_test_${sequence}`;
  store.consentStatus.set(id, status);
  return {
    id,
    kind: 'domestic-payment',
    clientId: CLIENT,
    status,
    statusReason: null,
    request,
    charges: chargesFor(DEFAULT_FEE_SCHEDULE, instruction.localInstrument, instruction.amountMinor, instruction.currency),
    authoriseBy: new Date(NOW.getTime() + 3600_000),
    customerId: status === ConsentStatus.AwaitingAuthorisation ? null : 'cus_sandbox_alice',
    debtorAccountId: status === ConsentStatus.AwaitingAuthorisation ? null : DEBTOR,
    debtor: null,
    grantId: status === ConsentStatus.AwaitingAuthorisation ? null : `grant_${sequence}`,
    authorisedAt: status === ConsentStatus.AwaitingAuthorisation ? null : NOW,
    createdAt: NOW,
    statusUpdatedAt: NOW,
  };
}

function requestFor(consent: DomesticPaymentConsent): PaymentRequest {
  return {
    Data: { ConsentId: consent.id, Initiation: structuredClone(consent.request.Data.Initiation) },
    Risk: structuredClone(consent.request.Risk),
  };
}

function pay(consent: DomesticPaymentConsent, options: { key?: string; request?: PaymentRequest; risk?: RiskPolicy; now?: Date } = {}) {
  const request = options.request ?? requestFor(consent);
  return makeDomesticPayment(
    services(options.risk),
    consent,
    request,
    idempotencyClaim(CLIENT, 'domestic-payment', options.key ?? `key-${consent.id}`, request),
    options.now ?? NOW,
  );
}

describe('money', () => {
  test('a payee at this bank → ACSC at once: the debtor debited, the payee credited, the consent COND', async () => {
    const consent = authorisedConsent(BOB, '12.34');
    const made = await pay(consent);
    assert.equal(made.replayed, false);
    assert.equal(made.payment.status, 'ACSC');
    assert.equal(made.payment.route, 'internal');
    assert.equal(made.payment.creditorAccountId, 'acc_bob_current');
    assert.equal(made.payment.settleAfter, null);
    assert.equal(made.payment.customerId, 'cus_sandbox_alice');
    assert.match(made.payment.id, /^pmt_/);
    assert.equal(made.consent.status, ConsentStatus.Consumed);
    assert.equal(store.consentStatus.get(consent.id), 'COND');
    assert.equal(store.balanceOf(DEBTOR), OPENING_MINOR - 1_234n);
    assert.equal(store.balanceOf('acc_bob_current'), 1_234n);
    const [transfer] = store.transfers;
    assert.equal(store.transfers.length, 1);
    assert.equal(transfer?.kind, 'payment');
    assert.equal(transfer?.reference, 'Dinner');
    assert.deepEqual(transfer?.entries[0]?.counterparty, { name: 'Bob Patel', schemeName: BOB.SchemeName, identification: BOB.Identification });
    assert.equal(transfer?.entries[0]?.information, 'Bob Patel Dinner');
    assert.match(transfer?.entries[1]?.information ?? '', new RegExp(made.payment.id));
  });

  test('a payee elsewhere → ACSP with settleAfter = now + the settlement delay; the money waits in clearing', async () => {
    const { payment } = await pay(authorisedConsent(ELSEWHERE, '50.00'));
    assert.equal(payment.status, 'ACSP');
    assert.equal(payment.route, 'external');
    assert.equal(payment.creditorAccountId, null);
    assert.equal(payment.settleAfter?.getTime(), NOW.getTime() + SETTLEMENT_DELAY_MS);
    assert.equal(store.balanceOf(clearingAccountId('GBP')), 5_000n);
    assert.equal(store.balanceOf(externalAccountId('GBP')), 0n);
  });

  test('a payment with a charge → a second, fee transfer from the debtor to fee income', async () => {
    const consent = authorisedConsent(ELSEWHERE, '1000.00');
    const { payment } = await pay(consent);
    assert.equal(payment.chargesMinor, 50n);
    assert.equal(store.transfers.length, 2);
    assert.equal(store.transfers[1]?.kind, 'fee');
    assert.equal(store.transfers[1]?.reference, `Charge for payment ${payment.id}`);
    assert.equal(store.balanceOf(feeIncomeAccountId('GBP')), 50n);
    assert.equal(store.balanceOf(DEBTOR), OPENING_MINOR - 100_050n);
  });

  test('our sort code with an unknown account → RJCT AC01, no money moved, the consent still consumed', async () => {
    const consent = authorisedConsent(NOWHERE, '1.00');
    const { payment } = await pay(consent);
    assert.equal(payment.status, 'RJCT');
    assert.equal(payment.statusReason?.code, 'AC01');
    assert.equal(store.transfers.length, 0);
    assert.equal(store.consentStatus.get(consent.id), 'COND');
  });

  test("the bank's own clearing account as payee → RJCT AC03, no money moved (clearing holds only payments in settlement)", async () => {
    const { payment } = await pay(
      authorisedConsent({ SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030190000002', Name: 'Clearing' }, '5.00'),
    );
    assert.equal(payment.statusReason?.code, 'AC03');
    assert.equal(store.transfers.length, 0);
    assert.equal(store.balanceOf(clearingAccountId('GBP')), 0n);
  });

  test('more than the debtor can spend (balance + overdraft) → RJCT AM04, no money moved', async () => {
    const { payment } = await pay(authorisedConsent(BOB, '2500.01', { localInstrument: 'UK.OBIE.BACS' }), {
      risk: { ...DEFAULT_RISK_POLICY, maxPaymentMinor: 1_000_000n },
    });
    assert.equal(payment.status, 'RJCT');
    assert.equal(payment.statusReason?.code, 'AM04');
    assert.equal(store.transfers.length, 0);
    assert.equal(store.balanceOf(DEBTOR), OPENING_MINOR);
  });

  test('exactly balance + overdraft (BACS, free) → ACSC, the account at minus its overdraft', async () => {
    const { payment } = await pay(authorisedConsent(BOB, '2500.00', { localInstrument: 'UK.OBIE.BACS' }), {
      risk: { ...DEFAULT_RISK_POLICY, maxPaymentMinor: 1_000_000n },
    });
    assert.equal(payment.status, 'ACSC');
    assert.equal(store.balanceOf(DEBTOR), -50_000n);
  });

  test('a risk refusal (above the largest payment) → RJCT AM02, no money moved', async () => {
    const { payment } = await pay(authorisedConsent(BOB, '10.00'), { risk: { ...DEFAULT_RISK_POLICY, maxPaymentMinor: 999n } });
    assert.equal(payment.statusReason?.code, 'AM02');
    assert.equal(store.transfers.length, 0);
  });

  test('the daily limit counts earlier payments of the same UTC day, not rejected ones', async () => {
    const risk = { ...DEFAULT_RISK_POLICY, dailyLimitMinor: 3_000n };
    assert.equal((await pay(authorisedConsent(BOB, '20.00'), { risk })).payment.status, 'ACSC');
    assert.equal((await pay(authorisedConsent(BOB, '10.01'), { risk })).payment.statusReason?.code, 'AM14');
    assert.equal((await pay(authorisedConsent(BOB, '10.00'), { risk })).payment.status, 'ACSC');
    assert.equal((await pay(authorisedConsent(BOB, '30.00'), { risk, now: new Date('2030-06-02T00:00:00.000Z') })).payment.status, 'ACSC');
  });
});

describe('the request must match the consent', () => {
  test('Data.ConsentId of another consent → ConsentMismatch at Data.ConsentId; nothing written', async () => {
    const consent = authorisedConsent(BOB, '1.00');
    const request = { ...requestFor(consent), Data: { ...requestFor(consent).Data, ConsentId: 'pmc_other' } };
    await assert.rejects(pay(consent, { request }), (error: unknown) => error instanceof ConsentMismatch && error.path === 'Data.ConsentId');
    assert.equal(store.consentStatus.get(consent.id), 'AUTH');
    assert.equal(store.payments.size, 0);
  });

  test('Amount "1.0" where the consent has "1.00" → ConsentMismatch at Data.Initiation.InstructedAmount.Amount; consent still AUTH', async () => {
    const consent = authorisedConsent(BOB, '1.00');
    const request = requestFor(consent);
    (request.Data.Initiation as { InstructedAmount: { Amount: string } }).InstructedAmount.Amount = '1.0';
    await assert.rejects(
      pay(consent, { request }),
      (error: unknown) => error instanceof ConsentMismatch && error.path === 'Data.Initiation.InstructedAmount.Amount',
    );
    assert.equal(store.consentStatus.get(consent.id), 'AUTH');
    assert.equal(store.transfers.length, 0);
  });

  test('a different Risk → ConsentMismatch at the Risk member', async () => {
    const consent = authorisedConsent(BOB, '1.00');
    const request = { ...requestFor(consent), Risk: { PaymentContextCode: 'EcommerceGoods' } };
    await assert.rejects(pay(consent, { request }), (error: unknown) => error instanceof ConsentMismatch && error.path === 'Risk.PaymentContextCode');
  });

  test('the same request with its members reordered → accepted', async () => {
    const consent = authorisedConsent(BOB, '1.00');
    const request = JSON.parse(
      JSON.stringify({ Risk: consent.request.Risk, Data: { Initiation: consent.request.Data.Initiation, ConsentId: consent.id } }),
    ) as PaymentRequest;
    assert.equal((await pay(consent, { request })).payment.status, 'ACSC');
  });
});

describe('consent status and idempotency', () => {
  test('a consent awaiting authorisation → InvalidConsentStatus, nothing written', async () => {
    const consent = authorisedConsent(BOB, '1.00', { status: ConsentStatus.AwaitingAuthorisation });
    await assert.rejects(pay(consent), InvalidConsentStatus);
    assert.equal(store.payments.size, 0);
  });

  test('the same key again → the same payment replayed, no second transfer', async () => {
    const consent = authorisedConsent(BOB, '1.00');
    const first = await pay(consent, { key: 'k1' });
    const again = await pay({ ...consent, status: ConsentStatus.Consumed }, { key: 'k1' });
    assert.equal(again.replayed, true);
    assert.equal(again.payment.id, first.payment.id);
    assert.equal(store.transfers.length, 1);
  });

  test('a consumed consent with a new key → InvalidConsentStatus naming COND', async () => {
    const consent = authorisedConsent(BOB, '1.00');
    await pay(consent, { key: 'k1' });
    await assert.rejects(
      pay({ ...consent, status: ConsentStatus.Consumed }, { key: 'k2' }),
      (error: unknown) => error instanceof InvalidConsentStatus && /COND/.test(error.message),
    );
  });

  test('a consent read as AUTH but consumed meanwhile by another key → InvalidConsentStatus', async () => {
    const consent = authorisedConsent(BOB, '1.00');
    await pay(consent, { key: 'k1' });
    await assert.rejects(pay(consent, { key: 'k2' }), InvalidConsentStatus);
    assert.equal(store.transfers.length, 1);
  });

  test('the same key with another body, once the consent is consumed → IdempotencyKeyReused, nothing changed', async () => {
    const consent = authorisedConsent(BOB, '1.00');
    await pay(consent, { key: 'k1' });
    const request = { ...requestFor(consent), Risk: {} };
    await assert.rejects(pay({ ...consent, status: 'COND' }, { key: 'k1', request }), IdempotencyKeyReused);
    assert.equal(store.transfers.length, 1);
  });

  test('the same key sent 10 times at once → one payment, all answers with its id', async () => {
    const consent = authorisedConsent(BOB, '1.00');
    const results = await Promise.all(Array.from({ length: 10 }, () => pay(consent, { key: 'k1' })));
    assert.equal(new Set(results.map((result) => result.payment.id)).size, 1);
    assert.equal(results.filter((result) => !result.replayed).length, 1);
    assert.equal(store.transfers.length, 1);
  });

  test('getDomesticPayment → the partner own payment; another partner → ResourceForbidden; unknown → ResourceNotFound', async () => {
    const { payment } = await pay(authorisedConsent(BOB, '1.00'));
    assert.equal((await getDomesticPayment(store, CLIENT, payment.id)).id, payment.id);
    await assert.rejects(getDomesticPayment(store, 'cli_other', payment.id), ResourceForbidden);
    await assert.rejects(getDomesticPayment(store, CLIENT, 'pmt_unknown'), ResourceNotFound);
  });
});
