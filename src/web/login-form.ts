import { DEFAULT_LOCKOUT_POLICY, type LoginResult } from '../domain/auth/password-login.js';
import { authenticateCustomer } from '../domain/customers/authenticate-customer.js';
import type { Customer, CustomerStore } from '../domain/customers/customer.js';
import { csrfField } from './form-fields.js';
import { text } from './forms.js';
import { html, type SafeHtml } from './html.js';

/** What a log-in form sent: who (a username or an email) and the password, cut to lengths no account exceeds. */
export interface SubmittedLogin {
  readonly identifier: string;
  readonly password: string;
}

/** The outcome of a log-in form: the holder, or what to show above the form again. */
export type LoginFormResult<T> =
  | { readonly ok: true; readonly holder: T }
  | { readonly ok: false; readonly reason: 'invalid-credentials' | 'locked'; readonly identifier: string; readonly error: string };

const LOCKOUT_MINUTES = Math.round(DEFAULT_LOCKOUT_POLICY.lockoutMs / 60_000);

/** Reads a log-in form whose identifier field is `username` or `email`. */
export function submittedLogin(form: Readonly<Record<string, unknown>>, field: 'username' | 'email'): SubmittedLogin {
  return { identifier: text(form[field], 300), password: text(form.password, 1024) };
}

/**
 * Checks a log-in form with `check` (which applies the lockout) and words a refusal the same way on every page:
 * the wrong identifier and the wrong password are indistinguishable, a locked login says so.
 */
export async function checkLoginForm<T>(
  form: Readonly<Record<string, unknown>>,
  field: 'username' | 'email',
  check: (login: SubmittedLogin) => Promise<LoginResult<T>>,
): Promise<LoginFormResult<T>> {
  const login = submittedLogin(form, field);
  const result = await check(login);
  if (result.ok) return result;
  const error =
    result.reason === 'locked'
      ? `Too many failed attempts: this login is locked for ${LOCKOUT_MINUTES} minutes. Try again later.`
      : `The ${field} or password is not right. Check them and try again.`;
  return { ok: false, reason: result.reason, identifier: login.identifier, error };
}

/** A customer's log-in form (the consent pages and the connected apps), checked against the bank's customers. */
export function checkCustomerLoginForm(
  customers: CustomerStore,
  form: Readonly<Record<string, unknown>>,
  now: Date,
): Promise<LoginFormResult<Customer>> {
  return checkLoginForm(form, 'username', async ({ identifier, password }) => {
    const result = await authenticateCustomer(customers, identifier, password, now);
    return result.ok ? { ok: true, holder: result.customer } : result;
  });
}

/**
 * The log-in form every page shows (customers by username, partners by email): a refusal announced above it and tied
 * to the first field, the identifier kept after a refusal, the password never.
 */
export function renderLoginForm(model: { action: string; csrf: string; field: 'username' | 'email'; value?: string; error?: string }): SafeHtml {
  const { action, csrf, field, value, error } = model;
  const email = field === 'email';
  return html`${error && html`<div class="alert" role="alert" id="login-error"><p>${error}</p></div>`}
<form class="form" method="post" action="${action}">
${csrfField(csrf)}
<div class="field">
<label class="field__label" for="${field}">${email ? 'Email' : 'Username'}</label>
<input class="field__input" type="${email ? 'email' : 'text'}" id="${field}" name="${field}" value="${value ?? ''}" autocomplete="username" autocapitalize="none" spellcheck="false" required${error ? html` aria-describedby="login-error"` : ''}>
</div>
<div class="field">
<label class="field__label" for="password">Password</label>
<input class="field__input" type="password" id="password" name="password" autocomplete="current-password" required>
</div>
<div class="actions">
<button class="button button--primary" type="submit">Log in</button>
</div>
</form>`;
}
