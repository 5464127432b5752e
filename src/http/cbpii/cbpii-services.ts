import type { GrantRevoker } from '../../domain/consents/account-access-consent.js';
import type { FundsConfirmationServices } from '../../domain/funds-confirmations/funds-confirmations.js';

/** What the funds confirmation (CBPII) endpoints call: the consents, the ledger's funds, the grants and the issuer. */
export interface CbpiiServices extends FundsConfirmationServices {
  readonly issuer: string;
  /** Ends the grant of a deleted consent, so its tokens stop working. */
  readonly grants: GrantRevoker;
}
