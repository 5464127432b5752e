// Proves that every interaction page labels its inputs, escapes hostile data, carries no inline script or style, shows errors as alerts and keeps the customer's input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type ConsentPageModel, renderConsentPage } from './consent-page.js';
import { renderLayout } from '../../web/layout.js';
import { renderLoginPage } from './login-page.js';
import { renderMessagePage } from '../../web/message-page.js';
import { html } from '../../web/html.js';

const HOSTILE = '<script>alert("pwned")</script>';
const HOSTILE_ESCAPED = '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;';

type Attributes = Map<string, string>;

/** Attributes of every `<tag …>` in the markup. Attribute values are escaped, so they never contain `>`. */
function tags(markup: string, tag: string): Attributes[] {
  return [...markup.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))].map(
    (match) => new Map([...(match[1] ?? '').matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!, a[2] ?? ''])),
  );
}

/** The text inside the first element with the given attribute, tags removed. */
function textOf(markup: string, attribute: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*\\b${attribute}[^>]*>([\\s\\S]*?)</\\1>`).exec(markup);
  return match?.[2]?.replace(/<[^>]+>/g, '');
}

function assertInputsLabelled(markup: string): void {
  const labelFor = new Set(tags(markup, 'label').map((label) => label.get('for')));
  const ids = tags(markup, '[a-z]+').flatMap((attributes) => (attributes.has('id') ? [attributes.get('id')] : []));
  assert.equal(new Set(ids).size, ids.length, `ids are unique: ${ids.join(', ')}`);
  for (const input of tags(markup, 'input')) {
    if (input.get('type') === 'hidden') continue;
    const id = input.get('id');
    assert.ok(id, `input ${input.get('name')} has an id`);
    assert.ok(labelFor.has(id), `input #${id} has a <label for="${id}">`);
  }
}

function assertNoScriptOrInlineStyle(markup: string): void {
  assert.doesNotMatch(markup, /<script/i);
  assert.doesNotMatch(markup, /\sstyle\s*=/i);
  assert.doesNotMatch(markup, /<style/i);
  assert.doesNotMatch(markup, /\son[a-z]+\s*=/i, 'no inline event handlers');
}

const consentModel = (overrides: Partial<ConsentPageModel> = {}): ConsentPageModel => ({
  formAction: '/interaction/abc123/consent',
  csrfToken: 'csrf-token-1',
  partnerName: 'Budgetly',
  customerName: 'Alex Smith',
  permissions: [
    { title: 'Your balances', description: 'The current and available balance of each account.' },
    { title: 'Your transactions', description: 'Incoming and outgoing payments, with payee and payer details.' },
  ],
  expiresAt: '21 February 2027',
  transactionWindow: 'from 1 January 2026 to 31 March 2026',
  accounts: [
    { id: 'acc-1', nickname: 'Everyday Account', maskedIdentification: '••1234', currency: 'GBP', typeLabel: 'Current account' },
    { id: 'acc-2', nickname: 'Rainy Day', maskedIdentification: '••9876', currency: 'GBP', typeLabel: 'Savings account' },
    { id: 'acc-3', nickname: 'Euro Wallet', maskedIdentification: '••5555', currency: 'EUR', typeLabel: 'Current account' },
  ],
  ...overrides,
});

describe('renderLayout', () => {
  it('renders a full HTML5 document with the stylesheet and a main landmark', () => {
    const page = renderLayout({ title: 'A & B', body: html`<p>Hi</p>` });
    assert.match(page, /^<!doctype html>\n<html lang="en">/);
    assert.match(page, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(page, /<link rel="stylesheet" href="\/assets\/app.css">/);
    assert.match(page, /<title>A &amp; B – OpenTeller Bank<\/title>/);
    assert.match(page, /<main[^>]*>[\s\S]*<p>Hi<\/p>[\s\S]*<\/main>/);
    assert.match(page, /OpenTeller Bank<\/span>/);
    assert.equal(tags(page, 'link').length, 1, 'exactly one external resource');
  });
});

describe('renderLoginPage', () => {
  const model = { formAction: '/interaction/abc123/login', csrfToken: 'tok"en', partnerName: 'Budgetly' };

  it('renders a labelled login form that posts the csrf token', () => {
    const page = renderLoginPage(model);
    assert.match(page, /<h1>Log in to OpenTeller Bank<\/h1>/);
    assert.match(page, /<strong>Budgetly<\/strong> wants to connect to your accounts\. Log in to continue\./);
    const [form] = tags(page, 'form');
    assert.equal(form?.get('method'), 'post');
    assert.equal(form?.get('action'), '/interaction/abc123/login');
    const inputs = tags(page, 'input');
    assert.deepEqual(
      inputs.map((input) => [input.get('name'), input.get('type')]),
      [
        ['csrf', 'hidden'],
        ['username', 'text'],
        ['password', 'password'],
      ],
    );
    assert.equal(inputs[0]?.get('value'), 'tok&quot;en');
    assert.equal(inputs[1]?.get('autocomplete'), 'username');
    assert.equal(inputs[2]?.get('autocomplete'), 'current-password');
    assert.ok(inputs[1]?.has('required') && inputs[2]?.has('required'));
    assert.match(page, /<button class="button button--primary" type="submit">Log in<\/button>/);
    assert.doesNotMatch(page, /role="alert"/);
    assertInputsLabelled(page);
    assertNoScriptOrInlineStyle(page);
  });

  it('shows an error as an alert above the form and keeps the username', () => {
    const page = renderLoginPage({ ...model, username: 'alex"smith', error: 'Your username or password is wrong.' });
    assert.equal(textOf(page, 'role="alert"'), 'Your username or password is wrong.');
    assert.ok(page.indexOf('role="alert"') < page.indexOf('<form'), 'alert comes before the form');
    assert.equal(
      tags(page, 'input')
        .find((input) => input.get('name') === 'username')
        ?.get('value'),
      'alex&quot;smith',
    );
    assert.equal(
      tags(page, 'input')
        .find((input) => input.get('name') === 'password')
        ?.has('value'),
      false,
    );
  });

  it('escapes a hostile partner name, username and error', () => {
    const page = renderLoginPage({ ...model, partnerName: HOSTILE, username: HOSTILE, error: HOSTILE });
    assert.ok(page.includes(HOSTILE_ESCAPED));
    assertNoScriptOrInlineStyle(page);
    assertInputsLabelled(page);
  });
});

describe('renderConsentPage', () => {
  it('shows the partner, the customer, what will be shared and for how long', () => {
    const page = renderConsentPage(consentModel());
    assert.match(page, /<h1>Budgetly wants to see your account information<\/h1>/);
    assert.match(page, /Signed in as <strong>Alex Smith<\/strong>/);
    assert.match(page, /<h2[^>]*>What Budgetly will be able to see<\/h2>/);
    assert.match(page, /<strong class="permissions__title">Your balances<\/strong>/);
    assert.match(page, /This access lasts until <strong>21 February 2027<\/strong>\./);
    assert.match(page, /Budgetly can see transactions from 1 January 2026 to 31 March 2026\./);
    assert.match(page, /You can withdraw this access at any time\./);
    assertInputsLabelled(page);
    assertNoScriptOrInlineStyle(page);
  });

  it('words open-ended access and leaves out an unrestricted transaction window', () => {
    const page = renderConsentPage(consentModel({ expiresAt: null, transactionWindow: null }));
    assert.match(page, /This access lasts until you cancel it\./);
    assert.doesNotMatch(page, /can see transactions/);
  });

  it('offers one unticked, unrequired, labelled checkbox per account inside a fieldset', () => {
    const page = renderConsentPage(consentModel());
    assert.match(page, /<fieldset[^>]*>\s*<legend[^>]*>Choose the accounts to share<\/legend>/);
    const boxes = tags(page, 'input').filter((input) => input.get('type') === 'checkbox');
    assert.deepEqual(
      boxes.map((box) => [box.get('name'), box.get('value')]),
      [
        ['accounts', 'acc-1'],
        ['accounts', 'acc-2'],
        ['accounts', 'acc-3'],
      ],
    );
    assert.ok(boxes.every((box) => !box.has('checked') && !box.has('required')));
    assert.equal(textOf(page, `for="${boxes[0]?.get('id')}"`), 'Everyday Account — ••1234 · GBP · Current account');
    assertInputsLabelled(page);
  });

  it('has approve and deny buttons in the same form', () => {
    const page = renderConsentPage(consentModel());
    assert.equal(tags(page, 'form').length, 1);
    const form = /<form[\s\S]*<\/form>/.exec(page)?.[0] ?? '';
    assert.match(
      form,
      /<button class="button button--primary" type="submit" name="decision" value="approve">Approve and share selected accounts<\/button>/,
    );
    assert.match(form, /<button class="button button--secondary" type="submit" name="decision" value="deny">Deny access<\/button>/);
    assert.match(form, /<input type="hidden" name="csrf" value="csrf-token-1">/);
  });

  it('shows an error as an alert and keeps the selected accounts ticked', () => {
    const page = renderConsentPage(consentModel({ error: 'Choose at least one account to share.', selectedAccountIds: ['acc-1', 'acc-3'] }));
    assert.equal(textOf(page, 'role="alert"'), 'Choose at least one account to share.');
    assert.ok(page.indexOf('role="alert"') < page.indexOf('<form'), 'alert comes before the form');
    const checked = tags(page, 'input')
      .filter((input) => input.has('checked'))
      .map((input) => input.get('value'));
    assert.deepEqual(checked, ['acc-1', 'acc-3']);
  });

  it('escapes a hostile partner name and hostile account data', () => {
    const page = renderConsentPage(
      consentModel({
        partnerName: HOSTILE,
        customerName: HOSTILE,
        error: HOSTILE,
        permissions: [{ title: HOSTILE, description: HOSTILE }],
        accounts: [{ id: '"><script>x</script>', nickname: HOSTILE, maskedIdentification: HOSTILE, currency: HOSTILE, typeLabel: HOSTILE }],
        selectedAccountIds: ['"><script>x</script>'],
      }),
    );
    assert.ok(page.includes(`<h1>${HOSTILE_ESCAPED} wants to see your account information</h1>`));
    assert.ok(page.includes('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;" checked'));
    assertNoScriptOrInlineStyle(page);
    assertInputsLabelled(page);
  });

  it('offers only deny when there are no accounts to share', () => {
    const page = renderConsentPage(consentModel({ accounts: [] }));
    assert.match(page, /You have no accounts that can be shared\./);
    assert.doesNotMatch(page, /value="approve"/);
    assert.match(page, /value="deny"/);
  });
});

describe('renderMessagePage', () => {
  it('shows the title, the message and an optional reference', () => {
    const page = renderMessagePage({
      title: 'This link has expired',
      message: 'This link has expired. Go back to the app and start again.',
      reference: 'req-7f3a',
    });
    assert.match(page, /<h1>This link has expired<\/h1>/);
    assert.match(page, /Go back to the app and start again\./);
    assert.match(page, /Reference: <span class="reference__id">req-7f3a<\/span>/);
    assert.doesNotMatch(renderMessagePage({ title: 'T', message: 'M' }), /Reference:/);
    assertNoScriptOrInlineStyle(page);
  });

  it('escapes hostile text', () => {
    const page = renderMessagePage({ title: HOSTILE, message: HOSTILE, reference: HOSTILE });
    assert.ok(page.includes(HOSTILE_ESCAPED));
    assertNoScriptOrInlineStyle(page);
  });
});
