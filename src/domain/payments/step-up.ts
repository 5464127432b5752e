import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RiskPolicy } from './risk-policy.js';

/**
 * Whether the customer must confirm this payment with a one-time code (strong customer authentication): from
 * the policy's amount up, or for a payee this customer has never paid.
 */
export function needsStepUp(policy: RiskPolicy, amountMinor: bigint, paidPayeeBefore: boolean): boolean {
  return amountMinor >= policy.stepUpFromMinor || !paidPayeeBefore;
}

/** What a one-time code is bound to: this authorisation, the amount and the payee shown, the account paid from. */
export interface StepUpChallenge {
  readonly interactionId: string;
  readonly consentId: string;
  readonly debtorAccountId: string;
  readonly amount: string;
  readonly currency: string;
  readonly payee: string;
}

/**
 * The 6-digit code for a challenge: an HMAC of everything it is bound to, so a code for one amount, payee or
 * account is worthless for another (dynamic linking, PSD2 RTS Art. 5). In the sandbox it is shown on a notice
 * on the page; a live bank sends it to the customer's registered device.
 */
export function oneTimeCode(secret: Uint8Array, challenge: StepUpChallenge): string {
  const digest = createHmac('sha256', secret)
    .update(
      JSON.stringify([
        challenge.interactionId,
        challenge.consentId,
        challenge.debtorAccountId,
        challenge.amount,
        challenge.currency,
        challenge.payee,
      ]),
    )
    .digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/** Whether `submitted` is the code of this challenge (constant-time). */
export function verifyOneTimeCode(secret: Uint8Array, challenge: StepUpChallenge, submitted: string): boolean {
  const expected = Buffer.from(oneTimeCode(secret, challenge));
  const given = Buffer.from(submitted.replace(/\s+/g, ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
