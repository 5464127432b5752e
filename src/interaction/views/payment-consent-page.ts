import { html } from '../../web/html.js';
import { renderLayout } from '../../web/layout.js';

export interface PaymentConsentPageModel {
  formAction: string;
  csrfToken: string;
  /** The partner's display name. Untrusted: always escaped. */
  partnerName: string;
  customerName: string;
  /** E.g. "£1,250.00". */
  amount: string;
  payeeName: string;
  /** E.g. "Sort code 99-03-99, account 11111111" or an IBAN in groups of four. */
  payeeAccount: string;
  reference: string;
  /** E.g. "£0.50 (Faster Payments charge)"; null when the payment is free. */
  charges: string | null;
  /** The total leaving the account, amount plus charges. */
  total: string;
  /** What is approved: one payment now, one payment on a later date, or a standing order of several payments. */
  kind: 'payment' | 'scheduled-payment' | 'standing-order';
  /**
   * A standing order: what each payment pays, in words (e.g. "£100.00 first, then £50.00 each time; £25.00 the last
   * time"), shown instead of one amount and a total.
   */
  standingOrderAmounts?: string;
  /** A scheduled payment: when it will be paid (e.g. "7 January 2027 at 09:30"); null for a payment made at once. */
  paidOn: string | null;
  /** An international payment: what the payee receives and at which rate, in plain words (absent for a domestic payment). */
  exchange?: string;
  /** The accounts the customer may pay from (exactly one when the partner named it). */
  accounts: ReadonlyArray<{ id: string; label: string }>;
  /** Whether the partner named the account (then it is shown, not chosen). */
  debtorFixed: boolean;
  selectedAccountId?: string;
  error?: string;
}

/**
 * The page where a logged-in customer checks a payment a partner asks to make — payee, amount, reference,
 * charges — picks the account to pay from (unless the partner named it), and approves or cancels.
 */
export function renderPaymentConsentPage(model: PaymentConsentPageModel): string {
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
  const standingOrder = model.kind === 'standing-order';
  const afterApproval = standingOrder
    ? html`Once you approve, ${partnerName} can set up this standing order: we make each payment on its date without asking you again, until the last one. You can cancel it at any time in your connected apps.`
    : model.kind === 'scheduled-payment'
      ? html`Once you approve, ${partnerName} can make this one payment, on the date shown. You can cancel it until then in your connected apps.`
      : html`Once you approve, ${partnerName} can make this one payment. It cannot be changed afterwards.`;
  const body = html`<h1>${partnerName} wants to ${standingOrder ? 'set up a standing order' : 'make a payment'} from your account</h1>
<p class="signed-in">Signed in as <strong>${model.customerName}</strong></p>
${model.error && html`<div class="alert" role="alert"><p>${model.error}</p></div>`}
<section class="section" aria-labelledby="payment-heading">
<h2 id="payment-heading">Check the payment</h2>
<dl class="summary">
<div class="summary__row"><dt>Pay</dt><dd><strong>${model.standingOrderAmounts ?? model.amount}</strong></dd></div>
${model.exchange && html`<div class="summary__row"><dt>They receive</dt><dd>${model.exchange}</dd></div>`}
<div class="summary__row"><dt>To</dt><dd>${model.payeeName}<br>${model.payeeAccount}</dd></div>
<div class="summary__row"><dt>Reference</dt><dd>${model.reference}</dd></div>
<div class="summary__row"><dt>Charges</dt><dd>${model.charges ?? 'None'}</dd></div>
${!standingOrder && html`<div class="summary__row"><dt>Total to pay</dt><dd><strong>${model.total}</strong></dd></div>`}
<div class="summary__row"><dt>When</dt><dd>${model.paidOn ? html`On ${model.paidOn}` : 'Now'}</dd></div>
</dl>
</section>
<form class="form" method="post" action="${model.formAction}">
<input type="hidden" name="csrf" value="${model.csrfToken}">
<fieldset class="fieldset">
<legend class="fieldset__legend">${model.debtorFixed ? 'Pay from' : 'Choose the account to pay from'}</legend>
${hasAccounts ? html`<div class="choices">${choices}</div>` : html`<p class="note">You have no account that can make this payment.</p>`}
</fieldset>
<p class="note">${afterApproval}</p>
<div class="actions actions--stacked">
${hasAccounts && html`<button class="button button--primary" type="submit" name="decision" value="approve">Approve payment</button>`}
<button class="button button--secondary" type="submit" name="decision" value="deny" formnovalidate>Cancel payment</button>
</div>
</form>`;
  return renderLayout({ title: `Approve a ${standingOrder ? 'standing order' : 'payment'} to ${model.payeeName}`, body });
}

export interface StepUpPageModel {
  formAction: string;
  csrfToken: string;
  amount: string;
  payeeName: string;
  debtorAccountId: string;
  /** Why a code is needed, in plain words. */
  reason: string;
  /** Sandbox only: the code, shown on a clearly marked notice (a live bank sends it to the customer's phone). */
  sandboxCode: string | null;
  error?: string;
}

/** The one-time-code page of strong customer authentication, bound to the amount and payee it shows. */
export function renderStepUpPage(model: StepUpPageModel): string {
  const body = html`<h1>Confirm it's you</h1>
<p class="lead">${model.reason} Enter the 6-digit code to approve paying <strong>${model.amount}</strong> to <strong>${model.payeeName}</strong>.</p>
${model.sandboxCode !== null && html`<div class="panel" role="note"><p><strong>Sandbox notice:</strong> in the sandbox no message is sent. Your code is <strong id="sandbox-code">${model.sandboxCode}</strong>.</p></div>`}
${model.error && html`<div class="alert" role="alert" id="code-error"><p>${model.error}</p></div>`}
<form class="form" method="post" action="${model.formAction}">
<input type="hidden" name="csrf" value="${model.csrfToken}">
<input type="hidden" name="debtorAccount" value="${model.debtorAccountId}">
<div class="field">
<label class="field__label" for="otp">Code</label>
<input class="field__input" type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required${model.error ? html` aria-describedby="code-error"` : ''}>
</div>
<div class="actions actions--stacked">
<button class="button button--primary" type="submit" name="decision" value="approve">Confirm payment</button>
<button class="button button--secondary" type="submit" name="decision" value="deny" formnovalidate>Cancel payment</button>
</div>
</form>`;
  return renderLayout({ title: 'Confirm the payment', body });
}
