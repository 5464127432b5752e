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

/** A VRP mandate still in force, as the customer reads it. */
export interface ActiveMandateView {
  readonly consentId: string;
  readonly appName: string;
  readonly partnerName: string;
  readonly sweeping: boolean;
  /** "Your own account" when sweeping, else the payee's name. */
  readonly payeeName: string;
  readonly payeeAccount: string;
  readonly reference: string | null;
  /** The largest payment, each periodic limit and the validity, in plain words. */
  readonly limits: readonly string[];
  /** The account the payments are made from. */
  readonly fromAccounts: readonly string[];
  readonly grantedOn: string;
  readonly lastUsed: string | null;
  /** What was paid under the mandate: each limit's current period, and the latest payments. */
  readonly usage: MandateUsageView;
}

/**
 * The payments made under a VRP mandate and what is left of each limit in the current period, in plain words (from
 * `mandateUse` of the VRP domain).
 */
export interface MandateUsageView {
  /** One line per periodic limit, e.g. `£40.00 of £100.00 used this week; £60.00 left until 11 June 2026`. */
  readonly periods: readonly string[];
  /** The payments made, newest first. */
  readonly payments: ReadonlyArray<{ readonly date: string; readonly amount: string; readonly outcome: string }>;
}

/** An app's funds checks (confirmation of funds) still in force, as the customer reads them. */
export interface ActiveFundsCheckView {
  readonly consentId: string;
  readonly appName: string;
  readonly partnerName: string;
  /** The account checked. */
  readonly accounts: readonly string[];
  readonly grantedOn: string;
  /** Null: until the customer stops them. */
  readonly expiresOn: string | null;
  readonly lastUsed: string | null;
  /** The checks the app made and what it was told, newest first, and how many it made in all. */
  readonly checks: FundsChecksView;
}

/** An app's funds checks as the customer reads them: when, how much, and the answer the app got. */
export interface FundsChecksView {
  readonly recent: ReadonlyArray<{ readonly date: string; readonly amount: string; readonly answer: string; readonly reference: string }>;
  readonly total: number;
}

/** A connection that has ended, or a payment the customer approved. */
export interface EndedConnectionView {
  readonly appName: string;
  readonly what: string;
  readonly outcome: string;
  readonly grantedOn: string;
}

/** A payment still to be made on its date, with what it is, to whom, when and how often. */
export interface UpcomingPaymentView {
  readonly paymentId: string;
  /** "Scheduled payment" or "Standing order". */
  readonly kind: string;
  /** Whether cancelling ends a whole standing order rather than one payment. */
  readonly standingOrder: boolean;
  readonly appName: string;
  readonly amount: string;
  /** The payee's name as the app gave it (empty when it gave none). */
  readonly payeeName: string;
  /** The payee's sort code and account number, or IBAN. */
  readonly payeeAccount: string;
  /** When it (a standing order: its next payment) is made. */
  readonly dueOn: string;
  /** "Once", or how a standing order repeats and ends: `Every day, payment 1 of 3`. */
  readonly howOften: string;
  /** What cancelling does, in words: one payment, or the whole standing order. */
  readonly cancelLabel: string;
}

/** The connected apps page. */
export function renderConnectionsPage(model: {
  customerName: string;
  csrf: string;
  /** Whether to offer the sandbox mailbox. */
  sandbox: boolean;
  upcoming: readonly UpcomingPaymentView[];
  active: readonly ActiveConnectionView[];
  mandates: readonly ActiveMandateView[];
  fundsChecks: readonly ActiveFundsCheckView[];
  ended: readonly EndedConnectionView[];
  notice?: string;
  error?: string;
}): string {
  const { csrf } = model;
  const nav = customerNav(model.customerName, csrf, model.sandbox);
  const body = html`<h1>Your connected apps</h1>
${notice(model.notice)}
${model.error && html`<div class="alert" role="alert"><p>${model.error}</p></div>`}
<section class="section" aria-labelledby="upcoming-heading">
<h2 id="upcoming-heading">Payments to come</h2>
${
  model.upcoming.length === 0
    ? html`<p>No app has set up a payment to be made later.</p>`
    : html`<div class="table-wrap"><table class="table">
<caption>Scheduled payments and standing orders, soonest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">How often</th><th scope="col">Amount</th><th scope="col">To</th><th scope="col">Set up by</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${model.upcoming.map(
        (payment) =>
          html`<tr><td>${payment.dueOn}</td><td>${payment.kind}</td><td>${payment.howOften}</td><td>${payment.amount}</td><td>${payeeLines(payment)}</td><td>${payment.appName}</td><td><a class="button button--danger button--small" href="/account/payments/${payment.paymentId}/cancel" aria-label="${payment.cancelLabel}: ${payment.amount} to ${payment.payeeName || payment.payeeAccount} on ${payment.dueOn}">${payment.cancelLabel}</a></td></tr>`,
      )}</tbody>
</table></div>`
}
</section>
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
<section class="section" aria-labelledby="mandates-heading">
<h2 id="mandates-heading">Apps that can make payments from your accounts</h2>
${
  model.mandates.length === 0
    ? html`<p>No app can make payments from your accounts without asking you.</p>`
    : model.mandates.map(
        (mandate, index) => html`<article class="connection" aria-labelledby="mandate-${index}">
<h3 id="mandate-${index}">${mandate.appName}${mandate.partnerName && mandate.partnerName !== mandate.appName && html` <span class="note">by ${mandate.partnerName}</span>`}</h3>
<p>Agreed on ${mandate.grantedOn}. ${mandate.appName} makes these payments without asking you each time. ${mandate.lastUsed ? html`Last used ${mandate.lastUsed}.` : html`Not used yet.`}</p>
<dl class="summary">
<div class="summary__row"><dt>Paid to</dt><dd>${mandate.payeeName}<br>${mandate.payeeAccount}</dd></div>
${mandate.reference !== null && html`<div class="summary__row"><dt>Reference</dt><dd>${mandate.reference}</dd></div>`}
<div class="summary__row"><dt>Paid from</dt><dd>${mandate.fromAccounts.join(', ')}</dd></div>
<div class="summary__row"><dt>Limits</dt><dd><ul class="mandate-limits">${mandate.limits.map((line) => html`<li>${line}</li>`)}</ul></dd></div>
</dl>
${renderMandateUsage(mandate.usage, index)}
${postButton({ action: `/account/mandates/${mandate.consentId}/cancel`, csrf, label: `Cancel payments by ${mandate.appName}`, variant: 'danger' })}
</article>`,
      )
}
</section>
<section class="section" aria-labelledby="funds-checks-heading">
<h2 id="funds-checks-heading">Apps that can check your account has enough money</h2>
${
  model.fundsChecks.length === 0
    ? html`<p>No app can check whether your accounts have enough money for a payment.</p>`
    : model.fundsChecks.map(
        (check, index) => html`<article class="connection" aria-labelledby="funds-check-${index}">
<h3 id="funds-check-${index}">${check.appName}${check.partnerName && check.partnerName !== check.appName && html` <span class="note">by ${check.partnerName}</span>`}</h3>
<p>Agreed on ${check.grantedOn}. ${check.expiresOn ? html`It ends on ${check.expiresOn}.` : html`It lasts until you stop it.`} ${check.lastUsed ? html`Last used ${check.lastUsed}.` : html`Not used yet.`}</p>
<p>When you pay with its card, ${check.appName} can ask whether <strong>${check.accounts.join(', ')}</strong> has enough money for the payment. It learns only yes or no, never your balance.</p>
${renderFundsChecks(check, index)}
${postButton({ action: `/account/funds-checks/${check.consentId}/stop`, csrf, label: `Stop funds checks by ${check.appName}`, variant: 'danger' })}
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
<caption>Access you gave before, payments you approved, and funds checks and payment mandates that ended</caption>
<thead><tr><th scope="col">App</th><th scope="col">What</th><th scope="col">Given on</th><th scope="col">Now</th></tr></thead>
<tbody>${model.ended.map((connection) => html`<tr><td>${connection.appName}</td><td>${connection.what}</td><td>${connection.grantedOn}</td><td>${connection.outcome}</td></tr>`)}</tbody>
</table></div>`
}
</section>`;
  return renderLayout({ title: 'Your connected apps', body, nav, width: 'wide', section: 'Connected apps' });
}

/** The checks an app made (see {@link FundsChecksView}). */
function renderFundsChecks(check: ActiveFundsCheckView, index: number): SafeHtml {
  const { recent, total } = check.checks;
  return html`<section aria-labelledby="funds-check-history-${index}">
<h4 id="funds-check-history-${index}">Checks made</h4>
${
  total === 0
    ? html`<p>No check made yet.</p>`
    : html`<p>${total === 1 ? 'One check' : `${total} checks`} in all${total > recent.length ? html`; the latest ${recent.length}` : ''}.</p>
<div class="table-wrap"><table class="table">
<caption>Checks by ${check.appName}</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Amount</th><th scope="col">Answer given</th><th scope="col">Its reference</th></tr></thead>
<tbody>${recent.map((row) => html`<tr><td>${row.date}</td><td>${row.amount}</td><td>${row.answer}</td><td>${row.reference}</td></tr>`)}</tbody>
</table></div>`
}
</section>`;
}

/** What was paid under a mandate and what is left of each limit (see {@link MandateUsageView}). */
function renderMandateUsage(usage: MandateUsageView, index: number): SafeHtml {
  return html`<section aria-labelledby="mandate-usage-${index}">
<h4 id="mandate-usage-${index}">Payments made</h4>
<ul class="mandate-limits">${usage.periods.map((line) => html`<li>${line}</li>`)}</ul>
${
  usage.payments.length === 0
    ? html`<p>No payment made yet.</p>`
    : html`<div class="table-wrap"><table class="table">
<caption>Payments under this mandate</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Amount</th><th scope="col">Now</th></tr></thead>
<tbody>${usage.payments.map((payment) => html`<tr><td>${payment.date}</td><td>${payment.amount}</td><td>${payment.outcome}</td></tr>`)}</tbody>
</table></div>`
}
</section>`;
}

/** The payee of an upcoming payment: its name (when the app gave one) above its account. */
function payeeLines(payment: UpcomingPaymentView): SafeHtml {
  return html`${payment.payeeName && html`${payment.payeeName}<br>`}${payment.payeeAccount}`;
}

/**
 * "Cancel this standing order?": what the customer is about to cancel, in the words of the list, and what follows —
 * nothing more is paid, the app is told — with "Yes, cancel" (the only form) and "No, keep it" (back to the list).
 */
export function renderCancelPaymentPage(model: { customerName: string; csrf: string; sandbox: boolean; payment: UpcomingPaymentView }): string {
  const { payment, csrf } = model;
  const { standingOrder } = payment;
  const what = standingOrder ? 'standing order' : 'payment';
  const body = html`<h1>Cancel this ${what}?</h1>
<dl class="summary">
<div class="summary__row"><dt>To</dt><dd>${payeeLines(payment)}</dd></div>
<div class="summary__row"><dt>Amount</dt><dd>${payment.amount}</dd></div>
<div class="summary__row"><dt>${standingOrder ? 'Next payment' : 'On'}</dt><dd>${payment.dueOn}</dd></div>
<div class="summary__row"><dt>How often</dt><dd>${payment.howOften}</dd></div>
<div class="summary__row"><dt>Set up by</dt><dd>${payment.appName}</dd></div>
</dl>
<p>${
    standingOrder
      ? html`No more payments will be made under this standing order: not the next one, nor any after it.`
      : html`This payment will not be made.`
  } ${payment.appName} will be told. To pay again, you would set it up again with the app.</p>
<div class="actions actions--row">${postButton({ action: `/account/payments/${payment.paymentId}/cancel`, csrf, label: `Yes, ${payment.cancelLabel.charAt(0).toLowerCase()}${payment.cancelLabel.slice(1)}`, variant: 'danger' })}<a class="button button--secondary button--small" href="/account">No, keep it</a></div>`;
  return renderLayout({ title: `Cancel this ${what}?`, body, nav: customerNav(model.customerName, csrf, model.sandbox), section: 'Connected apps' });
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
