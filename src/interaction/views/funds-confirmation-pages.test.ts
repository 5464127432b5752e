// Proves that the funds confirmation consent page says in plain words which account the card issuer may check, until
// when, and that it learns only yes or no; escapes hostile partner data, carries no script or inline style, and offers
// only refusal when the account the partner named is not one of the customer's open accounts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderFundsConfirmationConsentPage, type FundsConfirmationConsentPageModel } from './funds-confirmation-consent-page.js';

const HOSTILE = '<script>alert("pwned")</script>';

const model = (overrides: Partial<FundsConfirmationConsentPageModel> = {}): FundsConfirmationConsentPageModel => ({
  formAction: '/interaction/uid-1/confirm',
  csrfToken: 'csrf-1',
  partnerName: 'Tap Card',
  customerName: 'Alice Sandbox',
  account: 'Everyday ••6819 · GBP',
  namedAccount: '••6819',
  until: '31 December 2030',
  ...overrides,
});

describe('funds confirmation consent page', () => {
  it('names the app, the account and the end; says the app learns only yes or no; offers agree and refuse with the token', () => {
    const page = renderFundsConfirmationConsentPage(model());
    for (const text of [
      'Tap Card wants to check that your account has enough money for payments you make with its card',
      'Signed in as <strong>Alice Sandbox</strong>',
      '<dt>Account checked</dt><dd>Everyday ••6819 · GBP</dd>',
      '<dt>Until</dt><dd>31 December 2030</dd>',
      'Tap Card will learn only yes or no',
      'It will not see your balance or your transactions, and no money is set aside or moved.',
      'name="decision" value="approve"',
      'name="decision" value="deny"',
      '<input type="hidden" name="csrf" value="csrf-1">',
      '<form class="form" method="post" action="/interaction/uid-1/confirm">',
    ])
      assert.ok(page.includes(text), `the page says ${text}`);
    assert.doesNotMatch(page, /role="alert"/);
  });

  it('an open-ended consent → "You cancel it" as its end', () => {
    assert.match(renderFundsConfirmationConsentPage(model({ until: null })), /<dt>Until<\/dt><dd>You cancel it<\/dd>/);
  });

  it('an account that is not one of the customer’s → the masked number named in an alert, only "Do not agree"', () => {
    const page = renderFundsConfirmationConsentPage(model({ account: null, namedAccount: '••4476' }));
    assert.match(page, /<div class="alert" role="alert"><p>Tap Card asks to check an account \(••4476\) that is not one of your open accounts/);
    assert.match(page, /<dt>Account checked<\/dt><dd>••4476<\/dd>/);
    assert.doesNotMatch(page, /value="approve"/);
    assert.match(page, /value="deny"/);
  });

  it('hostile partner and customer names → escaped text, no script, no inline style or handler', () => {
    const page = renderFundsConfirmationConsentPage(model({ partnerName: HOSTILE, customerName: HOSTILE, account: null, namedAccount: HOSTILE }));
    assert.ok(!page.includes(HOSTILE), 'nothing is rendered as markup');
    assert.ok(page.includes('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;'));
    assert.doesNotMatch(page, /<script|\sstyle=|<style|\son[a-z]+=/i);
  });
});
