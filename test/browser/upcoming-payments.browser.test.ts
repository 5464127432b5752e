// Proves in a real browser (Debian Chromium driven by playwright-core) the customer's side of payments to come, with
// the keyboard and labelled controls: a partner asks for a scheduled payment and a standing order; the customer reads
// and approves each on the bank's payment page; the partner orders both; in connected apps, "Payments to come" says in
// plain words what will be paid, to whom, when and how often; the customer cancels the standing order — the bank first
// asks, naming what would be cancelled, and "No, keep it" changes nothing — then confirms: the page says it is done,
// lists only the scheduled payment, and her history says the standing order was cancelled before any payment; the
// partner reads the standing order CANC while its scheduled payment stays PDNG. No page breaks the strict CSP or logs an
// error.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { formatCustomerDate, formatCustomerDateTime } from '../../src/web/formats.js';
import { browserSuite, logInWithKeyboard } from '../support/browser-suite.js';
import { REDIRECT_URI } from '../support/partner.js';
import { ACCOUNTS, PISP, registerPaymentPartner, type PaymentPartner } from '../support/payment-partner.js';

const SCHEDULED_CONSENTS = `${PISP}/domestic-scheduled-payment-consents`;
const SCHEDULED_PAYMENTS = `${PISP}/domestic-scheduled-payments`;
const STANDING_ORDER_CONSENTS = `${PISP}/domestic-standing-order-consents`;
const STANDING_ORDERS = `${PISP}/domestic-standing-orders`;

/** A whole minute `days` from now (the pages show minutes), at 09:30 UTC. */
function daysFromNow(days: number): Date {
  return new Date(`${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T09:30:00Z`);
}

const PAY_ON = daysFromNow(10);
const FIRST_ON = daysFromNow(5);

/** A scheduled payment of £42.00 to bob, paid on {@link PAY_ON}. */
const scheduledConsent = {
  Data: {
    Permission: 'Create',
    Initiation: {
      InstructionIdentification: 'ROOF-REPAIR-1',
      EndToEndIdentification: 'E2E-ROOF',
      RequestedExecutionDateTime: PAY_ON.toISOString(),
      InstructedAmount: { Amount: '42.00', Currency: 'GBP' },
      CreditorAccount: ACCOUNTS.bobCurrent,
      RemittanceInformation: { Reference: 'ROOF REPAIR' },
    },
  },
  Risk: { PaymentContextCode: 'TransferToThirdParty' },
};

/** A standing order to carol: £75.00 every 2 weeks on the weekday of {@link FIRST_ON}, 6 payments in all. */
const standingOrderConsent = {
  Data: {
    Permission: 'Create',
    Initiation: {
      NumberOfPayments: '6',
      FirstPaymentAmount: { Amount: '75.00', Currency: 'GBP' },
      CreditorAccount: ACCOUNTS.carolCurrent,
      RemittanceInformation: { Reference: 'ALLOTMENT RENT' },
      MandateRelatedInformation: {
        FirstPaymentDateTime: FIRST_ON.toISOString(),
        Frequency: { Type: `IntrvlWkDay:02:0${((FIRST_ON.getUTCDay() + 6) % 7) + 1}` },
      },
    },
  },
  Risk: { PaymentContextCode: 'TransferToThirdParty' },
};

const WEEKDAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' }).format(FIRST_ON);

/** The text of the `<dd>` of the summary row whose `<dt>` is `term`, in `scope`. */
function summaryValue(scope: Locator | Page, term: string): Promise<string> {
  return scope
    .locator('.summary__row')
    .filter({ has: scope.locator('dt', { hasText: new RegExp(`^${term}$`) }) })
    .locator('dd')
    .innerText();
}

/** The cells of each body row of `table`. */
async function rowsOf(table: Locator): Promise<string[][]> {
  const rows = table.locator('tbody tr');
  const cells: string[][] = [];
  for (let index = 0; index < (await rows.count()); index += 1) cells.push(await rows.nth(index).locator('td').allInnerTexts());
  return cells;
}

/** Whether `locator` is the element that has the keyboard focus. */
async function hasFocus(locator: Locator): Promise<boolean> {
  return (await locator.and(locator.page().locator(':focus')).count()) === 1;
}

describe('payments to come in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;
  let partner: PaymentPartner;

  before(async () => {
    partner = await registerPaymentPartner(suite.server, 'Home Ledger');
  });

  /**
   * The partner creates a consent; the customer reads what it pays and when (`words`) and approves it in `page` (with the
   * one-time code if asked); the partner's token.
   */
  async function approveInBrowser(
    page: Page,
    callbacks: URL[],
    path: string,
    body: unknown,
    words: { pay: string; when: RegExp },
  ): Promise<{ consentId: string; token: string }> {
    const { pay, when } = words;
    const created = await partner.signedPost(await partner.paymentsToken(), path, body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const consentId = created.body.Data.ConsentId as string;
    const start = await partner.pushAuthorizationRequest(consentId);
    await page.goto(start.url.href);
    if (await page.getByLabel('Username').count()) await logInWithKeyboard(page, 'alice', 'alice-sandbox-1');
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.match(await summaryValue(page, 'When'), when);
    assert.equal(await summaryValue(page, 'Pay'), pay);
    const account = page.getByRole('radio', { name: /^Current ••6819/ });
    await account.focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Approve payment' }).press('Enter');
    await page.waitForURL((url) => url.href.startsWith(REDIRECT_URI) || url.pathname.startsWith('/interaction/'));
    if (!page.url().startsWith(REDIRECT_URI) && (await page.getByLabel('Code').count())) {
      const code = (await page.locator('#sandbox-code').innerText()).trim();
      await page.getByLabel('Code').fill(code);
      await page.getByRole('button', { name: 'Confirm payment' }).press('Enter');
    }
    await page.waitForURL(`${REDIRECT_URI}**`);
    const callback = callbacks.at(-1) as URL;
    assert.equal(callback.searchParams.get('error'), null, callback.href);
    const tokens = await partner.exchangeCode(callback, start);
    return { consentId, token: tokens.access_token };
  }

  test('the customer reads a scheduled payment and a standing order in connected apps, cancels the standing order by keyboard after a confirmation → the partner reads CANC; the scheduled payment stays', async () => {
    await withPage('upcoming-payments', async (page, callbacks, cspViolations) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));

      // The partner asks for both; alice approves each on the payment page, which says what it pays and when.
      const scheduled = await approveInBrowser(page, callbacks, SCHEDULED_CONSENTS, scheduledConsent, {
        pay: '£42.00',
        when: new RegExp(`^On ${formatCustomerDateTime(PAY_ON)}$`),
      });
      const order = await approveInBrowser(page, callbacks, STANDING_ORDER_CONSENTS, standingOrderConsent, {
        pay: '£75.00 each time',
        when: new RegExp(`^On ${formatCustomerDateTime(FIRST_ON)}, then every 2 weeks on ${WEEKDAY} \\(6 payments in all\\)$`),
      });
      const paid = await partner.signedPost(scheduled.token, SCHEDULED_PAYMENTS, {
        Data: { ConsentId: scheduled.consentId, Initiation: structuredClone(scheduledConsent.Data.Initiation) },
        Risk: structuredClone(scheduledConsent.Risk),
      });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      const paymentId = paid.body.Data.DomesticScheduledPaymentId as string;
      const ordered = await partner.signedPost(order.token, STANDING_ORDERS, {
        Data: { ConsentId: order.consentId, Initiation: structuredClone(standingOrderConsent.Data.Initiation) },
        Risk: structuredClone(standingOrderConsent.Risk),
      });
      assert.equal(ordered.status, 201, JSON.stringify(ordered.body));
      const orderId = ordered.body.Data.DomesticStandingOrderId as string;

      // Connected apps: both, soonest first, in plain words.
      await page.goto(`${suite.server.issuer}/account`);
      if (await page.getByLabel('Username').count()) await logInWithKeyboard(page, 'alice', 'alice-sandbox-1');
      const upcoming = page.getByRole('region', { name: 'Payments to come' });
      const table = upcoming.getByRole('table', { name: 'Scheduled payments and standing orders, soonest first' });
      await table.waitFor();
      assert.deepEqual(await table.locator('thead th').allInnerTexts(), ['When', 'What', 'How often', 'Amount', 'To', 'Set up by', 'Action']);
      assert.deepEqual(await rowsOf(table), [
        [
          formatCustomerDateTime(FIRST_ON),
          'Standing order',
          `Every 2 weeks on ${WEEKDAY}, payment 1 of 6`,
          '£75.00',
          'Carol Hughes\nSort code 99-03-01, account 52014476',
          'Home Ledger',
          'Cancel the standing order',
        ],
        [
          formatCustomerDateTime(PAY_ON),
          'Scheduled payment',
          'Once',
          '£42.00',
          'Bob Patel\nSort code 99-03-01, account 41873205',
          'Home Ledger',
          'Cancel this payment',
        ],
      ]);

      // Keyboard: Tab moves from the standing order's cancel control to the scheduled payment's; each is named in full.
      const cancelOrder = upcoming.getByRole('link', {
        name: `Cancel the standing order: £75.00 to Carol Hughes on ${formatCustomerDateTime(FIRST_ON)}`,
      });
      const cancelPayment = upcoming.getByRole('link', { name: `Cancel this payment: £42.00 to Bob Patel on ${formatCustomerDateTime(PAY_ON)}` });
      await cancelOrder.focus();
      await page.keyboard.press('Tab');
      assert.ok(await hasFocus(cancelPayment), 'Tab from one cancel control → the next');
      assert.equal(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle'), 'solid', 'a visible focus ring');
      await page.keyboard.press('Shift+Tab');
      assert.ok(await hasFocus(cancelOrder));

      // Enter asks first: what would be cancelled, and what follows. "No, keep it" changes nothing.
      await Promise.all([page.waitForURL(/\/account\/payments\/pmt_[^/]+\/cancel$/), page.keyboard.press('Enter')]);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Cancel this standing order?');
      assert.equal(await summaryValue(page, 'To'), 'Carol Hughes\nSort code 99-03-01, account 52014476');
      assert.equal(await summaryValue(page, 'Amount'), '£75.00');
      assert.equal(await summaryValue(page, 'Next payment'), formatCustomerDateTime(FIRST_ON));
      assert.equal(await summaryValue(page, 'How often'), `Every 2 weeks on ${WEEKDAY}, payment 1 of 6`);
      assert.equal(await summaryValue(page, 'Set up by'), 'Home Ledger');
      assert.match(
        await page.locator('main').innerText(),
        /No more payments will be made under this standing order: not the next one, nor any after it\. Home Ledger will be told\./,
      );
      const keep = page.getByRole('link', { name: 'No, keep it' });
      await keep.focus();
      await Promise.all([page.waitForURL(`${suite.server.issuer}/account`), page.keyboard.press('Enter')]);
      assert.equal((await rowsOf(table)).length, 2, 'both still to come');
      const token = await partner.paymentsToken();
      assert.equal((await partner.call(token, 'GET', `${STANDING_ORDERS}/${orderId}`)).body.Data.Status, 'PDNG');

      // Again, and this time "Yes": by keyboard, Tab from "Yes" reaches "No, keep it".
      await cancelOrder.focus();
      await Promise.all([page.waitForURL(/\/cancel$/), page.keyboard.press('Enter')]);
      const yes = page.getByRole('button', { name: 'Yes, cancel the standing order' });
      await yes.focus();
      await page.keyboard.press('Tab');
      assert.ok(await hasFocus(page.getByRole('link', { name: 'No, keep it' })), 'Tab from "Yes" → "No, keep it"');
      await page.keyboard.press('Shift+Tab');
      await Promise.all([page.waitForURL(/notice=payment-cancelled/), page.keyboard.press('Enter')]);
      assert.equal(await page.getByRole('status').innerText(), 'Done: that payment will not be made. The app that set it up has been told.');
      assert.deepEqual(await rowsOf(table), [
        [
          formatCustomerDateTime(PAY_ON),
          'Scheduled payment',
          'Once',
          '£42.00',
          'Bob Patel\nSort code 99-03-01, account 41873205',
          'Home Ledger',
          'Cancel this payment',
        ],
      ]);

      // Her history says what became of the standing order (not "Not paid"): cancelled today, before any payment.
      const today = formatCustomerDate(new Date());
      const history = await rowsOf(page.getByRole('table', { name: /payments you approved/ }));
      assert.deepEqual(history, [
        [
          'Home Ledger',
          'A standing order to Carol Hughes (first payment £75.00) from Current ••6819 · GBP',
          today,
          `Cancelled on ${today}, before any payment`,
        ],
        ['Home Ledger', 'A payment of £42.00 to Bob Patel from Current ••6819 · GBP', today, 'Scheduled: not paid yet'],
      ]);

      // The partner: the standing order CANC, none of its payments ever sent to the scheme; the scheduled payment PDNG.
      const cancelled = await partner.call(token, 'GET', `${STANDING_ORDERS}/${orderId}`);
      assert.equal(cancelled.body.Data.Status, 'CANC');
      const details = await partner.call(token, 'GET', `${STANDING_ORDERS}/${orderId}/payment-details`);
      assert.deepEqual(details.body.Data.PaymentStatus, []);
      assert.equal((await partner.call(token, 'GET', `${SCHEDULED_PAYMENTS}/${paymentId}`)).body.Data.Status, 'PDNG');
      assert.deepEqual(cspViolations, []);
      assert.deepEqual(errors, []);
    });
  });
});
