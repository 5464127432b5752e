import { currencyExponent, parseAmount } from '../money.js';
import { textOf } from '../text.js';
import { DomainError, InvalidField } from '../errors.js';
import { IBAN_SCHEME, SORT_CODE_SCHEME } from '../accounts/account.js';
import { ibanMod97 } from '../accounts/iban.js';

export { IBAN_SCHEME, SORT_CODE_SCHEME };

/** The account schemes payments may name (others → U027). */
const SUPPORTED_SCHEMES = [SORT_CODE_SCHEME, IBAN_SCHEME];

/** The payment schemes this bank offers, by currency (others → U026). */
export const LOCAL_INSTRUMENTS: Readonly<Record<string, readonly string[]>> = {
  GBP: ['UK.OBIE.FPS', 'UK.OBIE.BACS', 'UK.OBIE.CHAPS'],
  EUR: ['UK.OBIE.SEPACreditTransfer', 'UK.OBIE.SEPAInstantCreditTransfer'],
};

/** ISO 4217 codes: an unknown code is invalid (U002), a known one this bank does not pay in unsupported (U023). */
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Whether a code is an ISO 4217 currency (an unknown code is invalid, U002; a known one the bank does not take unsupported, U023). */
export function isIsoCurrency(code: string): boolean {
  return ISO_CURRENCIES.has(code);
}

/** The scheme used when the partner names none. */
const DEFAULT_INSTRUMENT: Readonly<Record<string, string>> = { GBP: 'UK.OBIE.FPS', EUR: 'UK.OBIE.SEPAInstantCreditTransfer' };

/** A currency the bank does not pay in (OBIE U023). */
export class UnsupportedCurrency extends DomainError {
  readonly code = 'UnsupportedCurrency';
}

/** A `LocalInstrument` the bank does not offer for the currency (OBIE U026). */
export class UnsupportedLocalInstrument extends DomainError {
  readonly code = 'UnsupportedLocalInstrument';
}

/** An account `SchemeName` the bank does not support (OBIE U027). */
export class UnsupportedScheme extends DomainError {
  readonly code = 'UnsupportedScheme';
}

/** An account as a payment names it. */
export interface PaymentAccount {
  readonly schemeName: string;
  readonly identification: string;
  readonly name: string | null;
}

/** The money-relevant meaning of an OBIE `Initiation`, validated. The verbatim JSON is kept beside it. */
export interface PaymentInstruction {
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly localInstrument: string;
  readonly creditor: PaymentAccount & { readonly name: string };
  readonly debtor: PaymentAccount | null;
  /** What the payee sees: the creditor reference, else the first unstructured line, else the end-to-end id. */
  readonly reference: string;
  readonly endToEndIdentification: string;
}

export interface InitiationAccount {
  SchemeName?: unknown;
  Identification?: unknown;
  Name?: unknown;
}

/** The part of `OBDomestic2` (already schema-valid) that the rules below read. */
export interface InitiationJson {
  readonly InstructionIdentification?: unknown;
  readonly EndToEndIdentification?: unknown;
  readonly LocalInstrument?: unknown;
  readonly InstructedAmount?: { Amount?: unknown; Currency?: unknown };
  readonly CreditorAccount?: InitiationAccount;
  readonly DebtorAccount?: InitiationAccount;
  readonly RemittanceInformation?: { Structured?: Array<{ CreditorReferenceInformation?: { Reference?: unknown } }>; Unstructured?: unknown[] };
}

/**
 * The rules the schema cannot express (NOTES §6.1): a supported currency, an amount above zero with no more
 * decimals than the currency has, a local instrument offered for that currency, and creditor/debtor accounts
 * in a supported scheme with a well-formed identification. `base` is the path of the object read (a VRP's
 * `Data.Instruction` has the same members).
 * @throws UnsupportedCurrency (U023), UnsupportedLocalInstrument (U026), UnsupportedScheme (U027), InvalidField (U002).
 */
export function parseInitiation(initiation: InitiationJson, base = 'Data.Initiation'): PaymentInstruction {
  const currency = textOf(initiation.InstructedAmount?.Currency);
  const instruments = LOCAL_INSTRUMENTS[currency];
  if (!isIsoCurrency(currency)) throw new InvalidField(`${currency} is not an ISO 4217 currency code`, `${base}.InstructedAmount.Currency`);
  if (!instruments) throw new UnsupportedCurrency(`Payments in ${currency} are not supported; use GBP or EUR`, `${base}.InstructedAmount.Currency`);
  currencyExponent(currency);
  const amountMinor = parseAmount(textOf(initiation.InstructedAmount?.Amount), currency, `${base}.InstructedAmount.Amount`);
  if (amountMinor <= 0n) throw new InvalidField('The amount must be greater than zero', `${base}.InstructedAmount.Amount`);
  const localInstrument = initiation.LocalInstrument === undefined ? (DEFAULT_INSTRUMENT[currency] ?? '') : textOf(initiation.LocalInstrument);
  if (!instruments.includes(localInstrument)) {
    throw new UnsupportedLocalInstrument(
      `LocalInstrument ${localInstrument} is not offered for ${currency}; use one of ${instruments.join(', ')}`,
      `${base}.LocalInstrument`,
    );
  }
  const creditor = parseAccount(initiation.CreditorAccount ?? {}, `${base}.CreditorAccount`);
  const debtor = initiation.DebtorAccount ? parseAccount(initiation.DebtorAccount, `${base}.DebtorAccount`) : null;
  const endToEndIdentification = textOf(initiation.EndToEndIdentification);
  return {
    amountMinor,
    currency,
    localInstrument,
    creditor: { ...creditor, name: creditor.name ?? '' },
    debtor,
    reference: remittanceReferenceOf(initiation) ?? endToEndIdentification,
    endToEndIdentification,
  };
}

/**
 * An account a payment names (`CreditorAccount`, `DebtorAccount`): a supported scheme and a well-formed identification
 * (spaces removed, upper case).
 * @throws UnsupportedScheme (U027), InvalidField (U002), each with `path` and the member at fault.
 */
export function parseAccount(account: InitiationAccount, path: string): PaymentAccount {
  const schemeName = textOf(account.SchemeName);
  if (!SUPPORTED_SCHEMES.includes(schemeName)) {
    throw new UnsupportedScheme(`SchemeName ${schemeName} is not supported; use ${SUPPORTED_SCHEMES.join(' or ')}`, `${path}.SchemeName`);
  }
  const identification = textOf(account.Identification).replace(/\s+/g, '').toUpperCase();
  const valid = schemeName === SORT_CODE_SCHEME ? /^\d{14}$/.test(identification) : isValidIban(identification);
  if (!valid) {
    const expected = schemeName === SORT_CODE_SCHEME ? 'a 6-digit sort code followed by an 8-digit account number' : 'a valid IBAN';
    throw new InvalidField(`Identification must be ${expected}`, `${path}.Identification`);
  }
  return { schemeName, identification, name: typeof account.Name === 'string' ? account.Name : null };
}

/** ISO 13616: 2 letters, 2 check digits, up to 30 alphanumerics; mod 97 of the rearranged number is 1. */
export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  return ibanMod97(`${iban.slice(4)}${iban.slice(0, 4)}`) === 1;
}

/** What the payee sees of a payment's remittance information: the creditor reference, else the first unstructured line. */
export function remittanceReferenceOf(initiation: Pick<InitiationJson, 'RemittanceInformation'>): string | null {
  const structured = initiation.RemittanceInformation?.Structured?.find((item) => typeof item.CreditorReferenceInformation?.Reference === 'string');
  const reference = structured?.CreditorReferenceInformation?.Reference;
  if (typeof reference === 'string') return reference;
  const line = initiation.RemittanceInformation?.Unstructured?.find((item) => typeof item === 'string');
  return typeof line === 'string' ? line : null;
}
