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
  /**
   * Atomically counts a login attempt, if the customer is not locked at `now` and has fewer than
   * `maxAttempts` counted: concurrent attempts cannot exceed the limit.
   * @returns false when the attempt may not be made (locked, or the attempts are used up).
   */
  reserveLoginAttempt(customerId: string, now: Date, maxAttempts: number): Promise<boolean>;
  /**
   * Locks the customer until `lockUntil` if `maxAttempts` attempts are counted, starting a fresh count.
   * @returns whether the customer was locked.
   */
  lockIfAttemptsExhausted(customerId: string, maxAttempts: number, lockUntil: Date): Promise<boolean>;
  /** Clears the count of attempts and any lock. */
  recordSuccessfulLogin(customerId: string): Promise<void>;
}
