import { html, type SafeHtml } from '../../web/html.js';
import type { OutboundMail } from '../../domain/mail/outbound-mail.js';
import { csrfField, errorSummary, notice, textField, type FieldErrors } from '../../web/form-fields.js';
import { formatDateTime } from '../../web/formats.js';
import { renderLoginForm } from '../../web/login-form.js';
import { renderPortalPage, type PortalViewer } from './portal-layout.js';

/** The sign-up form. */
export function renderSignUpPage(model: { csrf: string; values?: { organisationName?: string; email?: string }; errors?: FieldErrors }): string {
  const { csrf, values = {}, errors } = model;
  const body = html`<h1>Create a partner account</h1>
<p class="lead">Register your organisation to build apps on the bank's Open Banking API. You start in the sandbox, with test customers and test money.</p>
${errorSummary(errors)}
<form class="form" method="post" action="/portal/signup" novalidate>
${csrfField(csrf)}
${textField({ name: 'organisationName', label: 'Organisation name', value: values.organisationName, autocomplete: 'organization', required: true, errors })}
${textField({ name: 'email', label: 'Contact email', type: 'email', value: values.email, autocomplete: 'email', hint: 'We send a link to confirm it.', required: true, errors })}
${textField({ name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: 'At least 12 characters.', required: true, errors })}
<div class="actions"><button class="button button--primary" type="submit">Create account</button></div>
</form>
<p class="note">Already registered? <a href="/portal/login">Log in</a>.</p>`;
  return renderPortalPage({ title: 'Create a partner account', body, width: 'narrow' });
}

/** The log-in form. */
export function renderPortalLoginPage(model: { csrf: string; email?: string; error?: string; notice?: string }): string {
  const { csrf, email, error } = model;
  const body = html`<h1>Log in to the partner portal</h1>
${notice(model.notice)}
${renderLoginForm({ action: '/portal/login', csrf, field: 'email', value: email, error })}
<p class="note">New here? <a href="/portal/signup">Create a partner account</a>.</p>`;
  return renderPortalPage({ title: 'Log in', body, width: 'narrow' });
}

/** The page an email confirmation link opens: one button confirms (so a mail scanner fetching the link confirms nothing). */
export function renderConfirmEmailPage(model: { csrf: string; token: string }): string {
  const body = html`<h1>Confirm your email address</h1>
<p class="lead">Confirm that this address belongs to you to start creating apps.</p>
<form class="form" method="post" action="/portal/confirm-email">
${csrfField(model.csrf)}
<input type="hidden" name="token" value="${model.token}">
<div class="actions"><button class="button button--primary" type="submit">Confirm my email address</button></div>
</form>`;
  return renderPortalPage({ title: 'Confirm your email address', body, width: 'narrow' });
}

/** The outcome of a confirmation, or any other one-message page of the portal. */
export function renderPortalMessagePage(model: {
  title: string;
  message: string;
  link?: { href: string; label: string };
  viewer?: PortalViewer | null;
}): string {
  const body = html`<h1>${model.title}</h1>
<p class="lead">${model.message}</p>
${model.link && html`<p><a href="${model.link.href}">${model.link.label}</a></p>`}`;
  return renderPortalPage({ title: model.title, body, viewer: model.viewer, width: 'narrow' });
}

/**
 * The sandbox mailbox: the mail sent to the signed-in partner's address (no mail leaves a sandbox machine). Links
 * in the text are made clickable.
 */
export function renderMailboxPage(model: { viewer: PortalViewer; mail: readonly OutboundMail[] }): string {
  const body = html`<h1>Sandbox mailbox</h1>
<p class="lead">In the sandbox no email leaves the bank: what would be sent to <strong>${model.viewer.email}</strong> appears here.</p>
${
  model.mail.length === 0
    ? html`<p>No mail yet.</p>`
    : model.mail.map(
        (mail) => html`<article class="connection" aria-labelledby="mail-${mail.id}">
<h2 id="mail-${mail.id}">${mail.subject}</h2>
<p class="note">To ${mail.recipient} · ${formatDateTime(mail.createdAt)}</p>
<p class="mono">${linkify(mail.text)}</p>
</article>`,
      )
}`;
  return renderPortalPage({ title: 'Sandbox mailbox', body, viewer: model.viewer });
}

const URL_IN_TEXT = /(https?:\/\/[^\s<>"']+)/g;

/** Text with its URLs as links and its line breaks kept; everything else escaped. */
function linkify(text: string): SafeHtml[] {
  return text
    .split('\n')
    .map(
      (line, index) =>
        html`${index > 0 && html`<br>`}${line.split(URL_IN_TEXT).map((part, partIndex) => (partIndex % 2 === 1 ? html`<a href="${part}">${part}</a>` : part))}`,
    );
}
