// Proves in a real browser (Debian Chromium driven by playwright-core) a card issuer's funds confirmation consent from
// the customer's side, with the keyboard: at the bank the consent page names the card issuer and the account (masked)
// in plain words — a yes or no, never the balance — and the customer agrees with the keyboard; the card issuer then
// confirms funds; the customer's connected apps show the card issuer, the account and its last use; the customer
// revokes it there, it moves to the history, and the card issuer's very next confirmation (400 U009) and its refresh
// token fail. No page breaks the strict CSP.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { browserSuite, logInWithKeyboard } from '../support/browser-suite.js';
import { FUNDS_CONSENTS, registerFundsPartner, type FundsPartner } from '../support/funds-partner.js';
import { REDIRECT_URI } from '../support/partner.js';

describe('confirmation of funds in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;
  let issuer: FundsPartner;

  before(async () => {
    issuer = await registerFundsPartner(suite.server, 'Plastic Card Co');
  });

  test('the consent page names the card issuer and the account; approved by keyboard; revoked in connected apps → the next confirmation 400 U009', async () => {
    await withPage('funds-confirmation', async (page, callbacks, cspViolations) => {
      const consentId = await issuer.createFundsConsent();
      const start = await issuer.pushAuthorizationRequest(consentId);
      await page.goto(start.url.href);
      await logInWithKeyboard(page, 'alice', 'alice-sandbox-1');
      const agree = page.getByRole('button', { name: 'Agree to these checks' });
      await agree.waitFor();

      const heading = await page.getByRole('heading', { level: 1 }).innerText();
      assert.match(heading, /Plastic Card Co/, 'the page names the card issuer');
      const text = await page.locator('main').innerText();
      assert.match(text, /Account checked\s+Current ••6819 · GBP/, 'the account by its name and the last digits of its number');
      assert.doesNotMatch(text, /99030131926819/, 'never the whole number');
      assert.match(text, /will learn only yes or no/);
      assert.match(text, /will not see your balance/, 'it says what the card issuer is not told');
      await agree.focus();
      // Enter on the focused button through its locator: a bare page.keyboard.press('Enter') submits the form too, but
      // then this Chromium does not route the bank's redirect to the partner's callback (ERR_UNSAFE_PORT for port 9).
      await agree.press('Enter');
      await page.waitForURL(`${REDIRECT_URI}**`);
      const tokens = await issuer.exchangeCode(callbacks.at(-1) as URL, start);
      const answer = await issuer.confirmFunds(tokens.access_token, consentId, '10.00');
      assert.equal(answer.body.Data.FundsAvailable, true);

      await page.goto(`${suite.server.issuer}/account`);
      await logInWithKeyboard(page, 'alice', 'alice-sandbox-1');
      const connection = page.getByRole('article', { name: /Plastic Card Co/ });
      await connection.waitFor();
      const listed = await connection.innerText();
      assert.match(listed, /6819/);
      assert.match(listed, /Last used/);
      assert.match(listed, /It learns only yes or no, never your balance/);
      await connection.getByRole('button', { name: 'Stop funds checks by Plastic Card Co' }).focus();
      await Promise.all([page.waitForURL(/notice=funds-checks-stopped/), page.keyboard.press('Enter')]);
      assert.match(await page.getByRole('status').innerText(), /can no longer check whether your account has enough money/);
      assert.equal(await page.getByRole('article', { name: /Plastic Card Co/ }).count(), 0, 'no longer listed as in force');
      assert.match(await page.getByRole('table', { name: /^Access you gave before/ }).innerText(), /Plastic Card Co/, 'but in the history');

      const refused = await issuer.confirmFunds(tokens.access_token, consentId, '10.00');
      assert.equal(refused.status, 400);
      assert.equal(refused.body.Errors[0].ErrorCode, 'U009');
      await assert.rejects(
        client.refreshTokenGrant(issuer.config, tokens.refresh_token as string, undefined, { DPoP: issuer.dpop }),
        (error: { error?: string }) => error.error === 'invalid_grant',
      );
      const consent = await issuer.call(await issuer.clientCredentialsToken(), 'GET', `${FUNDS_CONSENTS}/${consentId}`);
      assert.equal(consent.body.Data.Status, 'CANC');
      assert.deepEqual(cspViolations, []);
    });
  });
});
