// Proves the risk decision before money moves: each limit refuses with its ISO reason (AM02 largest payment, AM14 daily limit counting charges, AG01 customer and partner velocity) exactly one unit past its boundary and not at it, in that order of precedence, and that velocities are read only as "count/seconds".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidField } from '../errors.js';
import { assessPaymentRisk, DEFAULT_RISK_POLICY, parseVelocity, type RiskFacts, type RiskPolicy } from './risk-policy.js';

const POLICY: RiskPolicy = {
  maxPaymentMinor: 100_000n,
  dailyLimitMinor: 300_000n,
  customerVelocity: { count: 5, windowSeconds: 3600 },
  partnerVelocity: { count: 50, windowSeconds: 60 },
  stepUpFromMinor: 25_000n,
};

const QUIET: RiskFacts = { customerPaidTodayMinor: 0n, customerPaymentsInWindow: 0, partnerPaymentsInWindow: 0 };

describe('assessPaymentRisk', () => {
  test('a small first payment of the day → proceed (null)', () => {
    assert.equal(assessPaymentRisk(POLICY, 1n, 0n, QUIET), null);
  });

  test('amount exactly the largest payment → proceed; one penny more → AM02', () => {
    assert.equal(assessPaymentRisk(POLICY, 100_000n, 0n, QUIET), null);
    assert.equal(assessPaymentRisk(POLICY, 100_001n, 0n, QUIET)?.code, 'AM02');
  });

  test('the largest-payment rule looks at the amount only, not the charges', () => {
    assert.equal(assessPaymentRisk(POLICY, 100_000n, 1_500n, QUIET), null);
  });

  test('paid today + amount + charges exactly the daily limit → proceed; one penny more → AM14', () => {
    const facts = { ...QUIET, customerPaidTodayMinor: 200_000n };
    assert.equal(assessPaymentRisk(POLICY, 99_950n, 50n, facts), null);
    assert.equal(assessPaymentRisk(POLICY, 99_951n, 50n, facts)?.code, 'AM14');
    assert.equal(assessPaymentRisk(POLICY, 99_950n, 51n, facts)?.code, 'AM14', 'charges count towards the daily limit');
  });

  test('a customer with count − 1 payments in the window → proceed; with count → AG01 naming the customer', () => {
    assert.equal(assessPaymentRisk(POLICY, 1n, 0n, { ...QUIET, customerPaymentsInWindow: 4 }), null);
    const reason = assessPaymentRisk(POLICY, 1n, 0n, { ...QUIET, customerPaymentsInWindow: 5 });
    assert.equal(reason?.code, 'AG01');
    assert.match(reason?.description ?? '', /customer/);
  });

  test('a partner with count − 1 payments in its window → proceed; with count → AG01 naming the app', () => {
    assert.equal(assessPaymentRisk(POLICY, 1n, 0n, { ...QUIET, partnerPaymentsInWindow: 49 }), null);
    const reason = assessPaymentRisk(POLICY, 1n, 0n, { ...QUIET, partnerPaymentsInWindow: 50 });
    assert.equal(reason?.code, 'AG01');
    assert.match(reason?.description ?? '', /app/);
  });

  test('several limits broken at once → the first in order AM02, AM14, customer AG01, partner AG01', () => {
    const all: RiskFacts = { customerPaidTodayMinor: 300_000n, customerPaymentsInWindow: 5, partnerPaymentsInWindow: 50 };
    assert.equal(assessPaymentRisk(POLICY, 100_001n, 0n, all)?.code, 'AM02');
    assert.equal(assessPaymentRisk(POLICY, 1n, 0n, all)?.code, 'AM14');
    const customerReason = assessPaymentRisk(POLICY, 1n, 0n, { ...all, customerPaidTodayMinor: 0n });
    assert.equal(customerReason?.code, 'AG01');
    assert.match(customerReason?.description ?? '', /customer/);
  });

  test('every refusal carries a description for the partner', () => {
    for (const reason of [
      assessPaymentRisk(POLICY, 100_001n, 0n, QUIET),
      assessPaymentRisk(POLICY, 1n, 0n, { ...QUIET, customerPaidTodayMinor: 300_000n }),
      assessPaymentRisk(POLICY, 1n, 0n, { ...QUIET, customerPaymentsInWindow: 5 }),
      assessPaymentRisk(POLICY, 1n, 0n, { ...QUIET, partnerPaymentsInWindow: 50 }),
    ]) {
      assert.ok(reason && reason.description.length > 0);
    }
  });

  test('the sandbox defaults: 25,000.00 per payment, 50,000.00 a day, 20 per hour per customer, 6000 per minute per app, step-up from 250.00', () => {
    assert.deepEqual(DEFAULT_RISK_POLICY, {
      maxPaymentMinor: 2_500_000n,
      dailyLimitMinor: 5_000_000n,
      customerVelocity: { count: 20, windowSeconds: 3600 },
      partnerVelocity: { count: 6000, windowSeconds: 60 },
      stepUpFromMinor: 25_000n,
    });
  });
});

describe('parseVelocity', () => {
  test('"20/3600" → 20 per 3600 seconds', () => {
    assert.deepEqual(parseVelocity('20/3600'), { count: 20, windowSeconds: 3600 });
  });

  test('surrounding spaces → ignored', () => {
    assert.deepEqual(parseVelocity('  5/60 '), { count: 5, windowSeconds: 60 });
  });

  test('the smallest and largest accepted values (1/1, nine digits each)', () => {
    assert.deepEqual(parseVelocity('1/1'), { count: 1, windowSeconds: 1 });
    assert.deepEqual(parseVelocity('999999999/999999999'), { count: 999_999_999, windowSeconds: 999_999_999 });
  });

  for (const value of ['0/60', '5/0', '5', '/60', '5/', 'a/b', '-1/60', '1.5/60', '5 / 60', '5/60/1', '1234567890/1', '', '0x10/60']) {
    test(`${JSON.stringify(value)} → InvalidField`, () => {
      assert.throws(() => parseVelocity(value), InvalidField);
    });
  }
});
