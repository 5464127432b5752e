// Proves in a real browser (Debian Chromium driven by playwright-core) that a customer can check and approve a
// payment with the keyboard and labelled fields: the page shows payee, amount, reference and charges; the
// account is chosen by its label; a new payee asks for the one-time code, which the sandbox shows on a notice;
// no page breaks the strict CSP; and the partner's token then makes exactly that payment.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuite, logInWithKeyboard } from '../support/browser-suite.js';
import { fundAccount } from '../support/fund-account.js';
import { REDIRECT_URI } from '../support/partner.js';
import { ACCOUNTS, consentRequest, paymentRequest, PISP, registerPaymentPartner, type PaymentPartner } from '../support/payment-partner.js';

describe('payment consent in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;
  let partner: PaymentPartner;

  before(async () => {
    partner = await registerPaymentPartner(suite.server, 'Rent Runner');
    await fundAccount(suite.server.database, 'acc_alice_current', 1_000_000n);
  });

  async function logIn(page: Page, username: string, password: string): Promise<void> {
    await logInWithKeyboard(page, username, password);
    await page.getByRole('heading', { level: 1 }).waitFor();
  }

  test('a customer checks a CHAPS payment to a new payee, picks the account by keyboard, enters the sandbox code → the partner pays it', async () => {
    await withPage('payment-approve', async (page, callbacks, cspViolations) => {
      const request = consentRequest({ amount: '1250.00', payee: ACCOUNTS.bobCurrent, localInstrument: 'UK.OBIE.CHAPS', reference: 'RENT NOVEMBER' });
      const created = await partner.createConsent(request);
      assert.equal(created.status, 201);
      const consentId = created.body.Data.ConsentId as string;
      const start = await partner.pushAuthorizationRequest(consentId);
      await page.goto(start.url.href);
      await logIn(page, 'alice', 'alice-sandbox-1');
      assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Rent Runner wants to make a payment/);
      const summary = await page.locator('dl.summary').innerText();
      for (const text of ['£1,250.00', 'Bob Patel', 'Sort code 99-03-01, account 41873205', 'RENT NOVEMBER', '£15.00', '£1,265.00'])
        assert.ok(summary.includes(text), `${text} in ${summary}`);
      const radios = page.getByRole('radio');
      assert.ok((await radios.count()) >= 2, 'alice chooses among her GBP accounts');
      await radios.first().focus();
      await page.keyboard.press('Space');
      await page.getByRole('button', { name: 'Approve payment' }).click();
      await page.getByLabel('Code').waitFor();
      const code = (await page.locator('#sandbox-code').innerText()).trim();
      assert.match(code, /^\d{6}$/);
      await page.getByLabel('Code').fill(code);
      await page.getByRole('button', { name: 'Confirm payment' }).click();
      await page.waitForURL(`${REDIRECT_URI}**`);
      const tokens = await partner.exchangeCode(callbacks.at(-1) as URL, start);
      assert.equal(tokens.claims()?.acr, 'urn:openbanking:psd2:sca');
      const payment = await partner.signedPost(tokens.access_token, `${PISP}/domestic-payments`, paymentRequest(consentId, request));
      assert.equal(payment.status, 201);
      assert.equal(payment.body.Data.Status, 'ACSC');
      assert.deepEqual(cspViolations, []);
    });
  });

  test('a wrong code → an alert says so and the code field stays labelled; Cancel payment → access_denied', async () => {
    await withPage('payment-wrong-code', async (page, callbacks) => {
      const created = await partner.createConsent(consentRequest({ amount: '300.00', payee: ACCOUNTS.elsewhere }));
      const start = await partner.pushAuthorizationRequest(created.body.Data.ConsentId as string);
      await page.goto(start.url.href);
      await logIn(page, 'bob', 'bob-sandbox-2');
      await page.getByRole('radio').first().check();
      await page.getByRole('button', { name: 'Approve payment' }).click();
      await page.getByLabel('Code').fill('000000');
      await page.getByRole('button', { name: 'Confirm payment' }).click();
      assert.match(await page.getByRole('alert').innerText(), /not right/);
      await page.getByRole('button', { name: 'Cancel payment' }).click();
      await page.waitForURL(`${REDIRECT_URI}**`);
      assert.equal(callbacks.at(-1)?.searchParams.get('error'), 'access_denied');
    });
  });
});
