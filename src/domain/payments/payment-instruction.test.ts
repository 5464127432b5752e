// Proves the payment initiation rules the schema cannot express: supported currency (U023), a positive amount with the currency's decimals (U002), a LocalInstrument offered for the currency with GBP → FPS and EUR → SEPA Instant by default (U026), supported account schemes (U027) with well-formed sort codes and mod-97 IBANs (U002), and which text becomes the payee's reference.
import assert from 'node:assert/strict';
import { isDomainError as isError } from '../../../test/support/domain-errors.js';
import { describe, test } from 'node:test';
import { InvalidField } from '../errors.js';
import {
  IBAN_SCHEME,
  isValidIban,
  LOCAL_INSTRUMENTS,
  parseInitiation,
  SORT_CODE_SCHEME,
  UnsupportedCurrency,
  UnsupportedLocalInstrument,
  UnsupportedScheme,
  type InitiationJson,
} from './payment-instruction.js';

const PAYEE_SORT_CODE = { SchemeName: SORT_CODE_SCHEME, Identification: '20325873918204', Name: 'Acme Ltd' };
const PAYEE_IBAN = { SchemeName: IBAN_SCHEME, Identification: 'DE89370400440532013000', Name: 'Müller Design GmbH' };

function gbp(overrides: Partial<InitiationJson> = {}): InitiationJson {
  return {
    InstructionIdentification: 'INSTR-1',
    EndToEndIdentification: 'E2E-1',
    InstructedAmount: { Amount: '10.50', Currency: 'GBP' },
    CreditorAccount: PAYEE_SORT_CODE,
    ...overrides,
  };
}

describe('amount and currency', () => {
  test('GBP 10.50 to a sort code → 1050 minor units, creditor as given', () => {
    const instruction = parseInitiation(gbp());
    assert.equal(instruction.amountMinor, 1050n);
    assert.equal(instruction.currency, 'GBP');
    assert.deepEqual(instruction.creditor, { schemeName: SORT_CODE_SCHEME, identification: '20325873918204', name: 'Acme Ltd' });
    assert.equal(instruction.debtor, null);
    assert.equal(instruction.endToEndIdentification, 'E2E-1');
  });

  test('a currency the bank holds but does not pay in (USD) → UnsupportedCurrency on Currency', () => {
    assert.throws(
      () => parseInitiation(gbp({ InstructedAmount: { Amount: '10.00', Currency: 'USD' } })),
      isError(UnsupportedCurrency, 'Data.Initiation.InstructedAmount.Currency'),
    );
  });

  test('a code that is not ISO 4217 (XYZ) and a missing one → InvalidField on Currency (U002, not U023)', () => {
    assert.throws(
      () => parseInitiation(gbp({ InstructedAmount: { Amount: '10.00', Currency: 'XYZ' } })),
      isError(InvalidField, 'Data.Initiation.InstructedAmount.Currency'),
    );
    assert.throws(
      () => parseInitiation(gbp({ InstructedAmount: { Amount: '10.00' } })),
      isError(InvalidField, 'Data.Initiation.InstructedAmount.Currency'),
    );
  });

  for (const amount of ['0', '0.00', '0.0']) {
    test(`amount ${amount} → InvalidField on Amount (must be greater than zero)`, () => {
      assert.throws(
        () => parseInitiation(gbp({ InstructedAmount: { Amount: amount, Currency: 'GBP' } })),
        isError(InvalidField, 'Data.Initiation.InstructedAmount.Amount'),
      );
    });
  }

  for (const amount of ['10.001', '0.005', '-1.00', '1e3', '', ' 10.00', '10,00']) {
    test(`amount ${JSON.stringify(amount)} → InvalidField on Amount`, () => {
      assert.throws(
        () => parseInitiation(gbp({ InstructedAmount: { Amount: amount, Currency: 'GBP' } })),
        isError(InvalidField, 'Data.Initiation.InstructedAmount.Amount'),
      );
    });
  }

  test('trailing zeros beyond the exponent and the smallest unit → accepted exactly', () => {
    assert.equal(parseInitiation(gbp({ InstructedAmount: { Amount: '10.500', Currency: 'GBP' } })).amountMinor, 1050n);
    assert.equal(parseInitiation(gbp({ InstructedAmount: { Amount: '0.01', Currency: 'GBP' } })).amountMinor, 1n);
    assert.equal(parseInitiation(gbp({ InstructedAmount: { Amount: '7', Currency: 'GBP' } })).amountMinor, 700n);
  });
});

describe('LocalInstrument', () => {
  test('GBP without LocalInstrument → UK.OBIE.FPS', () => {
    assert.equal(parseInitiation(gbp()).localInstrument, 'UK.OBIE.FPS');
  });

  test('EUR without LocalInstrument → UK.OBIE.SEPAInstantCreditTransfer', () => {
    const instruction = parseInitiation(gbp({ InstructedAmount: { Amount: '5.00', Currency: 'EUR' }, CreditorAccount: PAYEE_IBAN }));
    assert.equal(instruction.localInstrument, 'UK.OBIE.SEPAInstantCreditTransfer');
    assert.equal(instruction.currency, 'EUR');
  });

  for (const [currency, instruments] of Object.entries(LOCAL_INSTRUMENTS)) {
    for (const instrument of instruments) {
      test(`${currency} with ${instrument} → accepted`, () => {
        const creditor = currency === 'EUR' ? PAYEE_IBAN : PAYEE_SORT_CODE;
        assert.equal(
          parseInitiation(gbp({ LocalInstrument: instrument, InstructedAmount: { Amount: '1.00', Currency: currency }, CreditorAccount: creditor }))
            .localInstrument,
          instrument,
        );
      });
    }
  }

  test('GBP with a EUR scheme (SEPA) → UnsupportedLocalInstrument on LocalInstrument, naming the offered ones', () => {
    assert.throws(
      () => parseInitiation(gbp({ LocalInstrument: 'UK.OBIE.SEPACreditTransfer' })),
      (error: unknown) => {
        assert.ok(isError(UnsupportedLocalInstrument, 'Data.Initiation.LocalInstrument')(error));
        assert.match((error as Error).message, /UK\.OBIE\.FPS, UK\.OBIE\.BACS, UK\.OBIE\.CHAPS/);
        return true;
      },
    );
  });

  test('EUR with FPS, an unknown instrument and an empty string → UnsupportedLocalInstrument', () => {
    const eur = { InstructedAmount: { Amount: '1.00', Currency: 'EUR' }, CreditorAccount: PAYEE_IBAN };
    assert.throws(() => parseInitiation(gbp({ ...eur, LocalInstrument: 'UK.OBIE.FPS' })), UnsupportedLocalInstrument);
    assert.throws(() => parseInitiation(gbp({ LocalInstrument: 'UK.OBIE.Paym' })), UnsupportedLocalInstrument);
    assert.throws(() => parseInitiation(gbp({ LocalInstrument: '' })), UnsupportedLocalInstrument);
  });
});

describe('accounts', () => {
  test('a creditor in an unsupported scheme (PAN) → UnsupportedScheme on CreditorAccount.SchemeName', () => {
    assert.throws(
      () => parseInitiation(gbp({ CreditorAccount: { SchemeName: 'UK.OBIE.PAN', Identification: '4658580319268197', Name: 'Card' } })),
      isError(UnsupportedScheme, 'Data.Initiation.CreditorAccount.SchemeName'),
    );
  });

  test('no creditor account at all → UnsupportedScheme on CreditorAccount.SchemeName', () => {
    const { CreditorAccount: _omitted, ...withoutCreditor } = gbp();
    assert.throws(() => parseInitiation(withoutCreditor), isError(UnsupportedScheme, 'Data.Initiation.CreditorAccount.SchemeName'));
  });

  for (const identification of ['2032587391820', '203258739182045', '20-32-58-73918204', '2032587391820X']) {
    test(`sort code + account number ${identification} → InvalidField on CreditorAccount.Identification`, () => {
      assert.throws(
        () => parseInitiation(gbp({ CreditorAccount: { ...PAYEE_SORT_CODE, Identification: identification } })),
        isError(InvalidField, 'Data.Initiation.CreditorAccount.Identification'),
      );
    });
  }

  test('a sort code written with spaces → accepted, spaces removed', () => {
    assert.equal(
      parseInitiation(gbp({ CreditorAccount: { ...PAYEE_SORT_CODE, Identification: '203258 73918204' } })).creditor.identification,
      '20325873918204',
    );
  });

  test('an IBAN with a wrong check digit → InvalidField on CreditorAccount.Identification', () => {
    assert.throws(
      () =>
        parseInitiation(
          gbp({
            InstructedAmount: { Amount: '1.00', Currency: 'EUR' },
            CreditorAccount: { ...PAYEE_IBAN, Identification: 'DE88370400440532013000' },
          }),
        ),
      isError(InvalidField, 'Data.Initiation.CreditorAccount.Identification'),
    );
  });

  test('an IBAN with one transposed digit in the account number → InvalidField (mod 97 catches it)', () => {
    assert.throws(
      () =>
        parseInitiation(
          gbp({
            InstructedAmount: { Amount: '1.00', Currency: 'EUR' },
            CreditorAccount: { ...PAYEE_IBAN, Identification: 'DE89370400440532010300' },
          }),
        ),
      InvalidField,
    );
  });

  test('an IBAN in lower case with spaces → accepted, normalised to the electronic form', () => {
    const instruction = parseInitiation(
      gbp({
        InstructedAmount: { Amount: '1.00', Currency: 'EUR' },
        CreditorAccount: { ...PAYEE_IBAN, Identification: 'de89 3704 0044 0532 0130 00' },
      }),
    );
    assert.equal(instruction.creditor.identification, 'DE89370400440532013000');
  });

  test('a GBP payment to an IBAN payee → accepted (the scheme is about the account, not the currency)', () => {
    assert.equal(
      parseInitiation(gbp({ CreditorAccount: { SchemeName: IBAN_SCHEME, Identification: 'GB82WEST12345698765432', Name: 'West' } })).creditor
        .schemeName,
      IBAN_SCHEME,
    );
  });

  test('a debtor account is optional; when given it is validated like the creditor with its own path', () => {
    const instruction = parseInitiation(gbp({ DebtorAccount: { SchemeName: SORT_CODE_SCHEME, Identification: '99030131926819' } }));
    assert.deepEqual(instruction.debtor, { schemeName: SORT_CODE_SCHEME, identification: '99030131926819', name: null });
    assert.throws(
      () => parseInitiation(gbp({ DebtorAccount: { SchemeName: 'UK.OBIE.BBAN', Identification: '99030131926819' } })),
      isError(UnsupportedScheme, 'Data.Initiation.DebtorAccount.SchemeName'),
    );
    assert.throws(
      () => parseInitiation(gbp({ DebtorAccount: { SchemeName: SORT_CODE_SCHEME, Identification: '990301' } })),
      isError(InvalidField, 'Data.Initiation.DebtorAccount.Identification'),
    );
  });

  test('a creditor without a Name → name is the empty string, not null', () => {
    assert.equal(parseInitiation(gbp({ CreditorAccount: { SchemeName: SORT_CODE_SCHEME, Identification: '20325873918204' } })).creditor.name, '');
  });

  test('rule order: an unsupported currency is reported before a bad amount or scheme', () => {
    assert.throws(
      () => parseInitiation({ InstructedAmount: { Amount: '-1', Currency: 'USD' }, CreditorAccount: { SchemeName: 'X', Identification: '' } }),
      UnsupportedCurrency,
    );
  });
});

describe('isValidIban', () => {
  for (const iban of [
    'GB82WEST12345698765432',
    'DE89370400440532013000',
    'GB90OTBK99030131926835',
    'NO9386011117947',
    'FR1420041010050500013M02606',
  ]) {
    test(`${iban} → valid`, () => assert.equal(isValidIban(iban), true));
  }
  for (const iban of [
    'GB82WEST12345698765433',
    'GB00WEST12345698765432',
    'gb82WEST12345698765432',
    'GB82 WEST 1234 5698 7654 32',
    'GB82',
    '1282WEST12345698765432',
    'GBXXWEST12345698765432',
    `GB82${'1'.repeat(31)}`,
  ]) {
    test(`${iban} → not valid`, () => assert.equal(isValidIban(iban), false));
  }
});

describe('reference', () => {
  test('a structured creditor reference → the reference, before any unstructured line', () => {
    const instruction = parseInitiation(
      gbp({ RemittanceInformation: { Structured: [{}, { CreditorReferenceInformation: { Reference: 'INV-42' } }], Unstructured: ['Thanks'] } }),
    );
    assert.equal(instruction.reference, 'INV-42');
  });

  test('no structured reference → the first unstructured line that is a string', () => {
    assert.equal(parseInitiation(gbp({ RemittanceInformation: { Unstructured: [7, 'Dinner', 'Other'] } })).reference, 'Dinner');
  });

  test('no remittance information → the EndToEndIdentification', () => {
    assert.equal(parseInitiation(gbp()).reference, 'E2E-1');
    assert.equal(
      parseInitiation(gbp({ RemittanceInformation: { Structured: [{ CreditorReferenceInformation: {} }], Unstructured: [] } })).reference,
      'E2E-1',
    );
  });
});
