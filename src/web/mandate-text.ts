import { periodAnchor, VrpType } from '../domain/payments/vrp/control-parameters.js';
import { describeMandate } from '../domain/payments/vrp/mandate-description.js';
import type { VrpConsentRequest } from '../domain/payments/vrp/vrp-consent.js';
import { mandateOfRequest } from '../domain/payments/vrp/vrp-consents.js';
import { describePayeeAccount } from './payee-text.js';

/** A variable recurring payment mandate as a customer reads it, on the consent page and in their connected apps. */
export interface MandateText {
  /** Whether the payments only move money between the customer's own accounts (sweeping). */
  readonly sweeping: boolean;
  /** Who is paid: "Your own account" when sweeping, else the payee's name as the partner gave it. */
  readonly payeeName: string;
  /** E.g. "Sort code 99-03-01, account 31926827". */
  readonly payeeAccount: string;
  /** What the payee sees on each payment; null when the partner gave none. */
  readonly reference: string | null;
  /** The largest payment, each periodic limit and the validity, one line each (`describeMandate`). */
  readonly limits: readonly string[];
}

/** The words for a VRP consent's request (validated when it was created), created at `createdAt`. */
export function describeVrpMandate(request: VrpConsentRequest, createdAt: Date): MandateText {
  const { controlParameters, initiation } = mandateOfRequest(request);
  const sweeping = controlParameters.vrpTypes.every((type) => type === VrpType.Sweeping);
  return {
    sweeping,
    payeeName: sweeping ? 'Your own account' : initiation.creditor.name,
    payeeAccount: describePayeeAccount(initiation.creditor.schemeName, initiation.creditor.identification),
    reference: initiation.reference,
    limits: describeMandate(controlParameters, periodAnchor(controlParameters, createdAt)),
  };
}
