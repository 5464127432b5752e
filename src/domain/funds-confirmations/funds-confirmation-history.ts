import type { FundsConfirmation } from './funds-confirmations.js';

/** A funds confirmation as the bank keeps it: the answer, with the card issuer that asked and the customer it was about. */
export interface RecordedFundsConfirmation extends FundsConfirmation {
  readonly clientId: string;
  readonly customerId: string;
}

/**
 * Every funds confirmation a card issuer asked and the answer it got, implemented by persistence: the customer may see
 * them all (Open Banking Customer Experience Guidelines: the confirmation of funds access history of each CBPII).
 */
export interface FundsConfirmationHistory {
  record(confirmation: RecordedFundsConfirmation): Promise<void>;
  /** The consent's confirmations, newest first, at most `limit`, and how many there are in all. */
  listByConsent(consentId: string, limit: number): Promise<{ readonly recent: FundsConfirmation[]; readonly total: number }>;
}
