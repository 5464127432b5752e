import type { LoginAttemptStore } from '../auth/password-login.js';
import type { AppEnvironment } from '../partners/partner-app.js';

/** A bank customer who can log in to authorise consents. */
export interface Customer {
  /** `cus_…`; also the OpenID `sub` of the customer's tokens. */
  readonly id: string;
  /** Login name, unique, case-insensitive (stored lower-case). */
  readonly username: string;
  readonly displayName: string;
  /** Where the bank tells the customer what became of what they started (payments, connected apps); null: none. */
  readonly email: string | null;
  readonly passwordHash: string;
  readonly failedLoginCount: number;
  readonly lockedUntil: Date | null;
  /** `sandbox` for the demo bank's customers: only they can be connected by sandbox apps. */
  readonly environment: AppEnvironment;
}

/** Persistence of customers and their login attempts. */
export interface CustomerStore extends LoginAttemptStore {
  findByUsername(username: string): Promise<Customer | null>;
  findById(id: string): Promise<Customer | null>;
}
