import { DomainError, InvalidDate, InvalidField } from '../../errors.js';
import { parseRequestDateTime } from '../../dates.js';
import { parseAmount, type Money } from '../../money.js';
import { textOf } from '../../text.js';
import { LOCAL_INSTRUMENTS, UnsupportedCurrency } from '../payment-instruction.js';
import { dayNumberOf, ukDayOf, ukStartOfDay } from './uk-calendar.js';

/** `OBVRPConsentType` (namespaced enumeration): v4.0 defines Sweeping and Other; the commercial VRP profile adds CVRP1–3. */
export const VrpType = {
  Sweeping: 'UK.OBIE.VRPType.Sweeping',
  Other: 'UK.OBIE.VRPType.Other',
  Cvrp1: 'UK.OBIE.VRPType.CVRP1',
  Cvrp2: 'UK.OBIE.VRPType.CVRP2',
  Cvrp3: 'UK.OBIE.VRPType.CVRP3',
} as const;
export type VrpType = (typeof VrpType)[keyof typeof VrpType];

/** `OBVRPAuthenticationMethods`: `SCA` is SCA carried out by the PISP under contract; `SCANotRequired` none per payment. */
export const PsuAuthenticationMethod = { Sca: 'UK.OBIE.SCA', ScaNotRequired: 'UK.OBIE.SCANotRequired' } as const;
export type PsuAuthenticationMethod = (typeof PsuAuthenticationMethod)[keyof typeof PsuAuthenticationMethod];

/** `OBVRPInteractionTypes` (a plain enumeration, not namespaced): whether the customer is present at each payment. */
export const PsuInteractionType = { InSession: 'InSession', OffSession: 'OffSession' } as const;
export type PsuInteractionType = (typeof PsuInteractionType)[keyof typeof PsuInteractionType];

/** `PeriodicLimits[].PeriodType`. */
export type PeriodType = 'Day' | 'Week' | 'Fortnight' | 'Month' | 'Half-year' | 'Year';
/** `PeriodicLimits[].PeriodAlignment`: periods counted from the consent's first day, or lined up with the calendar. */
export type PeriodAlignment = 'Consent' | 'Calendar';

/** The VRP types this bank offers: all five the standard and the commercial VRP profile define. */
export const SUPPORTED_VRP_TYPES: readonly VrpType[] = Object.values(VrpType);

/** The PSU authentication methods this bank accepts: payments without the customer authenticating each one. */
export const SUPPORTED_AUTHENTICATION_METHODS: readonly PsuAuthenticationMethod[] = [PsuAuthenticationMethod.ScaNotRequired];

/** When `PSUInteractionTypes` is absent: "If not provided the default is `OffSession`" (OBDomesticVRPControlParameters). */
export const DEFAULT_INTERACTION_TYPES: readonly PsuInteractionType[] = [PsuInteractionType.OffSession];

/** A limit on the sum of the payments made in each period. */
export interface PeriodicLimit {
  readonly periodType: PeriodType;
  readonly alignment: PeriodAlignment;
  readonly amountMinor: bigint;
  readonly currency: string;
}

/** The meaning of a VRP consent's `Data.ControlParameters`, validated. The verbatim JSON is kept beside it. */
export interface VrpControlParameters {
  readonly vrpTypes: readonly VrpType[];
  readonly psuAuthenticationMethods: readonly PsuAuthenticationMethod[];
  readonly psuInteractionTypes: readonly PsuInteractionType[];
  /**
   * The first instant the consent may be used: 00:00 UK time on the date of `ValidFromDateTime` (its time of day is
   * disregarded), or null when it has none (usable from its authorisation).
   */
  readonly validFrom: Date | null;
  /**
   * The first instant the consent may no longer be used: 00:00 UK time on the day after the date of
   * `ValidToDateTime` (valid through that whole day), or null when it has no end.
   */
  readonly validTo: Date | null;
  /** The largest single payment; its currency is the consent's currency. */
  readonly maximumIndividualAmount: Money;
  /** In request order: `PeriodicLimits[i]` is `periodicLimits[i]`. */
  readonly periodicLimits: readonly PeriodicLimit[];
}

/** The part of `OBDomesticVRPControlParameters` (already schema-valid) that the rules below read. */
export interface ControlParametersJson {
  readonly ValidFromDateTime?: unknown;
  readonly ValidToDateTime?: unknown;
  readonly MaximumIndividualAmount?: { Amount?: unknown; Currency?: unknown };
  readonly PeriodicLimits?: ReadonlyArray<{ PeriodType?: unknown; PeriodAlignment?: unknown; Amount?: unknown; Currency?: unknown }>;
  readonly VRPType?: readonly unknown[];
  readonly PSUAuthenticationMethods?: readonly unknown[];
  readonly PSUInteractionTypes?: readonly unknown[];
  readonly SupplementaryData?: unknown;
}

/**
 * A control parameter holds a value the standard defines but this bank does not offer: a `VRPType` outside
 * {@link SUPPORTED_VRP_TYPES}, a `PSUAuthenticationMethods` entry other than `UK.OBIE.SCANotRequired`, or
 * `SupplementaryData` it cannot process. Maps to 400 `U002` `UK.OBIE.Field.Invalid` with the field's path: the v4
 * code set has no `Unsupported.*` code for these (U021–U027 cover account identifiers, currency, event type, frequency,
 * local instrument and scheme only), and "must return a 400 Bad Request" is all domestic-vrp-consents.md asks.
 */
export class UnsupportedControlParameter extends DomainError {
  readonly code = 'UnsupportedControlParameter';
}

const BASE_PATH = 'Data.ControlParameters';
const PERIOD_TYPES: readonly string[] = ['Day', 'Week', 'Fortnight', 'Month', 'Half-year', 'Year'];
const ALIGNMENTS: readonly string[] = ['Consent', 'Calendar'];
const INTERACTION_TYPES: readonly string[] = Object.values(PsuInteractionType);

/**
 * Reads a new consent's `Data.ControlParameters` (schema-valid `OBDomesticVRPConsentRequest`): everything
 * {@link readVrpControlParameters} checks, and that `ValidToDateTime` is not already past at `now`.
 * @throws UnsupportedControlParameter (U002), UnsupportedCurrency (U023), InvalidField (U002), InvalidDate (U003);
 *   each with the OBIE path of the offending field.
 */
export function parseVrpControlParameters(raw: ControlParametersJson, now: Date): VrpControlParameters {
  const params = readVrpControlParameters(raw);
  if (params.validTo && params.validTo.getTime() <= now.getTime()) {
    throw new InvalidDate('ValidToDateTime is in the past', `${BASE_PATH}.ValidToDateTime`);
  }
  return params;
}

/**
 * Reads `Data.ControlParameters` without reference to the clock (also for a stored consent, whose end may have
 * passed): supported `VRPType`s and authentication methods only; a supported currency for `MaximumIndividualAmount`
 * that every periodic limit repeats; amounts above zero with no more decimals than the currency has; no `Fortnight`
 * lined up with the calendar ("for a `PeriodType` of `Fortnight` the `PeriodAlignment` must be `Consent`"); no two
 * limits with the same period type and alignment; `ValidToDateTime` not before `ValidFromDateTime` (dates compared,
 * times disregarded); an empty or absent `SupplementaryData` ("The ASPSP **must** reject a consent request that has
 * `Data.ControlParameters.SupplementaryData` that it cannot process").
 * @throws UnsupportedControlParameter (U002), UnsupportedCurrency (U023), InvalidField (U002), InvalidDate (U003).
 */
export function readVrpControlParameters(raw: ControlParametersJson): VrpControlParameters {
  const vrpTypes = readVrpTypes(raw.VRPType ?? []);
  const psuAuthenticationMethods = readAuthenticationMethods(raw.PSUAuthenticationMethods ?? []);
  const psuInteractionTypes = readInteractionTypes(raw.PSUInteractionTypes);
  const { validFrom, validTo } = readValidity(raw);
  const maximumIndividualAmount = readMoney(raw.MaximumIndividualAmount ?? {}, `${BASE_PATH}.MaximumIndividualAmount`);
  const periodicLimits = readPeriodicLimits(raw.PeriodicLimits ?? [], maximumIndividualAmount.currency);
  if (!isEmptySupplementaryData(raw.SupplementaryData)) {
    throw new UnsupportedControlParameter(
      'This bank cannot process ControlParameters.SupplementaryData; leave it out or send it empty',
      `${BASE_PATH}.SupplementaryData`,
    );
  }
  return { vrpTypes, psuAuthenticationMethods, psuInteractionTypes, validFrom, validTo, maximumIndividualAmount, periodicLimits };
}

function readVrpTypes(values: readonly unknown[]): VrpType[] {
  return values.map((value, index) => {
    const vrpType = SUPPORTED_VRP_TYPES.find((supported) => supported === value);
    if (!vrpType) {
      throw new UnsupportedControlParameter(
        `VRPType ${textOf(value)} is not supported; use ${SUPPORTED_VRP_TYPES.join(', ')}`,
        `${BASE_PATH}.VRPType[${index}]`,
      );
    }
    return vrpType;
  });
}

function readAuthenticationMethods(values: readonly unknown[]): PsuAuthenticationMethod[] {
  return values.map((value, index) => {
    const method = SUPPORTED_AUTHENTICATION_METHODS.find((supported) => supported === value);
    if (!method) {
      const detail =
        value === PsuAuthenticationMethod.Sca
          ? 'this bank has no contract for SCA carried out by the PISP'
          : `${textOf(value)} is not a PSU authentication method`;
      throw new UnsupportedControlParameter(
        `PSUAuthenticationMethods: ${detail}; the only method supported is ${PsuAuthenticationMethod.ScaNotRequired}`,
        `${BASE_PATH}.PSUAuthenticationMethods[${index}]`,
      );
    }
    return method;
  });
}

function readInteractionTypes(values: readonly unknown[] | undefined): PsuInteractionType[] {
  if (values === undefined || values.length === 0) return [...DEFAULT_INTERACTION_TYPES];
  return values.map((value, index) => {
    if (!INTERACTION_TYPES.includes(textOf(value))) {
      throw new InvalidField(`PSUInteractionTypes must be InSession or OffSession`, `${BASE_PATH}.PSUInteractionTypes[${index}]`);
    }
    return value as PsuInteractionType;
  });
}

/** The UK day a request date-time names: the date as written, its time and zone disregarded. */
function readDay(value: unknown, path: string): number {
  const text = textOf(value);
  parseRequestDateTime(text, path);
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  return dayNumberOf({ year, month, day });
}

function readValidity(raw: ControlParametersJson): { validFrom: Date | null; validTo: Date | null } {
  const fromDay = raw.ValidFromDateTime === undefined ? null : readDay(raw.ValidFromDateTime, `${BASE_PATH}.ValidFromDateTime`);
  const toDay = raw.ValidToDateTime === undefined ? null : readDay(raw.ValidToDateTime, `${BASE_PATH}.ValidToDateTime`);
  if (fromDay !== null && toDay !== null && toDay < fromDay) {
    throw new InvalidDate('ValidToDateTime is before ValidFromDateTime', `${BASE_PATH}.ValidToDateTime`);
  }
  return {
    validFrom: fromDay === null ? null : ukStartOfDay(fromDay),
    validTo: toDay === null ? null : ukStartOfDay(toDay + 1),
  };
}

/** The currencies a domestic payment may be in are the ones a VRP may be in. */
function readMoney(json: { Amount?: unknown; Currency?: unknown }, path: string): Money {
  const currency = textOf(json.Currency);
  if (!LOCAL_INSTRUMENTS[currency]) {
    throw new UnsupportedCurrency(
      `Payments in ${currency} are not supported; use ${Object.keys(LOCAL_INSTRUMENTS).join(' or ')}`,
      `${path}.Currency`,
    );
  }
  const amountMinor = parseAmount(textOf(json.Amount), currency, `${path}.Amount`);
  if (amountMinor <= 0n) throw new InvalidField('The amount must be greater than zero', `${path}.Amount`);
  return { amountMinor, currency };
}

function readPeriodicLimits(values: ControlParametersJson['PeriodicLimits'] & object, currency: string): PeriodicLimit[] {
  const seen = new Map<string, number>();
  return values.map((value, index) => {
    const path = `${BASE_PATH}.PeriodicLimits[${index}]`;
    const periodType = textOf(value.PeriodType);
    const alignment = textOf(value.PeriodAlignment);
    if (!PERIOD_TYPES.includes(periodType)) throw new InvalidField(`PeriodType must be one of ${PERIOD_TYPES.join(', ')}`, `${path}.PeriodType`);
    if (!ALIGNMENTS.includes(alignment)) throw new InvalidField('PeriodAlignment must be Consent or Calendar', `${path}.PeriodAlignment`);
    if (periodType === 'Fortnight' && alignment === 'Calendar') {
      throw new InvalidField('A Fortnight limit must have PeriodAlignment Consent: the calendar has no fortnights', `${path}.PeriodAlignment`);
    }
    if (textOf(value.Currency) !== currency) {
      throw new InvalidField(
        `Every periodic limit must be in the consent's currency ${currency}, the currency of MaximumIndividualAmount`,
        `${path}.Currency`,
      );
    }
    const { amountMinor } = readMoney(value, path);
    const key = `${periodType}/${alignment}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new InvalidField(`PeriodicLimits[${earlier}] already sets a ${periodType} limit with ${alignment} alignment`, path);
    }
    seen.set(key, index);
    return { periodType: periodType as PeriodType, alignment: alignment as PeriodAlignment, amountMinor, currency };
  });
}

function isEmptySupplementaryData(value: unknown): boolean {
  return value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}

/** The UK day a consent's periods count from: its `ValidFromDateTime`'s date, else the day it was created. */
export function periodAnchor(params: VrpControlParameters, createdAt: Date): Date {
  return params.validFrom ?? ukStartOfDay(ukDayOf(createdAt));
}
