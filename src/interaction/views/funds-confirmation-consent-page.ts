import { html } from '../../web/html.js';
import { renderLayout } from '../../web/layout.js';

export interface FundsConfirmationConsentPageModel {
  formAction: string;
  csrfToken: string;
  /** The partner's display name. Untrusted: always escaped. */
  partnerName: string;
  customerName: string;
  /** The customer's account the consent names (e.g. `Current account ••6819 · GBP`); null when it is not one of their open accounts. */
  account: string | null;
  /** The account the partner named, masked (shown when it is not the customer's). */
  namedAccount: string;
  /** The last day the partner may check, in words; null when open-ended. */
  until: string | null;
  error?: string;
}

/**
 * The page where a logged-in customer reads what a card issuer asks — to check, whenever they pay with its card,
 * whether one account of theirs has enough money for the payment, and to learn only yes or no — and approves or
 * refuses it. When the account the partner named is not one of theirs, they can only refuse.
 */
export function renderFundsConfirmationConsentPage(model: FundsConfirmationConsentPageModel): string {
  const { partnerName } = model;
  const error = model.account
    ? model.error
    : `${partnerName} asks to check an account (${model.namedAccount}) that is not one of your open accounts, so you cannot agree to this.`;
  const body = html`<h1>${partnerName} wants to check that your account has enough money for payments you make with its card</h1>
<p class="signed-in">Signed in as <strong>${model.customerName}</strong></p>
${error && html`<div class="alert" role="alert"><p>${error}</p></div>`}
<section class="section" aria-labelledby="checks-heading">
<h2 id="checks-heading">What you are agreeing to</h2>
<dl class="summary">
<div class="summary__row"><dt>Account checked</dt><dd>${model.account ?? model.namedAccount}</dd></div>
<div class="summary__row"><dt>Until</dt><dd>${model.until ?? 'You cancel it'}</dd></div>
</dl>
<div class="panel"><p><strong>${partnerName} will learn only yes or no</strong>: whether the account could pay an amount at that moment. It will not see your balance or your transactions, and no money is set aside or moved. You can stop this at any time in your connected apps.</p></div>
</section>
<form class="form" method="post" action="${model.formAction}">
<input type="hidden" name="csrf" value="${model.csrfToken}">
<div class="actions actions--stacked">
${model.account && html`<button class="button button--primary" type="submit" name="decision" value="approve">Agree to these checks</button>`}
<button class="button button--secondary" type="submit" name="decision" value="deny" formnovalidate>Do not agree</button>
</div>
</form>`;
  return renderLayout({ title: `Let ${partnerName} check your account for funds`, body });
}
