import { html } from '../../web/html.js';
import { BANK_NAME, renderLayout } from '../../web/layout.js';
import { renderLoginForm } from '../../web/login-form.js';

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
${renderLoginForm({ action: formAction, csrf: csrfToken, field: 'username', value: username, error })}
<p class="note note--secure">${BANK_NAME} never shares your password with ${partnerName}.</p>`;
  return renderLayout({ title: 'Log in', body });
}
