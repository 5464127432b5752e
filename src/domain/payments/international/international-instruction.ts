import { FieldMissing, InvalidField } from '../../errors.js';
import { parseExchangeRate, type ExchangeRate } from '../../fx/exchange-rate.js';
import { parseAmount } from '../../money.js';
import { textOf } from '../../text.js';
import {
  IBAN_SCHEME,
  isIsoCurrency,
  LOCAL_INSTRUMENTS,
  parseAccount,
  remittanceReferenceOf,
  UnsupportedCurrency,
  UnsupportedLocalInstrument,
  UnsupportedScheme,
  type InitiationAccount,
  type PaymentAccount,
} from '../payment-instruction.js';

/** How the rate of an international payment is set (OBIE `RateType`). */
export const RateType = {
  /** The partner quotes a rate under a contract the bank issued (`ContractIdentification`). */
  Agreed: 'Agreed',
  /** The bank quotes a rate that holds until the quote's `ExpirationDateTime`. */
  Actual: 'Actual',
  /** The bank shows its rate now; the rate applied is the bank's at execution. */
  Indicative: 'Indicative',
} as const;

export type RateType = (typeof RateType)[keyof typeof RateType];

/** The scheme international payments leave the bank by; the only `LocalInstrument` offered for them. */
export const INTERNATIONAL_LOCAL_INSTRUMENT = 'UK.OBIE.SWIFT';

/** The `ChargeBearer` this bank honours: its charges are paid by the debtor, on top of the amount. */
export const SUPPORTED_CHARGE_BEARER = 'BorneByDebtor';

/** The currency an account at this bank is held in, when the partner's request does not say (see {@link parseInternationalInitiation}). */
const HOME_CURRENCY = 'GBP';

/** A `CreditorAgent` scheme this bank can route to. */
const BIC_SCHEME = 'UK.OBIE.BICFI';

/** An international payment's rate as the partner asked for it. */
export interface RateRequest {
  readonly rateType: RateType;
  /** Agreed rates only: the partner's rate, in units of the transfer currency per unit of the account currency. */
  readonly agreedRate: ExchangeRate | null;
  /** Agreed rates only: the contract the bank issued for the rate. */
  readonly contractIdentification: string | null;
}

/** The money-relevant meaning of an `OBInternational3` initiation, validated. */
export interface InternationalInstruction {
  /** The currency of the account paid from (the rate's unit currency). */
  readonly debitCurrency: string;
  /** The currency the creditor receives (`CurrencyOfTransfer`). */
  readonly currencyOfTransfer: string;
  /** Which side `InstructedAmount` fixes: the debit (in `debitCurrency`) or the credit (in `currencyOfTransfer`). */
  readonly fixedSide: 'debit' | 'credit';
  readonly instructedMinor: bigint;
  readonly localInstrument: string;
  readonly creditor: PaymentAccount & { readonly name: string };
  readonly debtor: PaymentAccount | null;
  readonly reference: string;
  readonly endToEndIdentification: string;
  readonly rate: RateRequest;
}

/** The part of `OBInternational3` (already schema-valid) that the rules below read. */
export interface InternationalInitiationJson {
  readonly EndToEndIdentification?: unknown;
  readonly LocalInstrument?: unknown;
  readonly ChargeBearer?: unknown;
  readonly CurrencyOfTransfer?: unknown;
  readonly DestinationCountryCode?: unknown;
  readonly InstructedAmount?: { Amount?: unknown; Currency?: unknown };
  readonly ExchangeRateInformation?: { UnitCurrency?: unknown; ExchangeRate?: unknown; RateType?: unknown; ContractIdentification?: unknown };
  readonly Creditor?: { Name?: unknown };
  readonly CreditorAgent?: { SchemeName?: unknown; Identification?: unknown; Name?: unknown };
  readonly CreditorAccount?: InitiationAccount;
  readonly DebtorAccount?: InitiationAccount;
  readonly RemittanceInformation?: { Structured?: Array<{ CreditorReferenceInformation?: { Reference?: unknown } }>; Unstructured?: unknown[] };
}

const BASE = 'Data.Initiation';

/**
 * The rules of an international initiation that the schema cannot express (international-payments.md):
 * - the currencies: `CurrencyOfTransfer` is what the creditor receives, and the account paid from is held in another
 *   currency — `InstructedAmount.Currency` when it differs from `CurrencyOfTransfer` (the debit is fixed), else
 *   `ExchangeRateInformation.UnitCurrency` (the credit is fixed), else GBP. The account's currency must be one the bank
 *   holds accounts in (GBP, EUR: U023); a rate's `UnitCurrency` must be the account's (U002);
 * - the amount is above zero with no more decimals than its currency has (U002);
 * - `LocalInstrument`, if sent, is `UK.OBIE.SWIFT` (U026); `ChargeBearer`, if sent, is `BorneByDebtor` (U002);
 * - the creditor's account is an IBAN or a UK sort code and account number (U027); one that is not an IBAN needs a
 *   `CreditorAgent` identified by BIC (U004, U027, U002); a `DestinationCountryCode` must be the IBAN's country (U002);
 * - an `Agreed` rate needs `ExchangeRate` and `ContractIdentification` (U004); `Actual` and `Indicative` rates are the
 *   bank's to quote, so they carry neither (U002).
 * @throws InvalidField (U002), FieldMissing (U004), UnsupportedCurrency (U023), UnsupportedLocalInstrument (U026),
 *   UnsupportedScheme (U027).
 */
export function parseInternationalInitiation(initiation: InternationalInitiationJson): InternationalInstruction {
  const currencyOfTransfer = isoCurrency(initiation.CurrencyOfTransfer, `${BASE}.CurrencyOfTransfer`);
  const instructedCurrency = isoCurrency(initiation.InstructedAmount?.Currency, `${BASE}.InstructedAmount.Currency`);
  const rateInformation = initiation.ExchangeRateInformation;
  const unitCurrency = rateInformation ? isoCurrency(rateInformation.UnitCurrency, `${BASE}.ExchangeRateInformation.UnitCurrency`) : null;
  const fixedSide = instructedCurrency === currencyOfTransfer ? 'credit' : 'debit';
  const debitCurrency = fixedSide === 'debit' ? instructedCurrency : (unitCurrency ?? HOME_CURRENCY);
  if (debitCurrency === currencyOfTransfer) {
    throw new InvalidField(
      `CurrencyOfTransfer ${currencyOfTransfer} is the currency of the account paid from; make a domestic payment, or name the account's currency in InstructedAmount or ExchangeRateInformation.UnitCurrency`,
      `${BASE}.CurrencyOfTransfer`,
    );
  }
  if (!LOCAL_INSTRUMENTS[debitCurrency]) {
    const path = fixedSide === 'debit' ? `${BASE}.InstructedAmount.Currency` : `${BASE}.ExchangeRateInformation.UnitCurrency`;
    throw new UnsupportedCurrency(`The bank holds no accounts in ${debitCurrency}; pay from ${Object.keys(LOCAL_INSTRUMENTS).join(' or ')}`, path);
  }
  if (unitCurrency !== null && unitCurrency !== debitCurrency) {
    throw new InvalidField(
      `UnitCurrency must be ${debitCurrency}, the currency of the account paid from: rates are quoted as 1 ${debitCurrency} = x ${currencyOfTransfer}`,
      `${BASE}.ExchangeRateInformation.UnitCurrency`,
    );
  }
  const instructedMinor = parseAmount(textOf(initiation.InstructedAmount?.Amount), instructedCurrency, `${BASE}.InstructedAmount.Amount`);
  if (instructedMinor <= 0n) throw new InvalidField('The amount must be greater than zero', `${BASE}.InstructedAmount.Amount`);
  const localInstrument = initiation.LocalInstrument === undefined ? INTERNATIONAL_LOCAL_INSTRUMENT : textOf(initiation.LocalInstrument);
  if (localInstrument !== INTERNATIONAL_LOCAL_INSTRUMENT) {
    throw new UnsupportedLocalInstrument(
      `LocalInstrument ${localInstrument} is not offered for international payments; use ${INTERNATIONAL_LOCAL_INSTRUMENT}`,
      `${BASE}.LocalInstrument`,
    );
  }
  if (initiation.ChargeBearer !== undefined && initiation.ChargeBearer !== SUPPORTED_CHARGE_BEARER) {
    throw new InvalidField(
      `ChargeBearer ${textOf(initiation.ChargeBearer)} cannot be honoured; this bank's charges are ${SUPPORTED_CHARGE_BEARER}`,
      `${BASE}.ChargeBearer`,
    );
  }
  const creditor = parseAccount(initiation.CreditorAccount ?? {}, `${BASE}.CreditorAccount`);
  assertCreditorReachable(initiation, creditor);
  const endToEndIdentification = textOf(initiation.EndToEndIdentification);
  const creditorName = creditor.name ?? (typeof initiation.Creditor?.Name === 'string' ? initiation.Creditor.Name : '');
  return {
    debitCurrency,
    currencyOfTransfer,
    fixedSide,
    instructedMinor,
    localInstrument,
    creditor: { ...creditor, name: creditorName },
    debtor: initiation.DebtorAccount ? parseAccount(initiation.DebtorAccount, `${BASE}.DebtorAccount`) : null,
    reference: remittanceReferenceOf(initiation) ?? endToEndIdentification,
    endToEndIdentification,
    rate: rateRequestOf(rateInformation, debitCurrency, currencyOfTransfer),
  };
}

function isoCurrency(value: unknown, path: string): string {
  const currency = textOf(value);
  if (!isIsoCurrency(currency)) throw new InvalidField(`${currency} is not an ISO 4217 currency code`, path);
  return currency;
}

/**
 * The scheme must be able to find the creditor's bank: an IBAN names it; any other account needs a `CreditorAgent`
 * identified by its BIC. A `DestinationCountryCode` must agree with the IBAN's country.
 */
function assertCreditorReachable(initiation: InternationalInitiationJson, creditor: PaymentAccount): void {
  const agent = initiation.CreditorAgent;
  if (creditor.schemeName !== IBAN_SCHEME && !agent) {
    throw new FieldMissing('A creditor account that is not an IBAN needs the CreditorAgent (the BIC of the creditor bank)', `${BASE}.CreditorAgent`);
  }
  if (agent?.SchemeName !== undefined) {
    if (agent.SchemeName !== BIC_SCHEME) {
      throw new UnsupportedScheme(
        `CreditorAgent SchemeName ${textOf(agent.SchemeName)} is not supported; use ${BIC_SCHEME}`,
        `${BASE}.CreditorAgent.SchemeName`,
      );
    }
    if (!/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(textOf(agent.Identification))) {
      throw new InvalidField('CreditorAgent Identification must be a BIC of 8 or 11 characters', `${BASE}.CreditorAgent.Identification`);
    }
  } else if (agent && creditor.schemeName !== IBAN_SCHEME) {
    throw new FieldMissing('The CreditorAgent needs its SchemeName and Identification (a BIC)', `${BASE}.CreditorAgent.SchemeName`);
  }
  const country = initiation.DestinationCountryCode;
  if (country !== undefined && creditor.schemeName === IBAN_SCHEME && creditor.identification.slice(0, 2) !== country) {
    throw new InvalidField(
      `DestinationCountryCode ${textOf(country)} is not the country of the creditor's IBAN (${creditor.identification.slice(0, 2)})`,
      `${BASE}.DestinationCountryCode`,
    );
  }
}

function rateRequestOf(
  information: InternationalInitiationJson['ExchangeRateInformation'],
  debitCurrency: string,
  currencyOfTransfer: string,
): RateRequest {
  const path = `${BASE}.ExchangeRateInformation`;
  const rateType = information ? (textOf(information.RateType) as RateType) : RateType.Indicative;
  if (rateType !== RateType.Agreed) {
    if (information?.ExchangeRate !== undefined)
      throw new InvalidField(`The bank quotes ${rateType} rates; send ExchangeRate only with an Agreed rate`, `${path}.ExchangeRate`);
    if (information?.ContractIdentification !== undefined) {
      throw new InvalidField(`ContractIdentification belongs to an Agreed rate, not an ${rateType} one`, `${path}.ContractIdentification`);
    }
    return { rateType, agreedRate: null, contractIdentification: null };
  }
  if (information?.ExchangeRate === undefined) throw new FieldMissing('An Agreed rate needs the ExchangeRate agreed', `${path}.ExchangeRate`);
  if (information.ContractIdentification === undefined) {
    throw new FieldMissing('An Agreed rate needs the ContractIdentification the bank issued', `${path}.ContractIdentification`);
  }
  const value = information.ExchangeRate;
  return {
    rateType,
    agreedRate: parseExchangeRate(typeof value === 'number' ? value : textOf(value), debitCurrency, currencyOfTransfer, `${path}.ExchangeRate`),
    contractIdentification: textOf(information.ContractIdentification),
  };
}
