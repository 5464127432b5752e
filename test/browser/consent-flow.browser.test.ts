// Proves in a real browser (Debian Chromium driven by playwright-core) that a customer can complete the
// consent flow with the keyboard and labelled fields, that the pages load under the strict CSP without
// violations, and that the partner receives a code that yields a token for exactly the chosen accounts.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { browserSuite, logInWithKeyboard } from '../support/browser-suite.js';
import { API, REDIRECT_URI, registerPartner, type Partner } from '../support/partner.js';

describe('consent flow in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;
  let partner: Partner;

  before(async () => {
    partner = await registerPartner(suite.server, 'Budget Buddy');
  });

  test('a customer logs in and approves two accounts using only the keyboard → the partner reads exactly those accounts', async () => {
    await withPage('keyboard-approve', async (page, callbacks, cspViolations) => {
      const consentId = await partner.createConsent(['ReadAccountsDetail', 'ReadBalances']);
      const start = await partner.pushAuthorizationRequest(consentId);
      await page.goto(start.url.href);
      await logInWithKeyboard(page, 'bob', 'bob-sandbox-2');
      await page.getByRole('heading', { level: 1 }).waitFor();
      assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Budget Buddy/);
      await page.getByRole('checkbox', { name: /^Current —/ }).check();
      await page.getByRole('checkbox', { name: /^Patel Plumbing —/ }).check();
      await page.getByRole('button', { name: /Approve/ }).click();
      await page.waitForURL(`${REDIRECT_URI}**`);
      const callback = callbacks.at(-1);
      assert.ok(callback?.searchParams.get('code'), 'the partner callback carries a code');
      const tokens = await partner.exchangeCode(callback as URL, start);
      const accounts = await partner.call(tokens.access_token, 'GET', `${API}/accounts`);
      assert.deepEqual(accounts.body.Data.Account.map((account: { AccountId: string }) => account.AccountId).sort(), [
        'acc_bob_business',
        'acc_bob_current',
      ]);
      assert.deepEqual(cspViolations, []);
    });
  });

  test('a customer denies → the browser lands on the partner callback with error=access_denied', async () => {
    await withPage('deny', async (page, callbacks) => {
      const start = await partner.pushAuthorizationRequest(await partner.createConsent(['ReadAccountsBasic']));
      await page.goto(start.url.href);
      await page.getByLabel('Username').fill('carol');
      await page.getByLabel('Password').fill('carol-sandbox-3');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: /Deny/ }).click();
      await page.waitForURL(`${REDIRECT_URI}**`);
      assert.equal(callbacks.at(-1)?.searchParams.get('error'), 'access_denied');
    });
  });

  test('a wrong password → the login page says so in an alert and keeps the username', async () => {
    await withPage('wrong-password', async (page) => {
      const start = await partner.pushAuthorizationRequest(await partner.createConsent(['ReadAccountsBasic']));
      await page.goto(start.url.href);
      await page.getByLabel('Username').fill('dave');
      await page.getByLabel('Password').fill('not-his-password');
      await page.getByRole('button', { name: 'Log in' }).click();
      assert.match(await page.getByRole('alert').innerText(), /not right/);
      assert.equal(await page.getByLabel('Username').inputValue(), 'dave');
    });
  });
});
