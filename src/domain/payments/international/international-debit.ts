import type { PaymentInstruction } from '../payment-instruction.js';
import type { CurrencyConversion } from '../../fx/currency-conversion.js';
import { conversionAt, type ExchangeQuote } from './exchange-quote.js';
import { parseInternationalInitiation, type InternationalInitiationJson, type InternationalInstruction } from './international-instruction.js';

/**
 * An international instruction as the account paid from sees it: `debitMinor` debited in the account's currency
 * (before charges), to whom, by which scheme — what the customer authorises, the accounts they may pay from, funds
 * confirmation and the payment's ledger entries read.
 */
export function debitInstruction(instruction: InternationalInstruction, debitMinor: bigint): PaymentInstruction {
  return {
    amountMinor: debitMinor,
    currency: instruction.debitCurrency,
    localInstrument: instruction.localInstrument,
    creditor: instruction.creditor,
    debtor: instruction.debtor,
    reference: instruction.reference,
    endToEndIdentification: instruction.endToEndIdentification,
  };
}

/** A stored international initiation as the account paid from sees it, at the rate quoted ({@link debitInstruction}). */
export function debitInstructionOf(initiation: InternationalInitiationJson, quote: ExchangeQuote): PaymentInstruction {
  const parsed = parseInternationalInitiation(initiation);
  return debitInstruction(parsed, conversionAt(parsed, quote.rate).debitMinor);
}

/** The conversion a stored international initiation makes at the rate its consent quoted: what the customer is shown. */
export function quotedConversionOf(initiation: InternationalInitiationJson, quote: ExchangeQuote): CurrencyConversion {
  return conversionAt(parseInternationalInitiation(initiation), quote.rate);
}
