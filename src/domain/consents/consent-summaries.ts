import { ConsentStatus } from './consent-status.js';

/**
 * A consent as the partner's developers see it in the portal: what it is and where it stands, nothing about the
 * customer who granted it.
 */
export interface ConsentSummary {
  readonly consentId: string;
  readonly kind: 'account-access' | 'domestic-payment' | 'domestic-vrp' | 'funds-confirmation';
  readonly status: ConsentStatus;
  readonly createdAt: Date;
  /** Account access, VRP and funds confirmation consents: when it ends by itself (null: open-ended). Payments: null. */
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
}

/** The read model behind an app's consents in the portal. */
export interface ConsentSummaryStore {
  /** The app's newest consents, newest first. */
  listByClient(clientId: string, limit: number): Promise<ConsentSummary[]>;
}

/** The app's newest consents at `now`: an `AUTH` consent whose expiry has passed shows as `EXPD`. */
export async function listConsentsOfApp(store: ConsentSummaryStore, clientId: string, now: Date, limit = 100): Promise<ConsentSummary[]> {
  return (await store.listByClient(clientId, limit)).map((consent) =>
    consent.status === ConsentStatus.Authorised && consent.expiresAt && consent.expiresAt <= now
      ? { ...consent, status: ConsentStatus.Expired }
      : consent,
  );
}
