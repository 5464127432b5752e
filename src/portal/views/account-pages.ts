import type { OutboundMail } from '../../domain/mail/outbound-mail.js';
import { formatCustomerDateTime } from '../../web/formats.js';
import { html, type SafeHtml } from '../../web/html.js';
import { BANK_NAME, renderLayout } from '../../web/layout.js';
import type { PermissionText } from '../../web/permission-text.js';
import { notice, postButton } from '../../web/form-fields.js';
import { renderLoginForm } from '../../web/login-form.js';

/** The customer's log-in form for their connected apps. */
export function renderAccountLoginPage(model: { csrf: string; username?: string; error?: string; notice?: string }): string {
  const body = html`<h1>Your connected apps</h1>
<p class="lead">Log in to see every app you have given access to your accounts, and to stop any of them.</p>
${notice(model.notice)}
${renderLoginForm({ action: '/account/login', csrf: model.csrf, field: 'username', value: model.username, error: model.error })}
<p class="note note--secure">${BANK_NAME} never asks for your password in an email or a text message.</p>`;
  return renderLayout({ title: 'Log in', body, section: 'Connected apps' });
}

/** One account-access connection still in force, as the customer reads it. */
export interface ActiveConnectionView {
  readonly consentId: string;
  readonly appName: string;
  readonly partnerName: string;
  readonly permissions: readonly PermissionText[];
  readonly accounts: ReadonlyArray<{ readonly id: string; readonly label: string }>;
  readonly grantedOn: string;
  /** Null: until the customer revokes it. */
  readonly expiresOn: string | null;
  readonly lastUsed: string | null;
}

/** A connection that has ended, or a payment the customer approved. */
export interface EndedConnectionView {
  readonly appName: string;
  readonly what: string;
  readonly outcome: string;
  readonly grantedOn: string;
}

/** The connected apps page. */
export function renderConnectionsPage(model: {
  customerName: string;
  csrf: string;
  /** Whether to offer the sandbox mailbox. */
  sandbox: boolean;
  active: readonly ActiveConnectionView[];
  ended: readonly EndedConnectionView[];
  notice?: string;
  error?: string;
}): string {
  const { csrf } = model;
  const nav = customerNav(model.customerName, csrf, model.sandbox);
  const body = html`<h1>Your connected apps</h1>
${notice(model.notice)}
${model.error && html`<div class="alert" role="alert"><p>${model.error}</p></div>`}
<section class="section" aria-labelledby="active-heading">
<h2 id="active-heading">Apps that can see your accounts</h2>
${
  model.active.length === 0
    ? html`<p>No app can see your accounts.</p>`
    : model.active.map(
        (connection, index) => html`<article class="connection" aria-labelledby="connection-${index}">
<h3 id="connection-${index}">${connection.appName}${connection.partnerName && connection.partnerName !== connection.appName && html` <span class="note">by ${connection.partnerName}</span>`}</h3>
<p>Access given on ${connection.grantedOn}. ${connection.expiresOn ? html`It ends on ${connection.expiresOn}.` : html`It lasts until you revoke it.`} ${connection.lastUsed ? html`Last used ${connection.lastUsed}.` : html`Not used yet.`}</p>
<p><strong>${connection.appName} can see:</strong></p>
<ul class="permissions">${connection.permissions.map(
          (permission) =>
            html`<li class="permissions__item"><strong class="permissions__title">${permission.title}</strong><span class="permissions__description">${permission.description}</span></li>`,
        )}</ul>
<p><strong>Of these accounts:</strong></p>
<ul class="connection__accounts">${connection.accounts.map(
          (account) =>
            html`<li><span>${account.label}</span>${
              connection.accounts.length > 1
                ? postButton({
                    action: `/account/connections/${connection.consentId}/remove-account`,
                    csrf,
                    label: 'Stop sharing',
                    fields: { accountId: account.id },
                    accessibleLabel: `Stop sharing ${account.label} with ${connection.appName}`,
                  })
                : html`<span class="note">the only account shared</span>`
            }</li>`,
        )}</ul>
${postButton({ action: `/account/connections/${connection.consentId}/revoke`, csrf, label: `Revoke access for ${connection.appName}`, variant: 'danger' })}
</article>`,
      )
}
</section>
<section class="section" aria-labelledby="ended-heading">
<h2 id="ended-heading">History</h2>
${
  model.ended.length === 0
    ? html`<p>Nothing yet.</p>`
    : html`<div class="table-wrap"><table class="table">
<caption>Access you gave before, and payments you approved</caption>
<thead><tr><th scope="col">App</th><th scope="col">What</th><th scope="col">Given on</th><th scope="col">Now</th></tr></thead>
<tbody>${model.ended.map((connection) => html`<tr><td>${connection.appName}</td><td>${connection.what}</td><td>${connection.grantedOn}</td><td>${connection.outcome}</td></tr>`)}</tbody>
</table></div>`
}
</section>`;
  return renderLayout({ title: 'Your connected apps', body, nav, width: 'wide', section: 'Connected apps' });
}

/** The header of a logged-in customer's pages: their name, the mailbox in the sandbox, and "Log out". */
function customerNav(customerName: string, csrf: string, sandbox: boolean): SafeHtml {
  return html`<a href="/account">Connected apps</a>${sandbox && html`<a href="/account/mailbox">Sandbox mailbox</a>`}<span class="site-nav__who">${customerName}</span>${postButton({ action: '/account/logout', csrf, label: 'Log out', variant: 'link' })}`;
}

/** The customers' sandbox mailbox: the mail the bank sent to the logged-in customer's address, newest first. */
export function renderCustomerMailboxPage(model: {
  customerName: string;
  email: string | null;
  csrf: string;
  mail: readonly OutboundMail[];
}): string {
  const body = html`<h1>Sandbox mailbox</h1>
<p class="lead">${
    model.email
      ? html`In the sandbox no email leaves the bank: what we send to <strong>${model.email}</strong> appears here.`
      : 'We have no email address for you, so we send you no mail.'
  }</p>
${
  model.mail.length === 0
    ? html`<p>No mail yet.</p>`
    : model.mail.map(
        (mail) => html`<article class="connection" aria-labelledby="mail-${mail.id}">
<h2 id="mail-${mail.id}">${mail.subject}</h2>
<p class="note">To ${mail.recipient} · ${formatCustomerDateTime(mail.createdAt)}</p>
<p>${mail.text.split('\n').map((line, index) => html`${index > 0 && html`<br>`}${line}`)}</p>
</article>`,
      )
}`;
  return renderLayout({
    title: 'Sandbox mailbox',
    body,
    nav: customerNav(model.customerName, model.csrf, true),
    width: 'wide',
    section: 'Connected apps',
  });
}
