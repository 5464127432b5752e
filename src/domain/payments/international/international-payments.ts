import { ResourceForbidden, ResourceNotFound } from '../../errors.js';
import type { DomesticPayment, PaymentExecution } from '../domestic-payment.js';
import type { IdempotencyClaim } from '../idempotency.js';
import { ConsentMismatch } from '../consent-match.js';
import { resolvePayee } from '../payee.js';
import type { DomesticPaymentConsent } from '../payment-consent.js';
import { consumingExecution, makeConsentPayment, orderedPayment, type MadePayment, type PaymentRequest, type PaymentServices } from '../payments.js';
import { conversionAt, rateAtExecution, type ExchangeServices } from './exchange-quote.js';
import { debitInstruction } from './international-debit.js';
import { parseInternationalInitiation } from './international-instruction.js';
import { internationalTransfers } from './international-transfers.js';

/** What making an international payment needs: what a domestic payment needs, and the bank's rates. */
export interface InternationalPaymentServices extends PaymentServices {
  readonly exchange: ExchangeServices;
}

/**
 * Makes the payment of an authorised international consent, exactly once, as a domestic payment is made (idempotency,
 * `Initiation` and `Risk` matched, the consent consumed, the outcome decided by `decidePayment` under the locks) with
 * these differences:
 * - the rate is the one in force at execution ({@link rateAtExecution}): an `Actual` quote that has expired refuses the
 *   payment (`ExchangeRateExpired`, U003) and nothing is paid or consumed;
 * - the debtor is debited in the account's currency and the creditor credited in `CurrencyOfTransfer`, the conversion
 *   passing through the bank's FX positions ({@link internationalTransfers}); limits and funds are judged on the debit
 *   plus the charges;
 * - a payee at this bank with an account in `CurrencyOfTransfer` is credited at once (`ACSC`), any other is paid through
 *   the scheme (`ACSP`, settled later: the conversion is unwound if the scheme returns it).
 * @throws ConsentMismatch (U008), InvalidConsentStatus (U009), IdempotencyKeyReused (U006), ExchangeRateExpired (U003).
 */
export async function makeInternationalPayment(
  services: InternationalPaymentServices,
  consent: DomesticPaymentConsent,
  request: PaymentRequest,
  claim: IdempotencyClaim,
  now: Date,
): Promise<MadePayment> {
  const terms = consent.international;
  if (!terms) throw new ConsentMismatch(`ConsentId ${consent.id} is a domestic payment consent; pay it by POST /domestic-payments`, 'Data.ConsentId');
  return makeConsentPayment(services, consent, request, claim, now, async (): Promise<PaymentExecution> => {
    const instruction = parseInternationalInitiation(consent.request.Data.Initiation);
    const conversion = conversionAt(instruction, rateAtExecution(services.exchange, consent.clientId, terms.quote, now));
    const debit = debitInstruction(instruction, conversion.debitMinor);
    const payee = await resolvePayee(services.accounts, instruction.creditor, instruction.currencyOfTransfer);
    const payment = { ...orderedPayment(consent, debit, payee, now), conversion };
    const transfers = payee.route === 'refused' ? [] : internationalTransfers(payment, conversion, debit, now);
    return consumingExecution(services, payment, transfers, payee, claim, now);
  });
}

/**
 * The partner's own international payment.
 * @throws ResourceNotFound for an unknown id (or a payment of another kind); ResourceForbidden for another partner's.
 */
export async function getInternationalPayment(
  services: Pick<PaymentServices, 'payments'>,
  clientId: string,
  paymentId: string,
): Promise<DomesticPayment> {
  const payment = await services.payments.findById(paymentId);
  if (!payment || payment.kind !== 'international') throw new ResourceNotFound(`InternationalPaymentId ${paymentId} does not exist`);
  if (payment.clientId !== clientId) throw new ResourceForbidden(`InternationalPaymentId ${paymentId} belongs to another partner`);
  return payment;
}
