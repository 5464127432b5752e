// Proves that the VRP consent page states the mandate in plain words (who is paid or "your own account", the largest
// payment, each limit, the dates, that payments are made without asking each time), labels every input, escapes hostile
// partner data, carries no inline script or style, and offers only refusal when no account can pay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderVrpConsentPage, type VrpConsentPageModel } from './vrp-consent-page.js';

const HOSTILE = '<script>alert("pwned")</script>';

const model = (overrides: Partial<VrpConsentPageModel> = {}): VrpConsentPageModel => ({
  formAction: '/interaction/uid-1/confirm',
  csrfToken: 'csrf-1',
  partnerName: 'Sweep Genie',
  customerName: 'Alice Sandbox',
  sweeping: true,
  payeeName: 'Your own account',
  payeeAccount: 'Sort code 99-03-01, account 31926827',
  reference: 'SWEEP',
  limits: ['Up to £10.00 per payment', 'Up to £50.00 per week, counted from 5 June 2030', 'From 5 June 2030 to 4 June 2031'],
  accounts: [{ id: 'acc_alice_current', label: 'Everyday ••6819 · GBP' }],
  debtorFixed: false,
  ...overrides,
});

function assertLabelledWithoutScripts(markup: string): void {
  const labels = new Set([...markup.matchAll(/<label[^>]*for="([^"]+)"/g)].map((match) => match[1]));
  for (const input of markup.matchAll(/<input([^>]*)>/g)) {
    const attributes = input[1] ?? '';
    if (/type="hidden"/.test(attributes)) continue;
    const id = /id="([^"]+)"/.exec(attributes)?.[1];
    assert.ok(id && labels.has(id), `input ${attributes} has a label`);
  }
  assert.doesNotMatch(markup, /<script|\sstyle=|<style|\son[a-z]+=/i);
}

describe('VRP consent page', () => {
  it('states who is paid, each limit and the dates, that no one asks each time; one labelled radio per account', () => {
    const page = renderVrpConsentPage(model());
    for (const text of [
      'Sweep Genie wants to make payments from your account',
      'Your own account',
      'Money moves between your own accounts only.',
      'Sort code 99-03-01, account 31926827',
      'SWEEP',
      'Up to £10.00 per payment',
      'Up to £50.00 per week, counted from 5 June 2030',
      'From 5 June 2030 to 4 June 2031',
      'will make these payments without asking you each time',
    ])
      assert.ok(page.includes(text), text);
    assert.match(page, /<title>Set up payments to your own account – /, 'the window title reads as a sentence');
    assert.equal([...page.matchAll(/type="radio"/g)].length, 1);
    assert.match(page, /name="decision" value="approve"/);
    assert.match(page, /name="decision" value="deny" formnovalidate/);
    assertLabelledWithoutScripts(page);
  });

  it('names a payee that is not the customer, and leaves out a reference the partner did not give', () => {
    const page = renderVrpConsentPage(model({ sweeping: false, payeeName: 'Foxtons Lettings', reference: null }));
    assert.ok(page.includes('Foxtons Lettings'));
    assert.match(page, /<title>Set up payments to Foxtons Lettings – /);
    assert.doesNotMatch(page, /between your own accounts/);
    assert.doesNotMatch(page, /<dt>Reference<\/dt>/);
  });

  it('offers only "Do not agree" when no account can pay', () => {
    const page = renderVrpConsentPage(model({ accounts: [] }));
    assert.doesNotMatch(page, /value="approve"/);
    assert.match(page, /value="deny"/);
    assert.match(page, /no account that can make these payments/);
  });

  it('escapes the partner name, payee name, reference and limits', () => {
    const page = renderVrpConsentPage(model({ partnerName: HOSTILE, payeeName: HOSTILE, reference: HOSTILE, limits: [HOSTILE, HOSTILE] }));
    assert.doesNotMatch(page, /<script>/);
    assert.match(page, /&lt;script&gt;/);
  });
});
