import { html } from './html.js';
import { BANK_NAME, renderLayout } from './layout.js';

export interface LoginPageModel {
  /** Where the form posts to. */
  formAction: string;
  /** Anti-forgery token, sent back in the hidden `csrf` field. */
  csrfToken: string;
  /** The partner's display name, as registered. Untrusted: always escaped. */
  partnerName: string;
  /** Pre-fills the username after a failed attempt. */
  username?: string;
  /** Shown above the form with `role="alert"`. */
  error?: string;
}

/** The page where a customer sent by a partner logs in to the bank. */
export function renderLoginPage(model: LoginPageModel): string {
  const { formAction, csrfToken, partnerName, username, error } = model;
  const body = html`<h1>Log in to ${BANK_NAME}</h1>
<p class="lead"><strong>${partnerName}</strong> wants to connect to your accounts. Log in to continue.</p>
${error && html`<div class="alert" role="alert" id="login-error"><p>${error}</p></div>`}
<form class="form" method="post" action="${formAction}">
<input type="hidden" name="csrf" value="${csrfToken}">
<div class="field">
<label class="field__label" for="username">Username</label>
<input class="field__input" type="text" id="username" name="username" value="${username ?? ''}" autocomplete="username" autocapitalize="none" spellcheck="false" required${error ? html` aria-describedby="login-error"` : ''}>
</div>
<div class="field">
<label class="field__label" for="password">Password</label>
<input class="field__input" type="password" id="password" name="password" autocomplete="current-password" required>
</div>
<div class="actions">
<button class="button button--primary" type="submit">Log in</button>
</div>
</form>
<p class="note note--secure">${BANK_NAME} never shares your password with ${partnerName}.</p>`;
  return renderLayout({ title: 'Log in', body });
}
