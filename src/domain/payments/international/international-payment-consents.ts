import { chargesFor } from '../charges.js';
import { createOnce, type IdempotencyClaim } from '../idempotency.js';
import type { DomesticPaymentConsent, PaymentConsentRequest } from '../payment-consent.js';
import { newPaymentConsent, type CreatedConsent, type PaymentConsentServices } from '../payment-consents.js';
import { conversionAt, quoteExchange, type ExchangeServices } from './exchange-quote.js';
import { parseInternationalInitiation } from './international-instruction.js';

/** What creating an international payment consent needs: what a domestic one needs, and the bank's rates. */
export interface InternationalConsentServices extends PaymentConsentServices {
  readonly exchange: ExchangeServices;
}

/**
 * Creates an international payment consent awaiting the customer (`AWAU`), idempotently as a domestic one: the
 * initiation is validated ({@link parseInternationalInitiation}), the rate quoted or the agreed rate checked
 * ({@link quoteExchange}), and the bank's charges fixed by its fee schedule for `UK.OBIE.SWIFT` on the debit at that
 * rate, in the account's currency.
 * @throws IdempotencyKeyReused; the initiation's and the quote's field errors; InvalidDate for a past `CompletionDateTime`.
 */
export async function createInternationalPaymentConsent(
  services: InternationalConsentServices,
  clientId: string,
  request: PaymentConsentRequest,
  claim: IdempotencyClaim,
  now: Date,
): Promise<CreatedConsent> {
  const { resource, replayed } = await createOnce(services.idempotency, services.consents, claim, now, (): DomesticPaymentConsent => {
    const instruction = parseInternationalInitiation(request.Data.Initiation);
    const quote = quoteExchange(services.exchange, clientId, instruction, now);
    const debitMinor = conversionAt(instruction, quote.rate).debitMinor;
    const charges = chargesFor(services.fees, instruction.localInstrument, debitMinor, instruction.debitCurrency);
    return { ...newPaymentConsent(clientId, request, charges, now, 'international-payment'), international: { quote } };
  });
  return { consent: resource, replayed };
}
