// Proves strong customer authentication for payments: a one-time code is needed from the step-up amount or for a payee never paid before; the code is always six digits, depends on every field of its challenge and on the secret (dynamic linking), and verifies only for its own challenge.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_RISK_POLICY } from './risk-policy.js';
import { needsStepUp, oneTimeCode, verifyOneTimeCode, type StepUpChallenge } from './step-up.js';

const SECRET = new TextEncoder().encode('step-up-test-secret-0123456789abcdef');
const OTHER_SECRET = new TextEncoder().encode('step-up-test-secret-0123456789abcdeF');

const CHALLENGE: StepUpChallenge = {
  interactionId: 'int_abc123',
  consentId: 'pmc_xyz789',
  debtorAccountId: 'acc_alice_current',
  amount: '250.00',
  currency: 'GBP',
  payee: '20325873918204',
};

describe('needsStepUp', () => {
  const policy = DEFAULT_RISK_POLICY;

  test('below the step-up amount to a payee paid before → no code', () => {
    assert.equal(needsStepUp(policy, policy.stepUpFromMinor - 1n, true), false);
  });

  test('exactly the step-up amount to a payee paid before → code', () => {
    assert.equal(needsStepUp(policy, policy.stepUpFromMinor, true), true);
  });

  test('a payee never paid before, whatever the amount → code', () => {
    assert.equal(needsStepUp(policy, 1n, false), true);
    assert.equal(needsStepUp(policy, policy.stepUpFromMinor + 1n, false), true);
  });
});

describe('oneTimeCode', () => {
  test('the same secret and challenge → the same six-digit code', () => {
    const code = oneTimeCode(SECRET, CHALLENGE);
    assert.match(code, /^\d{6}$/);
    assert.equal(oneTimeCode(SECRET, { ...CHALLENGE }), code);
  });

  test('over many challenges every code has exactly six digits, leading zeros kept', () => {
    const codes = Array.from({ length: 500 }, (_, index) => oneTimeCode(SECRET, { ...CHALLENGE, interactionId: `int_${index}` }));
    for (const code of codes) assert.match(code, /^\d{6}$/);
    assert.ok(
      codes.some((code) => code.startsWith('0')),
      'some code starts with 0 (about one in ten does), proving the padding',
    );
    assert.ok(new Set(codes).size > 490, 'codes of different challenges are practically all different');
  });

  const changes: Array<[field: keyof StepUpChallenge, value: string]> = [
    ['interactionId', 'int_abc124'],
    ['consentId', 'pmc_xyz788'],
    ['debtorAccountId', 'acc_alice_savings'],
    ['amount', '250.01'],
    ['currency', 'EUR'],
    ['payee', '20325873918205'],
  ];
  for (const [field, value] of changes) {
    test(`another ${field} → another code, and the first code does not verify for it`, () => {
      const changed = { ...CHALLENGE, [field]: value };
      assert.notEqual(oneTimeCode(SECRET, changed), oneTimeCode(SECRET, CHALLENGE));
      assert.equal(verifyOneTimeCode(SECRET, changed, oneTimeCode(SECRET, CHALLENGE)), false);
    });
  }

  test('the same characters split differently between fields → another code (fields are delimited, not concatenated)', () => {
    const shifted = { ...CHALLENGE, consentId: `${CHALLENGE.consentId}acc`, debtorAccountId: CHALLENGE.debtorAccountId.slice(3) };
    assert.notEqual(oneTimeCode(SECRET, shifted), oneTimeCode(SECRET, CHALLENGE));
  });

  test('another secret → another code', () => {
    assert.notEqual(oneTimeCode(OTHER_SECRET, CHALLENGE), oneTimeCode(SECRET, CHALLENGE));
  });
});

describe('verifyOneTimeCode', () => {
  const code = oneTimeCode(SECRET, CHALLENGE);

  test('the code of the challenge → true', () => {
    assert.equal(verifyOneTimeCode(SECRET, CHALLENGE, code), true);
  });

  test('the code typed with spaces (123 456) → true', () => {
    assert.equal(verifyOneTimeCode(SECRET, CHALLENGE, ` ${code.slice(0, 3)} ${code.slice(3)} `), true);
  });

  test('one digit wrong → false', () => {
    const wrong = `${code.slice(0, 5)}${(Number(code[5]) + 1) % 10}`;
    assert.equal(verifyOneTimeCode(SECRET, CHALLENGE, wrong), false);
  });

  for (const submitted of ['', '12345', '1234567', 'abcdef', '１２３４５６']) {
    test(`${JSON.stringify(submitted)} → false, without throwing`, () => {
      assert.equal(verifyOneTimeCode(SECRET, CHALLENGE, submitted), false);
    });
  }

  test('the code with a seventh digit appended → false', () => {
    assert.equal(verifyOneTimeCode(SECRET, CHALLENGE, `${code}0`), false);
  });

  test('the right code checked with another secret → false', () => {
    assert.equal(verifyOneTimeCode(OTHER_SECRET, CHALLENGE, code), false);
  });
});
