/** A bank customer who can log in to authorise consents. */
export interface Customer {
  /** `cus_…`; also the OpenID `sub` of the customer's tokens. */
  readonly id: string;
  /** Login name, unique, case-insensitive (stored lower-case). */
  readonly username: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly failedLoginCount: number;
  readonly lockedUntil: Date | null;
}

/** Persistence of customers and their login attempts. */
export interface CustomerStore {
  findByUsername(username: string): Promise<Customer | null>;
  findById(id: string): Promise<Customer | null>;
  /** Records a failed attempt; locks the customer until `lockUntil` when given. */
  recordFailedLogin(customerId: string, lockUntil: Date | null): Promise<void>;
  recordSuccessfulLogin(customerId: string): Promise<void>;
}
