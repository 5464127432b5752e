import { InvalidConsentStatus } from '../errors.js';
import { ConsentStatus } from './consent-status.js';

/** The one status change every kind of consent store makes alike: compare-and-set from one of `from` to `to`. */
export interface ConsentTransitions {
  transition(
    consentId: string,
    from: readonly ConsentStatus[],
    to: ConsentStatus,
    at: Date,
    reason?: { code: string; description: string },
  ): Promise<boolean>;
}

/**
 * Records the customer's refusal of a consent of any kind (or one this customer cannot give): `AWAU → RJCT` with
 * `reason`.
 * @throws InvalidConsentStatus when it is no longer awaiting authorisation.
 */
export async function rejectAwaitingConsent(
  store: ConsentTransitions,
  consentId: string,
  reason: { code: string; description: string },
  now: Date,
): Promise<void> {
  if (!(await store.transition(consentId, [ConsentStatus.AwaitingAuthorisation], ConsentStatus.Rejected, now, reason))) {
    throw new InvalidConsentStatus(`ConsentId ${consentId} is no longer awaiting authorisation`);
  }
}
