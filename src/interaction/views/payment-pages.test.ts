// Proves that the payment pages show what the customer pays (payee, amount, reference, charges, total), label every
// input, escape hostile partner data, carry no inline script or style, and that the step-up page shows the
// sandbox code only when asked to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderPaymentConsentPage, renderStepUpPage, type PaymentConsentPageModel, type StepUpPageModel } from './payment-consent-page.js';
import { describePayeeAccount } from '../payment-page-model.js';

const HOSTILE = '<script>alert("pwned")</script>';

const paymentModel = (overrides: Partial<PaymentConsentPageModel> = {}): PaymentConsentPageModel => ({
  formAction: '/interaction/uid-1/confirm',
  csrfToken: 'csrf-1',
  partnerName: 'PayFast',
  customerName: 'Alice Sandbox',
  amount: '£12.50',
  payeeName: 'Corner Shop',
  payeeAccount: 'Sort code 99-03-99, account 12345678',
  reference: 'INV-42',
  charges: null,
  total: '£12.50',
  kind: 'payment',
  paidOn: null,
  accounts: [
    { id: 'acc_alice_current', label: 'Everyday ••5678 · GBP' },
    { id: 'acc_alice_savings', label: 'Savings ••9012 · GBP' },
  ],
  debtorFixed: false,
  ...overrides,
});

const stepUpModel = (overrides: Partial<StepUpPageModel> = {}): StepUpPageModel => ({
  formAction: '/interaction/uid-1/confirm',
  csrfToken: 'csrf-1',
  amount: '£300.00',
  payeeName: 'Corner Shop',
  debtorAccountId: 'acc_alice_current',
  reason: 'This is a large payment, so we need to check it is you.',
  sandboxCode: '042137',
  ...overrides,
});

function labelledInputs(markup: string): void {
  const labels = new Set([...markup.matchAll(/<label[^>]*for="([^"]+)"/g)].map((match) => match[1]));
  for (const input of markup.matchAll(/<input([^>]*)>/g)) {
    const attributes = input[1] ?? '';
    if (/type="hidden"/.test(attributes)) continue;
    const id = /id="([^"]+)"/.exec(attributes)?.[1];
    assert.ok(id && labels.has(id), `input ${attributes} has a label`);
  }
  assert.doesNotMatch(markup, /<script|\sstyle=|<style|\son[a-z]+=/i);
}

describe('payment consent page', () => {
  it('an international payment shows what the payee receives and at which rate; a domestic one has no such row', () => {
    const page = renderPaymentConsentPage(paymentModel({ exchange: 'USD 126.36, at 1 GBP = 1.26365 USD (this rate holds until 10:17 UTC)' }));
    assert.match(page, /<dt>They receive<\/dt><dd>USD 126\.36, at 1 GBP = 1\.26365 USD \(this rate holds until 10:17 UTC\)<\/dd>/);
    assert.doesNotMatch(renderPaymentConsentPage(paymentModel()), /They receive/);
  });

  it('shows payee, account, amount, reference, charges and total, with a labelled radio per account', () => {
    const page = renderPaymentConsentPage(paymentModel({ charges: '£0.50', total: '£13.00' }));
    for (const text of ['Corner Shop', 'Sort code 99-03-99, account 12345678', '£12.50', 'INV-42', '£0.50', '£13.00'])
      assert.ok(page.includes(text), text);
    assert.equal([...page.matchAll(/type="radio"/g)].length, 2);
    assert.match(page, /name="decision" value="approve"/);
    assert.match(page, /name="decision" value="deny" formnovalidate/);
    labelledInputs(page);
  });

  it('says when the payment is made: "Now", or the date a scheduled payment is paid on', () => {
    assert.match(renderPaymentConsentPage(paymentModel()), /<dt>When<\/dt><dd>Now<\/dd>/);
    assert.match(renderPaymentConsentPage(paymentModel({ paidOn: '7 January 2027 at 09:30' })), /<dt>When<\/dt><dd>On 7 January 2027 at 09:30<\/dd>/);
  });

  it('a standing order says so and what each payment pays, with no single total; what approving allows differs for one payment now, one later and a standing order', () => {
    const order = renderPaymentConsentPage(
      paymentModel({
        kind: 'standing-order',
        standingOrderAmounts: '£100.00 first, then £50.00 each time; £25.00 the last time',
        paidOn: '7 January 2027 at 09:30, then every month on day 7 (3 payments in all)',
      }),
    );
    assert.match(order, /<h1>PayFast wants to set up a standing order from your account<\/h1>/);
    assert.match(order, /<title>Approve a standing order to Corner Shop/);
    assert.match(order, /<dt>Pay<\/dt><dd><strong>£100\.00 first, then £50\.00 each time; £25\.00 the last time<\/strong><\/dd>/);
    assert.doesNotMatch(order, /Total to pay/);
    assert.doesNotMatch(order, /this one payment/);
    assert.match(
      order,
      /we make each payment on its date without asking you again, until the last one\. You can cancel it at any time in your connected apps\./,
    );
    assert.match(
      renderPaymentConsentPage(paymentModel({ kind: 'scheduled-payment', paidOn: '7 January 2027 at 09:30' })),
      /this one payment, on the date shown\. You can cancel it until then/,
    );
    assert.match(renderPaymentConsentPage(paymentModel()), /this one payment\. It cannot be changed afterwards\./);
  });

  it('says "None" when the payment is free and offers only Cancel when no account can pay it', () => {
    const page = renderPaymentConsentPage(paymentModel({ accounts: [] }));
    assert.match(page, /<dd>None<\/dd>/);
    assert.doesNotMatch(page, /value="approve"/);
    assert.match(page, /value="deny"/);
  });

  it('escapes the partner name, payee name and reference', () => {
    const page = renderPaymentConsentPage(paymentModel({ partnerName: HOSTILE, payeeName: HOSTILE, reference: HOSTILE }));
    assert.doesNotMatch(page, /<script>/);
    assert.match(page, /&lt;script&gt;/);
  });
});

describe('step-up page', () => {
  it('asks for the code with a labelled field and shows the sandbox code on a notice', () => {
    const page = renderStepUpPage(stepUpModel());
    assert.match(page, /id="sandbox-code">042137</);
    assert.match(page, /<label class="field__label" for="otp">Code<\/label>/);
    assert.match(page, /name="debtorAccount" value="acc_alice_current"/);
    labelledInputs(page);
  });

  it('shows no code outside the sandbox and an alert after a wrong code', () => {
    const page = renderStepUpPage(stepUpModel({ sandboxCode: null, error: 'That code is not right.' }));
    assert.doesNotMatch(page, /sandbox-code/);
    assert.match(page, /role="alert"/);
    assert.match(page, /aria-describedby="code-error"/);
  });
});

describe('payment page formatting', () => {
  it('shows sort code and account number, or an IBAN in groups of four', () => {
    assert.equal(describePayeeAccount('UK.OBIE.SortCodeAccountNumber', '99039912345678'), 'Sort code 99-03-99, account 12345678');
    assert.equal(describePayeeAccount('UK.OBIE.IBAN', 'GB33OTBK99030112345678'), 'IBAN GB33 OTBK 9903 0112 3456 78');
  });
});
