import { html } from '../../web/html.js';
import { renderLayout } from '../../web/layout.js';

export interface ConsentPageModel {
  /** Where the form posts to. */
  formAction: string;
  /** Anti-forgery token, sent back in the hidden `csrf` field. */
  csrfToken: string;
  /** The partner's display name, as registered. Untrusted: always escaped. */
  partnerName: string;
  /** The logged-in customer's name. */
  customerName: string;
  /** Plain-English permissions, see `describePermissions`. */
  permissions: ReadonlyArray<{ title: string; description: string }>;
  /** Already formatted for humans, e.g. "21 February 2027"; `null` means until the customer cancels it. */
  expiresAt: string | null;
  /** E.g. "from 1 January 2026 to 31 March 2026"; `null` if unrestricted. */
  transactionWindow: string | null;
  /** The customer's accounts that can be shared. */
  accounts: ReadonlyArray<{
    id: string;
    nickname: string;
    maskedIdentification: string;
    currency: string;
    typeLabel: string;
  }>;
  /** Accounts to show ticked, e.g. after an error. */
  selectedAccountIds?: readonly string[];
  /** Shown above the form with `role="alert"`. */
  error?: string;
}

/**
 * The page where a logged-in customer sees what a partner asks for, picks the accounts to share, and approves or
 * denies. Both buttons submit the same form with `decision=approve|deny`; the server checks that approve has at
 * least one account, so the checkboxes are not `required` (denying with none ticked must work).
 */
export function renderConsentPage(model: ConsentPageModel): string {
  const { formAction, csrfToken, partnerName, customerName, permissions, expiresAt, transactionWindow } = model;
  const selected = new Set(model.selectedAccountIds ?? []);
  const hasAccounts = model.accounts.length > 0;

  const accounts = model.accounts.map((account, index) => {
    const id = `account-${index + 1}`;
    return html`<div class="choice">
<input class="choice__input" type="checkbox" id="${id}" name="accounts" value="${account.id}"${selected.has(account.id) ? html` checked` : ''}>
<label class="choice__label" for="${id}"><span class="choice__title">${account.nickname}</span><span class="visually-hidden"> — </span><span class="choice__detail">${account.maskedIdentification} · ${account.currency}${account.typeLabel && html`<span class="choice__type"> · ${account.typeLabel}</span>`}</span></label>
</div>`;
  });

  const body = html`<h1>${partnerName} wants to see your account information</h1>
<p class="signed-in">Signed in as <strong>${customerName}</strong></p>
${model.error && html`<div class="alert" role="alert"><p>${model.error}</p></div>`}
<section class="section" aria-labelledby="permissions-heading">
<h2 id="permissions-heading">What ${partnerName} will be able to see</h2>
<ul class="permissions">
${permissions.map(
  (permission) =>
    html`<li class="permissions__item"><strong class="permissions__title">${permission.title}</strong><span class="permissions__description">${permission.description}</span></li>`,
)}
</ul>
<div class="panel">
<p>${expiresAt === null ? html`This access lasts until you cancel it.` : html`This access lasts until <strong>${expiresAt}</strong>.`}</p>
${transactionWindow !== null && html`<p>${partnerName} can see transactions ${transactionWindow}.</p>`}
</div>
</section>
<form class="form" method="post" action="${formAction}">
<input type="hidden" name="csrf" value="${csrfToken}">
<fieldset class="fieldset">
<legend class="fieldset__legend">Choose the accounts to share</legend>
${hasAccounts ? html`<div class="choices">${accounts}</div>` : html`<p class="note">You have no accounts that can be shared.</p>`}
</fieldset>
<p class="note">You can withdraw this access at any time.</p>
<div class="actions actions--stacked">
${hasAccounts && html`<button class="button button--primary" type="submit" name="decision" value="approve">Approve and share selected accounts</button>`}
<button class="button button--secondary" type="submit" name="decision" value="deny">Deny access</button>
</div>
</form>`;
  return renderLayout({ title: `Share your accounts with ${partnerName}`, body });
}
