// Proves that parseVrpControlParameters turns a schema-valid Data.ControlParameters into typed values (minor units, UK days, the OffSession default) and refuses, with the OBIE path of the field, everything the bank cannot honour: an unknown VRPType, any authentication method but SCANotRequired, a calendar fortnight, bad amounts, mixed currencies, inverted or past validity, duplicate limits and non-empty SupplementaryData.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidDate, InvalidField, type DomainError } from '../../errors.js';
import { UnsupportedCurrency } from '../payment-instruction.js';
import {
  parseVrpControlParameters,
  periodAnchor,
  readVrpControlParameters,
  UnsupportedControlParameter,
  type ControlParametersJson,
} from './control-parameters.js';

const NOW = new Date('2026-06-05T10:00:00Z');

/** The FCS minimal consent's control parameters (£10 a week, Consent-aligned), with `changes` applied. */
function raw(changes: Record<string, unknown> = {}): ControlParametersJson {
  return {
    VRPType: ['UK.OBIE.VRPType.Sweeping'],
    PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
    MaximumIndividualAmount: { Amount: '10.00', Currency: 'GBP' },
    PeriodicLimits: [{ PeriodType: 'Week', PeriodAlignment: 'Consent', Amount: '10.00', Currency: 'GBP' }],
    ...changes,
  };
}

function refusal(changes: Record<string, unknown>, now = NOW): DomainError {
  try {
    parseVrpControlParameters(raw(changes), now);
  } catch (error) {
    return error as DomainError;
  }
  return assert.fail('expected a refusal');
}

function assertRefused(
  changes: Record<string, unknown>,
  kind: new (message: string, path?: string) => DomainError,
  path: string,
  message?: RegExp,
): void {
  const error = refusal(changes);
  assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
  assert.equal(error.path, path);
  if (message) assert.match(error.message, message);
}

describe('parseVrpControlParameters', () => {
  test('the minimal consent → typed values, interaction type OffSession by default, no validity bounds', () => {
    assert.deepEqual(parseVrpControlParameters(raw(), NOW), {
      vrpTypes: ['UK.OBIE.VRPType.Sweeping'],
      psuAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
      psuInteractionTypes: ['OffSession'],
      validFrom: null,
      validTo: null,
      maximumIndividualAmount: { amountMinor: 1000n, currency: 'GBP' },
      periodicLimits: [{ periodType: 'Week', alignment: 'Consent', amountMinor: 1000n, currency: 'GBP' }],
    });
  });

  test('every VRPType of v4.0 and of the commercial VRP profile → accepted in order', () => {
    const all = ['UK.OBIE.VRPType.Other', 'UK.OBIE.VRPType.Sweeping', 'UK.OBIE.VRPType.CVRP1', 'UK.OBIE.VRPType.CVRP2', 'UK.OBIE.VRPType.CVRP3'];
    assert.deepEqual(parseVrpControlParameters(raw({ VRPType: all }), NOW).vrpTypes, all);
  });

  test('an unknown VRPType → UnsupportedControlParameter at its index', () => {
    assertRefused(
      { VRPType: ['UK.OBIE.VRPType.Sweeping', 'UK.OBIE.VRPType.CVRP4'] },
      UnsupportedControlParameter,
      'Data.ControlParameters.VRPType[1]',
      /CVRP4 is not supported/,
    );
  });

  test('UK.OBIE.SCA among the methods → UnsupportedControlParameter saying only SCANotRequired is supported', () => {
    assertRefused(
      { PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired', 'UK.OBIE.SCA'] },
      UnsupportedControlParameter,
      'Data.ControlParameters.PSUAuthenticationMethods[1]',
      /SCA carried out by the PISP.*only method supported is UK\.OBIE\.SCANotRequired/,
    );
  });

  test('an unknown authentication method → UnsupportedControlParameter naming it', () => {
    assertRefused(
      { PSUAuthenticationMethods: ['UK.OBIE.Biometric'] },
      UnsupportedControlParameter,
      'Data.ControlParameters.PSUAuthenticationMethods[0]',
      /UK\.OBIE\.Biometric is not a PSU authentication method/,
    );
  });

  test('PSUInteractionTypes given → kept; empty → the OffSession default', () => {
    assert.deepEqual(parseVrpControlParameters(raw({ PSUInteractionTypes: ['InSession', 'OffSession'] }), NOW).psuInteractionTypes, [
      'InSession',
      'OffSession',
    ]);
    assert.deepEqual(parseVrpControlParameters(raw({ PSUInteractionTypes: [] }), NOW).psuInteractionTypes, ['OffSession']);
  });

  test('amounts → minor units; trailing zeros beyond the exponent accepted', () => {
    const params = parseVrpControlParameters(
      raw({
        MaximumIndividualAmount: { Amount: '50', Currency: 'GBP' },
        PeriodicLimits: [{ PeriodType: 'Month', PeriodAlignment: 'Calendar', Amount: '1234.500', Currency: 'GBP' }],
      }),
      NOW,
    );
    assert.equal(params.maximumIndividualAmount.amountMinor, 5000n);
    assert.equal(params.periodicLimits[0]?.amountMinor, 123450n);
  });

  test('MaximumIndividualAmount with three decimals in GBP → InvalidField at its Amount', () => {
    assertRefused(
      { MaximumIndividualAmount: { Amount: '10.001', Currency: 'GBP' } },
      InvalidField,
      'Data.ControlParameters.MaximumIndividualAmount.Amount',
      /more decimals/,
    );
  });

  test('a zero MaximumIndividualAmount → InvalidField at its Amount', () => {
    assertRefused(
      { MaximumIndividualAmount: { Amount: '0.00', Currency: 'GBP' } },
      InvalidField,
      'Data.ControlParameters.MaximumIndividualAmount.Amount',
      /greater than zero/,
    );
  });

  test('a zero periodic limit → InvalidField at that limit’s Amount', () => {
    const PeriodicLimits = [
      { PeriodType: 'Day', PeriodAlignment: 'Consent', Amount: '5.00', Currency: 'GBP' },
      { PeriodType: 'Week', PeriodAlignment: 'Consent', Amount: '0', Currency: 'GBP' },
    ];
    assertRefused({ PeriodicLimits }, InvalidField, 'Data.ControlParameters.PeriodicLimits[1].Amount');
  });

  test('a periodic limit with too many decimals → InvalidField at that limit’s Amount', () => {
    const PeriodicLimits = [{ PeriodType: 'Week', PeriodAlignment: 'Consent', Amount: '1.234', Currency: 'GBP' }];
    assertRefused({ PeriodicLimits }, InvalidField, 'Data.ControlParameters.PeriodicLimits[0].Amount', /more decimals/);
  });

  test('a currency the bank does not pay in → UnsupportedCurrency at MaximumIndividualAmount.Currency', () => {
    assertRefused(
      { MaximumIndividualAmount: { Amount: '10', Currency: 'JPY' } },
      UnsupportedCurrency,
      'Data.ControlParameters.MaximumIndividualAmount.Currency',
    );
  });

  test('a periodic limit in another currency than MaximumIndividualAmount → InvalidField at its Currency', () => {
    const PeriodicLimits = [
      { PeriodType: 'Week', PeriodAlignment: 'Consent', Amount: '10.00', Currency: 'GBP' },
      { PeriodType: 'Month', PeriodAlignment: 'Consent', Amount: '10.00', Currency: 'EUR' },
    ];
    assertRefused({ PeriodicLimits }, InvalidField, 'Data.ControlParameters.PeriodicLimits[1].Currency', /consent's currency GBP/);
  });

  test('Fortnight with Calendar alignment → InvalidField at its PeriodAlignment', () => {
    const PeriodicLimits = [
      { PeriodType: 'Week', PeriodAlignment: 'Calendar', Amount: '10.00', Currency: 'GBP' },
      { PeriodType: 'Fortnight', PeriodAlignment: 'Calendar', Amount: '10.00', Currency: 'GBP' },
    ];
    assertRefused({ PeriodicLimits }, InvalidField, 'Data.ControlParameters.PeriodicLimits[1].PeriodAlignment', /Fortnight/);
  });

  test('Fortnight with Consent alignment → accepted', () => {
    const PeriodicLimits = [{ PeriodType: 'Fortnight', PeriodAlignment: 'Consent', Amount: '10.00', Currency: 'GBP' }];
    assert.equal(parseVrpControlParameters(raw({ PeriodicLimits }), NOW).periodicLimits[0]?.periodType, 'Fortnight');
  });

  test('the same PeriodType twice with the same alignment → InvalidField at the second; with different alignments → accepted', () => {
    const limit = (PeriodAlignment: string, Amount: string) => ({ PeriodType: 'Month', PeriodAlignment, Amount, Currency: 'GBP' });
    assertRefused(
      { PeriodicLimits: [limit('Consent', '10'), limit('Calendar', '20'), limit('Consent', '30')] },
      InvalidField,
      'Data.ControlParameters.PeriodicLimits[2]',
      /PeriodicLimits\[0\] already sets a Month limit with Consent alignment/,
    );
    assert.equal(parseVrpControlParameters(raw({ PeriodicLimits: [limit('Consent', '10'), limit('Calendar', '20')] }), NOW).periodicLimits.length, 2);
  });

  test('ValidFrom/ValidTo → the UK days they name, times disregarded: from 00:00 of the first, up to 00:00 after the last', () => {
    const params = parseVrpControlParameters(raw({ ValidFromDateTime: '2026-06-05T15:30:00+01:00', ValidToDateTime: '2026-12-31T09:00:00Z' }), NOW);
    assert.deepEqual(params.validFrom, new Date('2026-06-04T23:00:00Z')); // 00:00 BST on 5 June
    assert.deepEqual(params.validTo, new Date('2027-01-01T00:00:00Z')); // 00:00 GMT on 1 January
  });

  test('a date-time late in the day with an offset → its date as written, not the UK date of the instant', () => {
    const params = parseVrpControlParameters(raw({ ValidToDateTime: '2026-06-30T23:59:59-05:00' }), NOW);
    assert.deepEqual(params.validTo, new Date('2026-06-30T23:00:00Z')); // 00:00 BST on 1 July: valid through 30 June
  });

  test('ValidTo the day before ValidFrom → InvalidDate at ValidToDateTime; the same day → accepted', () => {
    assertRefused(
      { ValidFromDateTime: '2026-07-02T00:00:00Z', ValidToDateTime: '2026-07-01T23:00:00Z' },
      InvalidDate,
      'Data.ControlParameters.ValidToDateTime',
      /before ValidFromDateTime/,
    );
    const sameDay = parseVrpControlParameters(raw({ ValidFromDateTime: '2026-07-02T18:00:00Z', ValidToDateTime: '2026-07-02T08:00:00Z' }), NOW);
    assert.deepEqual(sameDay.validFrom, new Date('2026-07-01T23:00:00Z'));
    assert.deepEqual(sameDay.validTo, new Date('2026-07-02T23:00:00Z'));
  });

  test('ValidTo on a day already over → InvalidDate; ValidTo today → accepted (valid to the end of today)', () => {
    assertRefused({ ValidToDateTime: '2026-06-04T23:59:59Z' }, InvalidDate, 'Data.ControlParameters.ValidToDateTime', /in the past/);
    assert.deepEqual(parseVrpControlParameters(raw({ ValidToDateTime: '2026-06-05T00:00:00Z' }), NOW).validTo, new Date('2026-06-05T23:00:00Z'));
  });

  test('a stored consent whose ValidTo has passed → read again without refusal', () => {
    assert.deepEqual(readVrpControlParameters(raw({ ValidToDateTime: '2020-01-01T00:00:00Z' })).validTo, new Date('2020-01-02T00:00:00Z'));
  });

  test('a ValidFromDateTime that is not a date → InvalidDate at it', () => {
    assertRefused({ ValidFromDateTime: '2026-02-30T00:00:00Z' }, InvalidDate, 'Data.ControlParameters.ValidFromDateTime');
  });

  test('non-empty SupplementaryData → UnsupportedControlParameter; empty or absent → accepted', () => {
    assertRefused({ SupplementaryData: { Cap: 'x' } }, UnsupportedControlParameter, 'Data.ControlParameters.SupplementaryData', /cannot process/);
    assert.ok(parseVrpControlParameters(raw({ SupplementaryData: {} }), NOW));
  });
});

describe('periodAnchor', () => {
  test('with ValidFromDateTime → 00:00 UK time on its date', () => {
    const params = parseVrpControlParameters(raw({ ValidFromDateTime: '2026-07-01T12:00:00Z' }), NOW);
    assert.deepEqual(periodAnchor(params, NOW), new Date('2026-06-30T23:00:00Z'));
  });

  test('without → 00:00 UK time on the day the consent was created (00:30 BST is still the same UK day)', () => {
    assert.deepEqual(periodAnchor(parseVrpControlParameters(raw(), NOW), new Date('2026-06-04T23:30:00Z')), new Date('2026-06-04T23:00:00Z'));
  });
});
