import { checkPasswordLogin, DEFAULT_LOCKOUT_POLICY, type LockoutPolicy, type LoginResult } from '../auth/password-login.js';
import type { Customer, CustomerStore } from './customer.js';

/** Outcome of a customer's login attempt (see {@link LoginResult}). */
export type AuthenticationResult = { ok: true; customer: Customer } | Exclude<LoginResult<Customer>, { ok: true }>;

/**
 * Checks a customer's username (case-insensitive, surrounding spaces ignored) and password, with the lockout of
 * {@link checkPasswordLogin}.
 */
export async function authenticateCustomer(
  store: CustomerStore,
  username: string,
  password: string,
  now: Date,
  policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY,
): Promise<AuthenticationResult> {
  const customer = await store.findByUsername(username.trim().toLowerCase());
  const result = await checkPasswordLogin(store, customer, password, now, policy);
  return result.ok ? { ok: true, customer: result.holder } : result;
}
