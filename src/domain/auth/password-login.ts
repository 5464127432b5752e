import { verifyPassword } from './password-hash.js';

/** Someone who logs in with a password: a bank customer or a partner's portal user. */
export interface PasswordHolder {
  readonly id: string;
  readonly passwordHash: string;
  readonly lockedUntil: Date | null;
}

/** The login bookkeeping a store keeps for password holders. Every method is one atomic write. */
export interface LoginAttemptStore {
  /**
   * Atomically counts a login attempt, if the holder is not locked at `now` and has fewer than `maxAttempts`
   * counted: concurrent attempts cannot exceed the limit.
   * @returns false when the attempt may not be made (locked, or the attempts are used up).
   */
  reserveLoginAttempt(id: string, now: Date, maxAttempts: number): Promise<boolean>;
  /**
   * Locks the holder until `lockUntil` if `maxAttempts` attempts are counted, starting a fresh count.
   * @returns whether the holder was locked.
   */
  lockIfAttemptsExhausted(id: string, maxAttempts: number, lockUntil: Date): Promise<boolean>;
  /** Clears the count of attempts and any lock. */
  recordSuccessfulLogin(id: string): Promise<void>;
}

/**
 * Outcome of a login attempt. Callers must show the same message for every `invalid-credentials` result, so an
 * unknown login name cannot be told apart from a wrong password. `lockedUntil` is set when the holder is (or has
 * just become) locked.
 */
export type LoginResult<T> = { ok: true; holder: T } | { ok: false; reason: 'invalid-credentials' | 'locked'; lockedUntil?: Date };

/** How many consecutive failures lock a login, and for how long. */
export interface LockoutPolicy {
  readonly maxFailures: number;
  readonly lockoutMs: number;
}

/** Default lockout: five consecutive failures lock the login for fifteen minutes. */
export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = { maxFailures: 5, lockoutMs: 15 * 60_000 };

/**
 * A valid scrypt hash (same cost as real ones) of a random password nobody knows, verified when the login name
 * is unknown so that such attempts take as long as a wrong password.
 */
const DUMMY_HASH = 'scrypt$32768$8$1$vUfDc5Z56X7R89IIdaw6Dw$E-_eth-4iiRcC_X0MH6Yl4SR1GyZRwR5yr8LdTE7H8v7SmSGy26odP_5OQnZf7FyckFvO0qr9wXxhcEct-Czpw';

/**
 * Checks a password with lockout. Every attempt is counted before the password is checked, atomically, so
 * parallel guesses cannot exceed `policy.maxFailures`; a locked holder (or one whose attempts are all in flight)
 * is refused without checking the password; the failure that uses up the attempts locks the holder for
 * `policy.lockoutMs` from `now`; a success resets.
 * @param holder the one the login name designates, or null when it designates nobody.
 */
export async function checkPasswordLogin<T extends PasswordHolder>(
  store: LoginAttemptStore,
  holder: T | null,
  password: string,
  now: Date,
  policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY,
): Promise<LoginResult<T>> {
  if (!holder) {
    await verifyPassword(password, DUMMY_HASH);
    return { ok: false, reason: 'invalid-credentials' };
  }
  if (holder.lockedUntil && holder.lockedUntil.getTime() > now.getTime()) return { ok: false, reason: 'locked', lockedUntil: holder.lockedUntil };
  if (!(await store.reserveLoginAttempt(holder.id, now, policy.maxFailures))) return { ok: false, reason: 'locked' };
  if (!(await verifyPassword(password, holder.passwordHash))) {
    const lockUntil = new Date(now.getTime() + policy.lockoutMs);
    const locked = await store.lockIfAttemptsExhausted(holder.id, policy.maxFailures, lockUntil);
    return locked ? { ok: false, reason: 'invalid-credentials', lockedUntil: lockUntil } : { ok: false, reason: 'invalid-credentials' };
  }
  await store.recordSuccessfulLogin(holder.id);
  return { ok: true, holder };
}
