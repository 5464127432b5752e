import { textOf } from '../text.js';
import { InvalidField } from '../errors.js';
import { parseAmount } from '../money.js';

/** A charge the bank takes for a payment (OBIE `Charges[]`), paid by the debtor on top of the amount. */
export interface Charge {
  readonly type: string;
  readonly bearer: 'BorneByDebtor';
  readonly amountMinor: bigint;
  readonly currency: string;
}

/** One band of a fee schedule: payments of at least `fromMinor` cost `feeMinor`. */
export interface FeeBand {
  readonly fromMinor: bigint;
  readonly feeMinor: bigint;
}

/** Fees per `LocalInstrument`, bands in ascending `fromMinor` (in the instrument's currency). */
export type FeeSchedule = Readonly<Record<string, readonly FeeBand[]>>;

/** OBIE charge type reported for each instrument. */
const CHARGE_TYPES: Readonly<Record<string, string>> = {
  'UK.OBIE.FPS': 'UK.OBIE.FasterPaymentsOut',
  'UK.OBIE.BACS': 'UK.OBIE.BACSOut',
  'UK.OBIE.CHAPS': 'UK.OBIE.CHAPSOut',
  'UK.OBIE.SEPACreditTransfer': 'UK.OBIE.SEPAOut',
  'UK.OBIE.SEPAInstantCreditTransfer': 'UK.OBIE.SEPAInstantOut',
  'UK.OBIE.SWIFT': 'UK.OBIE.SWIFTOut',
};

/**
 * The sandbox bank's tariff: Faster Payments free below 1,000.00 and 0.50 from there, BACS free, CHAPS 15.00,
 * SEPA free and SEPA Instant 0.50; international payments (SWIFT) 5.00 in the account's currency below 5,000.00 of
 * debit and 10.00 from there. Operators replace it with `PAYMENT_FEE_SCHEDULE`.
 */
export const DEFAULT_FEE_SCHEDULE: FeeSchedule = {
  'UK.OBIE.FPS': [
    { fromMinor: 0n, feeMinor: 0n },
    { fromMinor: 100_000n, feeMinor: 50n },
  ],
  'UK.OBIE.BACS': [{ fromMinor: 0n, feeMinor: 0n }],
  'UK.OBIE.CHAPS': [{ fromMinor: 0n, feeMinor: 1_500n }],
  'UK.OBIE.SEPACreditTransfer': [{ fromMinor: 0n, feeMinor: 0n }],
  'UK.OBIE.SEPAInstantCreditTransfer': [{ fromMinor: 0n, feeMinor: 50n }],
  'UK.OBIE.SWIFT': [
    { fromMinor: 0n, feeMinor: 500n },
    { fromMinor: 500_000n, feeMinor: 1_000n },
  ],
};

/** The charges for a payment of `amountMinor` by `localInstrument`; none when the fee is zero. */
export function chargesFor(schedule: FeeSchedule, localInstrument: string, amountMinor: bigint, currency: string): Charge[] {
  let feeMinor = 0n;
  for (const band of schedule[localInstrument] ?? []) if (amountMinor >= band.fromMinor) feeMinor = band.feeMinor;
  return chargesOfPayment(localInstrument, feeMinor, currency);
}

/** The charges a payment was made with, from its total (one instrument, so at most one charge, of the instrument's type). */
export function chargesOfPayment(localInstrument: string, chargesMinor: bigint, currency: string): Charge[] {
  if (chargesMinor === 0n) return [];
  return [{ type: CHARGE_TYPES[localInstrument] ?? 'UK.OBIE.PaymentOut', bearer: 'BorneByDebtor', amountMinor: chargesMinor, currency }];
}

/** The total of the charges, in minor units. */
export function totalCharges(charges: readonly Charge[]): bigint {
  return charges.reduce((sum, charge) => sum + charge.amountMinor, 0n);
}

/**
 * Reads a fee schedule written as JSON: `{"UK.OBIE.FPS": [{"from": "0.00", "fee": "0.00"}, {"from": "1000.00", "fee": "0.50"}]}`,
 * amounts in the currency of the instrument.
 * @throws InvalidField for anything else.
 */
export function parseFeeSchedule(json: string, currencyOf: (instrument: string) => string | undefined): FeeSchedule {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InvalidField('is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidField('must be an object keyed by LocalInstrument');
  const schedule: Record<string, FeeBand[]> = {};
  for (const [instrument, bands] of Object.entries(parsed)) {
    const currency = currencyOf(instrument);
    if (!currency) throw new InvalidField(`names ${instrument}, which is not an offered LocalInstrument`);
    if (!Array.isArray(bands) || bands.length === 0) throw new InvalidField(`needs a list of bands for ${instrument}`);
    schedule[instrument] = bands
      .map((band: { from?: unknown; fee?: unknown } | null) => ({
        fromMinor: parseAmount(textOf(band?.from), currency),
        feeMinor: parseAmount(textOf(band?.fee), currency),
      }))
      .sort((a, b) => (a.fromMinor < b.fromMinor ? -1 : a.fromMinor > b.fromMinor ? 1 : 0));
  }
  return schedule;
}
