import type { Customer, CustomerStore } from './customer.js';
import { verifyPassword } from './password-hash.js';

/**
 * Outcome of a login attempt. Callers must show the same message for every `invalid-credentials` result, so
 * an unknown username cannot be told apart from a wrong password. `lockedUntil` is set when the customer is
 * (or has just become) locked.
 */
export type AuthenticationResult =
  | { ok: true; customer: Customer }
  | { ok: false; reason: 'invalid-credentials' | 'locked'; lockedUntil?: Date };

/** How many consecutive failures lock a customer, and for how long. */
export interface LockoutPolicy {
  readonly maxFailures: number;
  readonly lockoutMs: number;
}

/** Default lockout: five consecutive failures lock the customer for fifteen minutes. */
export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = { maxFailures: 5, lockoutMs: 15 * 60_000 };

/**
 * A valid scrypt hash (same cost as real ones) of a random password nobody knows, verified when the username
 * is unknown so that such attempts take as long as a wrong password.
 */
const DUMMY_HASH =
  'scrypt$32768$8$1$vUfDc5Z56X7R89IIdaw6Dw$E-_eth-4iiRcC_X0MH6Yl4SR1GyZRwR5yr8LdTE7H8v7SmSGy26odP_5OQnZf7FyckFvO0qr9wXxhcEct-Czpw';

/**
 * Checks a customer's username (case-insensitive, surrounding spaces ignored) and password. Every attempt is
 * counted before the password is checked, atomically, so parallel guesses cannot exceed `policy.maxFailures`;
 * a locked customer (or one whose attempts are all in flight) is refused without checking the password; the
 * failure that uses up the attempts locks the customer for `policy.lockoutMs` from `now`; a success resets.
 */
export async function authenticateCustomer(
  store: CustomerStore,
  username: string,
  password: string,
  now: Date,
  policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY,
): Promise<AuthenticationResult> {
  const customer = await store.findByUsername(username.trim().toLowerCase());
  if (!customer) {
    await verifyPassword(password, DUMMY_HASH);
    return { ok: false, reason: 'invalid-credentials' };
  }
  if (customer.lockedUntil && customer.lockedUntil.getTime() > now.getTime()) {
    return { ok: false, reason: 'locked', lockedUntil: customer.lockedUntil };
  }
  if (!(await store.reserveLoginAttempt(customer.id, now, policy.maxFailures))) return { ok: false, reason: 'locked' };
  if (!(await verifyPassword(password, customer.passwordHash))) {
    const lockUntil = new Date(now.getTime() + policy.lockoutMs);
    const locked = await store.lockIfAttemptsExhausted(customer.id, policy.maxFailures, lockUntil);
    return locked ? { ok: false, reason: 'invalid-credentials', lockedUntil: lockUntil } : { ok: false, reason: 'invalid-credentials' };
  }
  await store.recordSuccessfulLogin(customer.id);
  return { ok: true, customer };
}
