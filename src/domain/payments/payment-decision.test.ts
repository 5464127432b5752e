// Proves that decidePayment alone decides every payment outcome from the order and the facts read under the locks: a refused payee rejects with its own reason before anything else; then the limits (AM02 largest payment, AM14 daily limit counting charges, AG01 customer then partner velocity); then the debtor's funds by the ledger's rule (AM04, counting pending debits and the overdraft, exactly at the boundary); an accepted payment is ACSC to a payee here and ACSP to a payee elsewhere.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AccountFunds } from '../ledger/funds.js';
import type { PayeeResolution } from './payee.js';
import { ControlParametersBreached } from './vrp/limits.js';
import { decidePayment, type PaymentFacts, type PaymentOrder } from './payment-decision.js';
import type { RiskPolicy } from './risk-policy.js';

const LIMITS: RiskPolicy = {
  maxPaymentMinor: 100_000n,
  dailyLimitMinor: 300_000n,
  customerVelocity: { count: 5, windowSeconds: 3600 },
  partnerVelocity: { count: 50, windowSeconds: 60 },
  stepUpFromMinor: 25_000n,
};

const INTERNAL: PayeeResolution = { route: 'internal', accountId: 'acc_bob_current', customerId: 'cus_sandbox_bob' };
const EXTERNAL: PayeeResolution = { route: 'external' };
const CLOSED: PayeeResolution = { route: 'refused', reason: { code: 'AC01', description: 'The payee account does not exist at this bank' } };

/** Plenty of funds, nothing paid yet. */
const QUIET: PaymentFacts = {
  debtorFunds: { balanceMinor: 1_000_000n, pendingDebitsMinor: 0n, overdraftLimitMinor: 0n },
  risk: { customerPaidTodayMinor: 0n, customerPaymentsInWindow: 0, partnerPaymentsInWindow: 0 },
  mandateUsedMinor: [],
};

/** An order of `amountMinor` + `chargesMinor`, all of it debited from the debtor. */
function order(amountMinor: bigint, options: { chargesMinor?: bigint; payee?: PayeeResolution } = {}): PaymentOrder {
  const chargesMinor = options.chargesMinor ?? 0n;
  return { amountMinor, chargesMinor, debitMinor: amountMinor + chargesMinor, payee: options.payee ?? INTERNAL, limits: LIMITS };
}

function withFunds(debtorFunds: AccountFunds): PaymentFacts {
  return { ...QUIET, debtorFunds };
}

describe('decidePayment', () => {
  test('a VRP beyond its mandate → ControlParametersBreached with the control parameter, before payee, limits and funds', () => {
    const seen: bigint[][] = [];
    const mandate = (used: readonly bigint[]) => {
      seen.push([...used]);
      return (used[0] ?? 0n) + 1_000n > 10_000n ? { path: 'Data.ControlParameters.PeriodicLimits[0]', message: 'over the weekly limit' } : null;
    };
    const broke: PaymentFacts = { ...withFunds({ balanceMinor: 0n, pendingDebitsMinor: 0n, overdraftLimitMinor: 0n }), mandateUsedMinor: [9_500n] };
    assert.throws(
      () => decidePayment({ ...order(1_000n, { payee: CLOSED }), mandate }, broke),
      (error: unknown) => error instanceof ControlParametersBreached && error.path === 'Data.ControlParameters.PeriodicLimits[0]',
    );
    assert.deepEqual(decidePayment({ ...order(1_000n), mandate }, { ...QUIET, mandateUsedMinor: [9_000n] }), { status: 'ACSC', reason: null });
    assert.deepEqual(seen, [[9_500n], [9_000n]]);
  });

  test('a payee at this bank, within limits and funds → ACSC, no reason', () => {
    assert.deepEqual(decidePayment(order(1_234n), QUIET), { status: 'ACSC', reason: null });
  });

  test('a payee at another bank, within limits and funds → ACSP, no reason', () => {
    assert.deepEqual(decidePayment(order(1_234n, { payee: EXTERNAL }), QUIET), { status: 'ACSP', reason: null });
  });

  test('a payee this bank refuses → RJCT with the payee reason, before limits and funds', () => {
    const broke: PaymentFacts = {
      debtorFunds: { balanceMinor: 0n, pendingDebitsMinor: 0n, overdraftLimitMinor: 0n },
      risk: { customerPaidTodayMinor: 300_000n, customerPaymentsInWindow: 5, partnerPaymentsInWindow: 50 },
      mandateUsedMinor: [],
    };
    assert.deepEqual(decidePayment(order(100_001n, { payee: CLOSED }), broke), { status: 'RJCT', reason: CLOSED.reason });
  });

  test('above the largest payment → RJCT AM02; exactly it → accepted', () => {
    assert.equal(decidePayment(order(100_000n), QUIET).status, 'ACSC');
    const decision = decidePayment(order(100_001n), QUIET);
    assert.equal(decision.status, 'RJCT');
    assert.equal(decision.reason?.code, 'AM02');
  });

  test('paid today + amount + charges one penny past the daily limit → RJCT AM14; exactly the limit → accepted', () => {
    const facts = { ...QUIET, risk: { ...QUIET.risk, customerPaidTodayMinor: 200_000n } };
    assert.equal(decidePayment(order(99_950n, { chargesMinor: 50n }), facts).status, 'ACSC');
    assert.equal(decidePayment(order(99_950n, { chargesMinor: 51n }), facts).reason?.code, 'AM14');
  });

  test('the customer at its velocity count → RJCT AG01 naming the customer', () => {
    const decision = decidePayment(order(1n), { ...QUIET, risk: { ...QUIET.risk, customerPaymentsInWindow: 5 } });
    assert.equal(decision.reason?.code, 'AG01');
    assert.match(decision.reason?.description ?? '', /customer/);
  });

  test('the partner at its velocity count → RJCT AG01 naming the app', () => {
    const decision = decidePayment(order(1n), { ...QUIET, risk: { ...QUIET.risk, partnerPaymentsInWindow: 50 } });
    assert.equal(decision.reason?.code, 'AG01');
    assert.match(decision.reason?.description ?? '', /app/);
  });

  test('a limit broken and funds short at once → the limit reason, not AM04', () => {
    const decision = decidePayment(order(100_001n), withFunds({ balanceMinor: 0n, pendingDebitsMinor: 0n, overdraftLimitMinor: 0n }));
    assert.equal(decision.reason?.code, 'AM02');
  });

  test('amount + charges one penny more than balance + pending debits + overdraft → RJCT AM04; exactly them → accepted', () => {
    const funds: AccountFunds = { balanceMinor: 10_000n, pendingDebitsMinor: -2_000n, overdraftLimitMinor: 5_000n };
    assert.equal(decidePayment(order(12_950n, { chargesMinor: 50n }), withFunds(funds)).status, 'ACSC');
    const decision = decidePayment(order(12_951n, { chargesMinor: 50n }), withFunds(funds));
    assert.equal(decision.status, 'RJCT');
    assert.equal(decision.reason?.code, 'AM04');
    assert.ok(decision.reason && decision.reason.description.length > 0);
  });

  test('funds short for a payee elsewhere → RJCT AM04 too (the route does not matter)', () => {
    const funds: AccountFunds = { balanceMinor: 100n, pendingDebitsMinor: 0n, overdraftLimitMinor: 0n };
    assert.equal(decidePayment(order(101n, { payee: EXTERNAL }), withFunds(funds)).reason?.code, 'AM04');
  });

  test('an account already beyond its overdraft, paying a debit of zero (a payment to itself) → accepted', () => {
    const funds: AccountFunds = { balanceMinor: -6_000n, pendingDebitsMinor: 0n, overdraftLimitMinor: 5_000n };
    assert.equal(decidePayment({ ...order(1_000n), debitMinor: 0n }, withFunds(funds)).status, 'ACSC');
  });
});
