import { html } from '../../web/html.js';
import { renderLayout } from '../../web/layout.js';

export interface VrpConsentPageModel {
  formAction: string;
  csrfToken: string;
  /** The partner's display name. Untrusted: always escaped. */
  partnerName: string;
  customerName: string;
  /** Whether the payments only move money between the customer's own accounts (sweeping). */
  sweeping: boolean;
  /** Who is paid: "Your own account" when sweeping, else the payee's name as the partner gave it. */
  payeeName: string;
  /** E.g. "Sort code 99-03-01, account 31926827" or an IBAN in groups of four. */
  payeeAccount: string;
  /** What the payee sees on each payment; null when the partner gave none. */
  reference: string | null;
  /** The mandate's limits and validity in plain words (`describeMandate`): the largest payment first, the dates last. */
  limits: readonly string[];
  /** The accounts the customer may pay from (exactly one when the partner named it). */
  accounts: ReadonlyArray<{ id: string; label: string }>;
  /** Whether the partner named the account (then it is shown, not chosen). */
  debtorFixed: boolean;
  selectedAccountId?: string;
  error?: string;
}

/**
 * The page where a logged-in customer reads a variable recurring payment mandate in plain words — who is paid, up to
 * how much per payment and per period, from when until when, and that the payments are made without asking them each
 * time — picks the account to pay from (unless the partner named it), and approves or refuses it.
 */
export function renderVrpConsentPage(model: VrpConsentPageModel): string {
  const { partnerName } = model;
  const hasAccounts = model.accounts.length > 0;
  const choices = model.accounts.map((account, index) => {
    const id = `debtor-${index + 1}`;
    const checked = model.selectedAccountId === account.id || model.accounts.length === 1;
    return html`<div class="choice">
<input class="choice__input" type="radio" id="${id}" name="debtorAccount" value="${account.id}"${checked ? html` checked` : ''} required>
<label class="choice__label" for="${id}"><span class="choice__title">${account.label}</span></label>
</div>`;
  });
  const [perPayment, ...rest] = model.limits;
  const body = html`<h1>${partnerName} wants to make payments from your account whenever they are due</h1>
<p class="signed-in">Signed in as <strong>${model.customerName}</strong></p>
${model.error && html`<div class="alert" role="alert"><p>${model.error}</p></div>`}
<section class="section" aria-labelledby="mandate-heading">
<h2 id="mandate-heading">What you are agreeing to</h2>
<dl class="summary">
<div class="summary__row"><dt>Paid to</dt><dd>${model.payeeName}<br>${model.payeeAccount}${model.sweeping ? html`<br><span class="note">Money moves between your own accounts only.</span>` : ''}</dd></div>
${model.reference !== null && html`<div class="summary__row"><dt>Reference</dt><dd>${model.reference}</dd></div>`}
<div class="summary__row"><dt>Each payment</dt><dd><strong>${perPayment ?? ''}</strong></dd></div>
<div class="summary__row"><dt>Limits</dt><dd><ul class="mandate-limits">${rest.map((line) => html`<li>${line}</li>`)}</ul></dd></div>
</dl>
<div class="panel"><p><strong>${partnerName} will make these payments without asking you each time</strong>, as often as it needs to, within these limits. You can cancel this at any time in your connected apps, and ${partnerName} can make no more payments from then on.</p></div>
</section>
<form class="form" method="post" action="${model.formAction}">
<input type="hidden" name="csrf" value="${model.csrfToken}">
<fieldset class="fieldset">
<legend class="fieldset__legend">${model.debtorFixed ? 'Pay from' : 'Choose the account to pay from'}</legend>
${hasAccounts ? html`<div class="choices">${choices}</div>` : html`<p class="note">You have no account that can make these payments.</p>`}
</fieldset>
<div class="actions actions--stacked">
${hasAccounts && html`<button class="button button--primary" type="submit" name="decision" value="approve">Agree to these payments</button>`}
<button class="button button--secondary" type="submit" name="decision" value="deny" formnovalidate>Do not agree</button>
</div>
</form>`;
  // The window title is the first thing a screen reader announces: "your own account" reads as part of the sentence.
  return renderLayout({ title: `Set up payments to ${model.sweeping ? 'your own account' : model.payeeName}`, body });
}
