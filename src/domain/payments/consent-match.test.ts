// Proves that a payment must repeat its consent's Initiation and Risk exactly (NOTES §4, U008): key order does not matter, but any added, missing or changed member — at any depth, inside arrays, or only in its JSON type ("10.0" vs "10.00", 10 vs "10", null vs absent) — is refused with the path of the first difference.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertSameAsConsent, ConsentMismatch } from './consent-match.js';

const INITIATION = {
  InstructionIdentification: 'INSTR-1',
  EndToEndIdentification: 'E2E-1',
  InstructedAmount: { Amount: '10.00', Currency: 'GBP' },
  CreditorAccount: { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '20325873918204', Name: 'Acme Ltd' },
  RemittanceInformation: { Unstructured: ['Invoice 42', 'Thanks'], Structured: [{ CreditorReferenceInformation: { Reference: 'INV-42' } }] },
};

/** A deep copy with one change applied. */
function changed(change: (copy: any) => void): unknown {
  const copy = structuredClone(INITIATION);
  change(copy);
  return copy;
}

/** Asserts a ConsentMismatch whose path is `path`. */
function mismatchAt(path: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ConsentMismatch, `expected ConsentMismatch, got ${String(error)}`);
    assert.equal(error.code, 'ConsentMismatch');
    assert.equal(error.path, path);
    assert.match(error.message, new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')} does not match the consent`));
    return true;
  };
}

describe('assertSameAsConsent', () => {
  test('an identical copy → accepted', () => {
    assertSameAsConsent(INITIATION, structuredClone(INITIATION), 'Data.Initiation');
  });

  test('the same members in another order, at every level → accepted', () => {
    const reordered = JSON.parse(
      '{"RemittanceInformation":{"Structured":[{"CreditorReferenceInformation":{"Reference":"INV-42"}}],"Unstructured":["Invoice 42","Thanks"]},' +
        '"CreditorAccount":{"Name":"Acme Ltd","Identification":"20325873918204","SchemeName":"UK.OBIE.SortCodeAccountNumber"},' +
        '"InstructedAmount":{"Currency":"GBP","Amount":"10.00"},"EndToEndIdentification":"E2E-1","InstructionIdentification":"INSTR-1"}',
    );
    assertSameAsConsent(INITIATION, reordered, 'Data.Initiation');
  });

  test('Amount "10.0" where the consent has "10.00" → ConsentMismatch at Data.Initiation.InstructedAmount.Amount', () => {
    assert.throws(
      () =>
        assertSameAsConsent(
          INITIATION,
          changed((copy) => (copy.InstructedAmount.Amount = '10.0')),
          'Data.Initiation',
        ),
      mismatchAt('Data.Initiation.InstructedAmount.Amount'),
    );
  });

  test('Amount as the number 10 where the consent has the string "10" → ConsentMismatch (types differ)', () => {
    assert.throws(
      () => assertSameAsConsent({ Amount: '10' }, { Amount: 10 }, 'Data.Initiation.InstructedAmount'),
      mismatchAt('Data.Initiation.InstructedAmount.Amount'),
    );
  });

  test('a member null in the request but absent in the consent → ConsentMismatch at that member', () => {
    assert.throws(
      () =>
        assertSameAsConsent(
          INITIATION,
          changed((copy) => (copy.LocalInstrument = null)),
          'Data.Initiation',
        ),
      mismatchAt('Data.Initiation.LocalInstrument'),
    );
  });

  test('a member the consent has but the request leaves out → ConsentMismatch at that member', () => {
    assert.throws(
      () =>
        assertSameAsConsent(
          INITIATION,
          changed((copy) => delete copy.CreditorAccount.Name),
          'Data.Initiation',
        ),
      mismatchAt('Data.Initiation.CreditorAccount.Name'),
    );
  });

  test('an extra member in the request (DebtorAccount added) → ConsentMismatch at it', () => {
    assert.throws(
      () =>
        assertSameAsConsent(
          INITIATION,
          changed((copy) => (copy.DebtorAccount = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030131926819' })),
          'Data.Initiation',
        ),
      mismatchAt('Data.Initiation.DebtorAccount'),
    );
  });

  test('a change of case in a string → ConsentMismatch (values compare exactly)', () => {
    assert.throws(
      () =>
        assertSameAsConsent(
          INITIATION,
          changed((copy) => (copy.CreditorAccount.Name = 'ACME LTD')),
          'Data.Initiation',
        ),
      mismatchAt('Data.Initiation.CreditorAccount.Name'),
    );
  });

  test('an array element changed → ConsentMismatch at path[index]', () => {
    assert.throws(
      () =>
        assertSameAsConsent(
          INITIATION,
          changed((copy) => (copy.RemittanceInformation.Unstructured[1] = 'Cheers')),
          'Data.Initiation',
        ),
      mismatchAt('Data.Initiation.RemittanceInformation.Unstructured[1]'),
    );
  });

  test('a member inside an object inside an array changed → the full nested path', () => {
    assert.throws(
      () =>
        assertSameAsConsent(
          INITIATION,
          changed((copy) => (copy.RemittanceInformation.Structured[0].CreditorReferenceInformation.Reference = 'INV-43')),
          'Data.Initiation',
        ),
      mismatchAt('Data.Initiation.RemittanceInformation.Structured[0].CreditorReferenceInformation.Reference'),
    );
  });

  test('an array of another length → ConsentMismatch at the array', () => {
    assert.throws(
      () =>
        assertSameAsConsent(
          INITIATION,
          changed((copy) => copy.RemittanceInformation.Unstructured.push('More')),
          'Data.Initiation',
        ),
      mismatchAt('Data.Initiation.RemittanceInformation.Unstructured'),
    );
  });

  test('array elements in another order → ConsentMismatch at the first differing index', () => {
    assert.throws(
      () =>
        assertSameAsConsent(
          INITIATION,
          changed((copy) => copy.RemittanceInformation.Unstructured.reverse()),
          'Data.Initiation',
        ),
      mismatchAt('Data.Initiation.RemittanceInformation.Unstructured[0]'),
    );
  });

  test('an array where the consent has an object, and an object where it has an array → ConsentMismatch at that member', () => {
    assert.throws(() => assertSameAsConsent({ A: { 0: 'x' } }, { A: ['x'] }, 'Risk'), mismatchAt('Risk.A'));
    assert.throws(() => assertSameAsConsent({ A: ['x'] }, { A: { 0: 'x' } }, 'Risk'), mismatchAt('Risk.A'));
  });

  test('null where the consent has an object → ConsentMismatch at that member', () => {
    assert.throws(
      () => assertSameAsConsent({ DeliveryAddress: { TownName: 'London' } }, { DeliveryAddress: null }, 'Risk'),
      mismatchAt('Risk.DeliveryAddress'),
    );
  });

  test('an empty Risk against an empty Risk → accepted; a Risk member added → ConsentMismatch at Risk.member', () => {
    assertSameAsConsent({}, {}, 'Risk');
    assert.throws(() => assertSameAsConsent({}, { PaymentContextCode: 'EcommerceGoods' }, 'Risk'), mismatchAt('Risk.PaymentContextCode'));
  });

  test('a whole document replaced by a scalar → ConsentMismatch at the root path', () => {
    assert.throws(() => assertSameAsConsent(INITIATION, 'INITIATION', 'Data.Initiation'), mismatchAt('Data.Initiation'));
  });

  test('several differences → the first in alphabetical member order is reported', () => {
    const request = changed((copy) => {
      copy.InstructedAmount.Amount = '11.00';
      copy.EndToEndIdentification = 'E2E-2';
      copy.RemittanceInformation.Unstructured[0] = 'x';
    });
    assert.throws(() => assertSameAsConsent(INITIATION, request, 'Data.Initiation'), mismatchAt('Data.Initiation.EndToEndIdentification'));
  });

  test('a boolean true against the string "true", and 0 against false → ConsentMismatch', () => {
    assert.throws(() => assertSameAsConsent({ Flag: 'true' }, { Flag: true }, 'Risk'), mismatchAt('Risk.Flag'));
    assert.throws(() => assertSameAsConsent({ Flag: false }, { Flag: 0 }, 'Risk'), mismatchAt('Risk.Flag'));
  });
});
