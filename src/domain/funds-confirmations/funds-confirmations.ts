import { ConsentStatus } from '../consents/consent-status.js';
import { InvalidConsentStatus, InvalidField } from '../errors.js';
import { newId } from '../ids.js';
import { fundsAllow } from '../ledger/funds.js';
import { parseAmount } from '../money.js';
import { ConsentMismatch } from '../payments/consent-match.js';
import type { FundsReader } from '../payments/payment-consents.js';
import type { FundsConfirmationConsent, FundsConfirmationConsentStore } from './funds-confirmation-consent.js';
import { currentFundsConfirmationConsent } from './funds-confirmation-consents.js';
import type { FundsConfirmationHistory } from './funds-confirmation-history.js';

/** `OBFundsConfirmation1`: the amount a card issuer asks about, under the consent its token is bound to. */
export interface FundsConfirmationRequest {
  readonly Data: {
    readonly ConsentId: string;
    readonly Reference: string;
    readonly InstructedAmount: { readonly Amount: string; readonly Currency: string };
  };
}

/** The answer to a funds confirmation: whether the account could pay the amount now. Nothing is reserved. */
export interface FundsConfirmation {
  /** `fcf_…`, the OBIE `FundsConfirmationId` (kept for the customer's history; the API has nothing to read back). */
  readonly id: string;
  readonly consentId: string;
  readonly createdAt: Date;
  readonly reference: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly available: boolean;
}

/** What a funds confirmation needs: the consents (to see one as it stands now), the ledger's funds, and the history it is kept in. */
export interface FundsConfirmationServices {
  readonly fundsConfirmationConsents: FundsConfirmationConsentStore;
  readonly funds: FundsReader;
  readonly fundsConfirmationHistory: FundsConfirmationHistory;
}

/**
 * `POST /funds-confirmations`: whether the consent's account could pay `InstructedAmount` right now, by the rule
 * payments are decided by ({@link fundsAllow}: booked balance, pending debits, overdraft). The answer is only yes or
 * no; the balance is never revealed and nothing is reserved or moved. The question and its answer are kept in the
 * history the customer sees.
 * @throws ConsentMismatch (U008) when `Data.ConsentId` is not the consent the token was issued for; InvalidConsentStatus
 *   (U009) unless the consent is `AUTH` (an expired one is `EXPD` from now on); InvalidField (U002) for an amount not in
 *   the account's currency (funds are confirmed in the currency of the account only), not above zero, or with more
 *   decimals than the currency has.
 */
export async function confirmFunds(
  services: FundsConfirmationServices,
  consent: FundsConfirmationConsent,
  request: FundsConfirmationRequest,
  now: Date,
): Promise<FundsConfirmation> {
  if (request.Data.ConsentId !== consent.id) {
    throw new ConsentMismatch(`ConsentId ${request.Data.ConsentId} is not the consent this access token was issued for`, 'Data.ConsentId');
  }
  const current = await currentFundsConfirmationConsent(services.fundsConfirmationConsents, consent, now);
  if (current.status !== ConsentStatus.Authorised || !current.account || !current.customerId) {
    throw new InvalidConsentStatus(`ConsentId ${consent.id} has status ${current.status}; funds can be confirmed only while it is AUTH`);
  }
  const { currency } = current.account;
  const instructed = request.Data.InstructedAmount;
  if (instructed.Currency !== currency) throw new InvalidField(`The account is in ${currency}`, 'Data.InstructedAmount.Currency');
  const amountMinor = parseAmount(instructed.Amount, currency, 'Data.InstructedAmount.Amount');
  if (amountMinor <= 0n) throw new InvalidField('The amount must be greater than zero', 'Data.InstructedAmount.Amount');
  const accountFunds = await services.funds.readFunds(current.account.id);
  const confirmation: FundsConfirmation = {
    id: newId('fcf'),
    consentId: current.id,
    createdAt: now,
    reference: request.Data.Reference,
    amountMinor,
    currency,
    available: accountFunds !== null && fundsAllow(accountFunds, -amountMinor),
  };
  await services.fundsConfirmationHistory.record({ ...confirmation, clientId: current.clientId, customerId: current.customerId });
  return confirmation;
}
