// Proves in a real browser (Debian Chromium driven by playwright-core) a variable recurring payment mandate from the
// customer's side, with the keyboard and labelled controls: a partner asks for a sweeping mandate; at the bank the
// customer reads it in plain words (paid to their own account, up to how much a payment and a week, from when until
// when, payments made without asking each time), the account to pay from is offered by its label (never the account
// paid into) and approved with the keyboard; the partner then pays twice without the customer; the customer's
// connected apps show the mandate once, each payment and what is used and left of the week's limit; the customer
// cancels it there, it moves to the history, and the partner's very next payment (400 U009) and its refresh token
// fail. No page breaks the strict CSP or logs an error.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import * as client from 'openid-client';
import type { Locator } from 'playwright-core';
import { formatCustomerDate } from '../../src/domain/customer-text.js';
import { bookedBalances } from '../support/account-balances.js';
import { browserSuite, logInWithKeyboard } from '../support/browser-suite.js';
import { REDIRECT_URI } from '../support/partner.js';
import {
  assertRefusal,
  dayFromToday,
  PISP,
  registerPaymentPartner,
  VRP_CONSENTS,
  vrpConsentRequest,
  type PaymentPartner,
  type PisResponse,
} from '../support/payment-partner.js';

const VRPS = `${PISP}/domestic-vrps`;
const ACCOUNTS = ['acc_alice_current', 'acc_alice_savings'];

/** The day an OBIE date-time names (as the bank reads it: the date as written), as the customer reads it. */
function dayOf(dateTime: string): string {
  return formatCustomerDate(new Date(`${dateTime.slice(0, 10)}T12:00:00Z`));
}

/** The text of the `<dd>` of the summary row whose `<dt>` is `term`, in `scope`. */
function summaryValue(scope: Locator, term: string): Promise<string> {
  return scope
    .locator('.summary__row')
    .filter({ has: scope.page().locator('dt', { hasText: new RegExp(`^${term}$`) }) })
    .locator('dd')
    .innerText();
}

/** Whether `locator` is the element that has the keyboard focus. */
async function hasFocus(locator: Locator): Promise<boolean> {
  return (await locator.and(locator.page().locator(':focus')).count()) === 1;
}

/** The cells of each body row of `table`. */
async function rowsOf(table: Locator): Promise<string[][]> {
  const rows = table.locator('tbody tr');
  const cells: string[][] = [];
  for (let index = 0; index < (await rows.count()); index += 1) cells.push(await rows.nth(index).locator('td').allInnerTexts());
  return cells;
}

describe('VRP mandate in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;
  let partner: PaymentPartner;

  before(async () => {
    partner = await registerPaymentPartner(suite.server, 'Sweep Genie');
  });

  test('the customer reads and approves a sweeping mandate by keyboard, sees its payments and limit in connected apps, cancels it → the next payment 400 U009', async () => {
    await withPage('vrp-mandate', async (page, callbacks, cspViolations) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));

      // The partner asks for a sweeping mandate into alice's savings: £10 a payment, £50 a week, for a year.
      const consent = vrpConsentRequest();
      const { ValidFromDateTime, ValidToDateTime } = consent.Data.ControlParameters;
      const created = await partner.signedPost(await partner.paymentsToken(), VRP_CONSENTS, consent);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.Data.Status, 'AWAU');
      const consentId = created.body.Data.ConsentId as string;
      const start = await partner.pushAuthorizationRequest(consentId);

      // At the bank: log in, then read the mandate before agreeing to anything.
      await page.goto(start.url.href);
      await logInWithKeyboard(page, 'alice', 'alice-sandbox-1');
      const heading = page.getByRole('heading', { level: 1 });
      await heading.waitFor();
      assert.equal(await heading.innerText(), 'Sweep Genie wants to make payments from your account whenever they are due');
      assert.match(await page.title(), /^Set up payments to your own account – /);
      const mandate = page.getByRole('region', { name: 'What you are agreeing to' });
      assert.equal(
        await summaryValue(mandate, 'Paid to'),
        'Your own account\nSort code 99-03-01, account 31926827\nMoney moves between your own accounts only.',
      );
      assert.equal(await summaryValue(mandate, 'Reference'), 'SWEEP TO SAVINGS');
      assert.equal(await summaryValue(mandate, 'Each payment'), 'Up to £10.00 per payment');
      assert.deepEqual(await mandate.locator('.summary__row', { hasText: 'Limits' }).getByRole('listitem').allInnerTexts(), [
        `Up to £50.00 per week, counted from ${dayOf(ValidFromDateTime)}`,
        `From ${dayOf(ValidFromDateTime)} to ${dayOf(ValidToDateTime)}`,
      ]);
      assert.match(
        await mandate.innerText(),
        /Sweep Genie will make these payments without asking you each time, as often as it needs to, within these limits\. You can cancel this at any time in your connected apps/,
      );

      // The account to pay from: only her GBP current account (not the savings paid into, not the euro wallet).
      const payFrom = page.getByRole('group', { name: 'Choose the account to pay from' });
      const radios = payFrom.getByRole('radio');
      assert.equal(await radios.count(), 1);
      assert.match((await payFrom.locator('label').innerText()).trim(), /^Current ••6819 · GBP$/);

      // Keyboard only: Space on the account, Tab to "Agree", Tab to "Do not agree", back, Enter; the focus is visible.
      await radios.first().focus();
      await page.keyboard.press('Space');
      assert.equal(await radios.first().isChecked(), true);
      const agree = page.getByRole('button', { name: 'Agree to these payments' });
      await page.keyboard.press('Tab');
      assert.ok(await hasFocus(agree), 'Tab from the account → "Agree to these payments"');
      await page.keyboard.press('Tab');
      assert.ok(await hasFocus(page.getByRole('button', { name: 'Do not agree' })), 'then "Do not agree"');
      await page.keyboard.press('Shift+Tab');
      assert.ok(await hasFocus(agree));
      // A string, not a function: the tests compile without the DOM's types.
      assert.equal(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle'), 'solid', 'a visible focus ring');
      const balancesBefore = await bookedBalances(suite.server.database.dataSource, ACCOUNTS);
      // Enter on the focused button through its locator: a bare page.keyboard.press('Enter') submits the form too, but
      // then this Chromium does not route the bank's redirect to the partner's callback (ERR_UNSAFE_PORT for port 9).
      await agree.press('Enter');
      await page.waitForURL(`${REDIRECT_URI}**`);
      const callback = callbacks.at(-1) as URL;
      assert.equal(callback.searchParams.get('error'), null, callback.href);
      const tokens = await partner.exchangeCode(callback, start);
      assert.ok(tokens.refresh_token, 'a refresh token for payments without the customer');
      const read = await partner.call(await partner.paymentsToken(), 'GET', `${VRP_CONSENTS}/${consentId}`);
      assert.equal(read.body.Data.Status, 'AUTH');

      // The partner pays twice, without the customer.
      const pay = (amount: string): Promise<PisResponse> =>
        partner.signedPost(tokens.access_token, VRPS, {
          Data: {
            ConsentId: consentId,
            PSUAuthenticationMethod: 'UK.OBIE.SCANotRequired',
            VRPType: 'UK.OBIE.VRPType.Sweeping',
            Initiation: structuredClone(consent.Data.Initiation),
            Instruction: {
              InstructionIdentification: randomUUID().replace(/-/g, '').slice(0, 30),
              EndToEndIdentification: 'E2E-SWEEP',
              InstructedAmount: { Amount: amount, Currency: 'GBP' },
              CreditorAccount: structuredClone(consent.Data.Initiation.CreditorAccount),
              RemittanceInformation: structuredClone(consent.Data.Initiation.RemittanceInformation),
            },
          },
          Risk: structuredClone(consent.Risk),
        });
      for (const amount of ['10.00', '7.50']) {
        const made = await pay(amount);
        assert.equal(made.status, 201, JSON.stringify(made.body));
        assert.equal(made.body.Data.Status, 'ACSC');
      }
      const balancesPaid = await bookedBalances(suite.server.database.dataSource, ACCOUNTS);
      assert.equal(balancesPaid.acc_alice_savings, (balancesBefore.acc_alice_savings ?? 0n) + 1_750n, 'her savings received £17.50');

      // The customer's connected apps: the mandate once, what it used of the week and its payments.
      await page.goto(`${suite.server.issuer}/account`);
      await logInWithKeyboard(page, 'alice', 'alice-sandbox-1');
      const article = page.getByRole('article', { name: 'Sweep Genie' });
      await article.waitFor();
      assert.equal(await article.count(), 1, 'the mandate is listed once, not once per payment');
      assert.match(
        await article.locator('p').first().innerText(),
        /^Agreed on .+\. Sweep Genie makes these payments without asking you each time\. Last used /,
      );
      assert.equal(await summaryValue(article, 'Paid to'), 'Your own account\nSort code 99-03-01, account 31926827');
      assert.equal(await summaryValue(article, 'Paid from'), 'Current ••6819 · GBP');
      assert.deepEqual(await article.locator('.summary__row', { hasText: 'Limits' }).getByRole('listitem').allInnerTexts(), [
        'Up to £10.00 per payment',
        `Up to £50.00 per week, counted from ${dayOf(ValidFromDateTime)}`,
        `From ${dayOf(ValidFromDateTime)} to ${dayOf(ValidToDateTime)}`,
      ]);
      const usage = article.getByRole('region', { name: 'Payments made' });
      assert.deepEqual(await usage.getByRole('listitem').allInnerTexts(), [
        `£17.50 of £50.00 used from ${dayOf(ValidFromDateTime)} to ${dayOf(dayFromToday(6))}; £32.50 left`,
      ]);
      const today = formatCustomerDate(new Date());
      const payments = await rowsOf(usage.getByRole('table', { name: 'Payments under this mandate' }));
      assert.deepEqual(
        payments.map(([date, amount, now]) => [date?.startsWith(`${today} at `), amount, now]),
        [
          [true, '£7.50', `Paid on ${today}`],
          [true, '£10.00', `Paid on ${today}`],
        ],
        'the payments, newest first',
      );

      // The customer cancels with the keyboard: the page asks nothing more; the mandate ends at once.
      const cancel = article.getByRole('button', { name: 'Cancel payments by Sweep Genie' });
      await cancel.focus();
      await Promise.all([page.waitForURL(/notice=mandate-cancelled/), page.keyboard.press('Enter')]);
      assert.equal(
        await page.getByRole('status').innerText(),
        'Done: that app can no longer make payments from your account. The mandate ended at once.',
      );
      assert.equal(await page.getByRole('article', { name: 'Sweep Genie' }).count(), 0);
      assert.match(
        await page.getByRole('region', { name: 'Apps that can make payments from your accounts' }).innerText(),
        /No app can make payments from your accounts without asking you\./,
      );
      assert.deepEqual(await rowsOf(page.getByRole('table', { name: /payment mandates that ended/ })), [
        ['Sweep Genie', 'Payments to your own account (up to £10.00 per payment)', today, `Cancelled on ${today}`],
      ]);

      // The partner's very next payment is refused, nothing moves, and its refresh token is dead.
      assertRefusal(await pay('1.00'), 400, 'U009');
      assert.deepEqual(await bookedBalances(suite.server.database.dataSource, ACCOUNTS), balancesPaid, 'nothing moved');
      await assert.rejects(
        client.refreshTokenGrant(partner.config, tokens.refresh_token, undefined, { DPoP: partner.dpop }),
        (error: { error?: string }) => error.error === 'invalid_grant',
      );
      assert.deepEqual(cspViolations, []);
      assert.deepEqual(errors, []);
    });
  });
});
