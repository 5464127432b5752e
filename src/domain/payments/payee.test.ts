// Proves where a payment's money goes: a payee identified by this bank's sort code or by an IBAN with its bank code and sort code is ours (credited at once if it is a customer's enabled account in the payment's currency; refused AC01 unknown or disabled, AC03 the bank's own account, AM03 another currency); any other payee is paid through the scheme, whose sandbox refuses sort code 990399 (AC04 closed, AC06 blocked, AC01 otherwise).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InMemoryAccountStore } from '../../../test/support/in-memory-account-store.js';
import { clearingAccountId, externalAccountId, feeIncomeAccountId, isOurAccount, resolvePayee, sandboxSchemeAnswer } from './payee.js';
import { IBAN_SCHEME, SORT_CODE_SCHEME } from './payment-instruction.js';

const accounts = new InMemoryAccountStore((account) => (account.id === 'acc_carol_savings' ? { ...account, status: 'Disabled' } : account));
const sortCode = (identification: string) => ({ schemeName: SORT_CODE_SCHEME, identification, name: null });
const iban = (identification: string) => ({ schemeName: IBAN_SCHEME, identification, name: null });

describe('isOurAccount', () => {
  test('our sort code 990301 → ours; another sort code → not', () => {
    assert.equal(isOurAccount(sortCode('99030131926819')), true);
    assert.equal(isOurAccount(sortCode('99030299999999')), false);
    assert.equal(isOurAccount(sortCode('20325873918204')), false);
  });

  test('an IBAN with our bank code and sort code → ours; a foreign IBAN or our bank code with another sort code → not', () => {
    assert.equal(isOurAccount(iban('GB90OTBK99030131926835')), true);
    assert.equal(isOurAccount(iban('DE89370400440532013000')), false);
    assert.equal(isOurAccount(iban('GB82OTBK99030231926835')), false);
  });

  test('another scheme → not ours', () => {
    assert.equal(isOurAccount({ schemeName: 'UK.OBIE.PAN', identification: '990301', name: null }), false);
  });
});

describe('resolvePayee', () => {
  test("Bob's current account by sort code, in GBP → internal to acc_bob_current", async () => {
    assert.deepEqual(await resolvePayee(accounts, sortCode('99030141873205'), 'GBP'), {
      route: 'internal',
      accountId: 'acc_bob_current',
      customerId: 'cus_sandbox_bob',
    });
  });

  test("Alice's EUR account by IBAN, in EUR → internal to acc_alice_eur", async () => {
    assert.deepEqual(await resolvePayee(accounts, iban('GB90OTBK99030131926835'), 'EUR'), {
      route: 'internal',
      accountId: 'acc_alice_eur',
      customerId: 'cus_sandbox_alice',
    });
  });

  test('our sort code with an account number that does not exist → refused AC01', async () => {
    const resolution = await resolvePayee(accounts, sortCode('99030100000000'), 'GBP');
    assert.equal(resolution.route, 'refused');
    assert.equal(resolution.route === 'refused' && resolution.reason.code, 'AC01');
  });

  test('a disabled account of ours → refused AC01', async () => {
    const resolution = await resolvePayee(accounts, sortCode('99030152014484'), 'GBP');
    assert.equal(resolution.route === 'refused' && resolution.reason.code, 'AC01');
  });

  test('a GBP account of ours paid in EUR → refused AM03', async () => {
    const resolution = await resolvePayee(accounts, sortCode('99030141873205'), 'EUR');
    assert.equal(resolution.route === 'refused' && resolution.reason.code, 'AM03');
  });

  test("one of the bank's own accounts (GBP clearing, EUR fee income) → refused AC03, never credited", async () => {
    for (const [creditor, currency] of [
      [sortCode('99030190000002'), 'GBP'],
      [iban('GB87OTBK99030190000013'), 'EUR'],
    ] as const) {
      const resolution = await resolvePayee(accounts, creditor, currency);
      assert.equal(resolution.route === 'refused' && resolution.reason.code, 'AC03', creditor.identification);
    }
  });

  test('a payee at another bank → external (not looked up here)', async () => {
    assert.deepEqual(await resolvePayee(accounts, sortCode('20325873918204'), 'GBP'), { route: 'external' });
    assert.deepEqual(await resolvePayee(accounts, iban('DE89370400440532013000'), 'EUR'), { route: 'external' });
  });
});

describe('sandboxSchemeAnswer', () => {
  test('99039911111111 → AC04 closed; 99039922222222 → AC06 blocked; any other 990399… → AC01', () => {
    assert.equal(sandboxSchemeAnswer(sortCode('99039911111111'))?.code, 'AC04');
    assert.equal(sandboxSchemeAnswer(sortCode('99039922222222'))?.code, 'AC06');
    assert.equal(sandboxSchemeAnswer(sortCode('99039900000001'))?.code, 'AC01');
  });

  test('any other sort code, and any IBAN → accepted (null)', () => {
    assert.equal(sandboxSchemeAnswer(sortCode('20325873918204')), null);
    assert.equal(sandboxSchemeAnswer(sortCode('99039811111111')), null);
    assert.equal(sandboxSchemeAnswer(iban('DE89370400440532013000')), null);
  });
});

test('the bank accounts payments post to, per currency', () => {
  assert.equal(clearingAccountId('GBP'), 'acc_bank_gbp_clearing');
  assert.equal(feeIncomeAccountId('EUR'), 'acc_bank_eur_fee_income');
  assert.equal(externalAccountId('GBP'), 'acc_bank_gbp_external_funding');
});
