import { DomainError, InvalidField } from '../../errors.js';
import { convertCredit, convertDebit, type CurrencyConversion } from '../../fx/currency-conversion.js';
import type { ExchangeRate } from '../../fx/exchange-rate.js';
import { customerRate, quotesCurrency, type RateSource } from '../../fx/rate-table.js';
import { UnsupportedCurrency } from '../payment-instruction.js';
import { RateType, type InternationalInstruction } from './international-instruction.js';

/** The rate an international payment consent was given, as its response shows it (`ExchangeRateInformation`). */
export interface ExchangeQuote {
  readonly rateType: RateType;
  /** The rate quoted (`Actual`, `Indicative`: the bank's when the consent was made) or agreed (`Agreed`). */
  readonly rate: ExchangeRate;
  /** Until when an `Actual` quote holds (`ExpirationDateTime`); null for the other rate types. */
  readonly expiresAt: Date | null;
  readonly contractIdentification: string | null;
}

/** Checks a partner's agreed rate against the contract the bank issued for it. */
export interface FxContractVerifier {
  /**
   * @throws InvalidField when the contract is unknown, another partner's, expired, or for another rate or currencies.
   */
  assertAgreed(clientId: string, contractIdentification: string, rate: ExchangeRate, now: Date): void;
}

/** Where international payments get their rates. */
export interface ExchangeServices {
  readonly rates: RateSource;
  /** How long an `Actual` quote holds. */
  readonly quoteValidityMs: number;
  readonly contracts: FxContractVerifier;
}

/** An `Actual` quote that has expired: the payment is refused (OBIE U003 on the rate), nothing is paid. */
export class ExchangeRateExpired extends DomainError {
  readonly code = 'ExchangeRateExpired';
}

const RATE_PATH = 'Data.Initiation.ExchangeRateInformation';

/**
 * The rate a new consent is given: an `Agreed` rate checked against its contract; an `Actual` one quoted by the bank
 * until now + the quote validity; an `Indicative` one (also when the partner sends no `ExchangeRateInformation`) quoted
 * without expiry.
 * @throws UnsupportedCurrency (U023) for a `CurrencyOfTransfer` the bank does not exchange; the contract's InvalidField.
 */
export function quoteExchange(services: ExchangeServices, clientId: string, instruction: InternationalInstruction, now: Date): ExchangeQuote {
  const table = services.rates(now);
  if (!quotesCurrency(table, instruction.currencyOfTransfer)) {
    throw new UnsupportedCurrency(`The bank does not pay out in ${instruction.currencyOfTransfer}`, 'Data.Initiation.CurrencyOfTransfer');
  }
  const { rate } = instruction;
  if (rate.rateType === RateType.Agreed && rate.agreedRate && rate.contractIdentification) {
    services.contracts.assertAgreed(clientId, rate.contractIdentification, rate.agreedRate, now);
    return { rateType: rate.rateType, rate: rate.agreedRate, expiresAt: null, contractIdentification: rate.contractIdentification };
  }
  const quoted = customerRate(table, instruction.debitCurrency, instruction.currencyOfTransfer);
  const expiresAt = rate.rateType === RateType.Actual ? new Date(now.getTime() + services.quoteValidityMs) : null;
  return { rateType: rate.rateType, rate: quoted, expiresAt, contractIdentification: null };
}

/**
 * The rate a payment is made at: an `Actual` quote while it holds, an `Agreed` rate (its contract checked again), or
 * for an `Indicative` one the bank's rate now.
 * @throws ExchangeRateExpired when an `Actual` quote has expired; the contract's InvalidField.
 */
export function rateAtExecution(services: ExchangeServices, clientId: string, quote: ExchangeQuote, now: Date): ExchangeRate {
  if (quote.rateType === RateType.Actual) {
    if (quote.expiresAt && quote.expiresAt.getTime() <= now.getTime()) {
      throw new ExchangeRateExpired(
        `The rate quoted expired at ${quote.expiresAt.toISOString()}; create a new consent for a new quote`,
        `${RATE_PATH}.ExpirationDateTime`,
      );
    }
    return quote.rate;
  }
  if (quote.rateType === RateType.Agreed && quote.contractIdentification) {
    services.contracts.assertAgreed(clientId, quote.contractIdentification, quote.rate, now);
    return quote.rate;
  }
  return customerRate(services.rates(now), quote.rate.unitCurrency, quote.rate.targetCurrency);
}

/**
 * The instruction's conversion at a rate: an amount fixed in the account's currency pays out what it buys (rounded
 * down), one fixed in the transfer's currency debits the least that buys it (rounded up).
 * @throws InvalidField when the amount buys nothing (less than one minor unit of the transfer currency).
 */
export function conversionAt(instruction: InternationalInstruction, rate: ExchangeRate): CurrencyConversion {
  const conversion =
    instruction.fixedSide === 'debit' ? convertDebit(rate, instruction.instructedMinor) : convertCredit(rate, instruction.instructedMinor);
  if (conversion.creditMinor <= 0n) {
    throw new InvalidField(
      `The amount buys less than one minor unit of ${instruction.currencyOfTransfer}`,
      'Data.Initiation.InstructedAmount.Amount',
    );
  }
  return conversion;
}
