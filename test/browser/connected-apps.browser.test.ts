// Proves in a real browser (Debian Chromium driven by playwright-core) that a customer controls what they shared,
// with the keyboard and labelled controls: after approving a consent they see it under connected apps (app, what it
// can see in plain words, accounts, last use), stop sharing one account — the partner's very next call for it is
// refused while the other account keeps working — then revoke the rest, after which the partner's very next call and
// its refresh token fail; no page breaks the strict CSP.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { browserSuite, logInWithKeyboard } from '../support/browser-suite.js';
import { API, REDIRECT_URI, registerPartner, type Partner } from '../support/partner.js';
import type { TestServer } from '../support/test-server.js';

describe('connected apps in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;
  let server: TestServer;
  let partner: Partner;

  before(async () => {
    server = suite.server;
    partner = await registerPartner(server, 'Budget Buddy');
  });

  test('approve two accounts → connected apps shows them → stop sharing one → revoke the rest: the partner is refused exactly when it should be', async () => {
    await withPage('connected-apps', async (page, callbacks, cspViolations) => {
      const consentId = await partner.createConsent(['ReadAccountsDetail', 'ReadBalances']);
      const start = await partner.pushAuthorizationRequest(consentId);
      await page.goto(start.url.href);
      await logInWithKeyboard(page, 'bob', 'bob-sandbox-2');
      await page.getByRole('checkbox', { name: /^Current —/ }).check();
      await page.getByRole('checkbox', { name: /^Patel Plumbing —/ }).check();
      await page.getByRole('button', { name: /Approve/ }).click();
      await page.waitForURL(`${REDIRECT_URI}**`);
      const tokens = await partner.exchangeCode(callbacks.at(-1) as URL, start);
      const token = tokens.access_token;
      assert.equal((await partner.call(token, 'GET', `${API}/accounts/acc_bob_business/balances`)).status, 200);

      await page.goto(`${server.issuer}/account`);
      await logInWithKeyboard(page, 'bob', 'bob-sandbox-2');
      const connection = page.getByRole('article', { name: /Budget Buddy/ });
      await connection.waitFor();
      const text = await connection.innerText();
      assert.match(text, /Your account details/);
      assert.match(text, /Your balances/);
      assert.match(text, /Patel Plumbing/);
      assert.match(text, /Current/);
      assert.match(text, /Last used/);

      await page.getByRole('button', { name: /Stop sharing Patel Plumbing .* with Budget Buddy/ }).focus();
      await Promise.all([page.waitForURL(/notice=account-removed/), page.keyboard.press('Enter')]);
      assert.match(await page.getByRole('status').innerText(), /no longer shared/);
      assert.equal(
        (await partner.call(token, 'GET', `${API}/accounts/acc_bob_business/balances`)).status,
        403,
        'the removed account is refused at once',
      );
      const remaining = await partner.call(token, 'GET', `${API}/accounts`);
      assert.equal(remaining.status, 200);
      assert.deepEqual(
        remaining.body.Data.Account.map((account: { AccountId: string }) => account.AccountId),
        ['acc_bob_current'],
      );
      assert.equal(await page.getByRole('button', { name: /Stop sharing/ }).count(), 0, 'the last account cannot be removed on its own');

      await page.getByRole('button', { name: 'Revoke access for Budget Buddy' }).focus();
      await Promise.all([page.waitForURL(/notice=revoked/), page.keyboard.press('Enter')]);
      assert.match(await page.getByRole('status').innerText(), /can no longer see your accounts/);
      assert.match(
        await page.getByRole('heading', { name: 'Apps that can see your accounts' }).locator('..').innerText(),
        /No app can see your accounts/,
      );
      assert.match(await page.getByRole('table', { name: /Access you gave before/ }).innerText(), /Budget Buddy[\s\S]*Revoked on/);
      assert.equal((await partner.call(token, 'GET', `${API}/accounts`)).status, 401, 'the partner is refused on its very next call');
      await assert.rejects(
        client.refreshTokenGrant(partner.config, tokens.refresh_token as string, undefined, { DPoP: partner.dpop }),
        (error: { error?: string }) => error.error === 'invalid_grant',
      );
      const consent = await partner.call(await partner.clientCredentialsToken(), 'GET', `${API}/account-access-consents/${consentId}`);
      assert.equal(consent.body.Data.Status, 'CANC');
      assert.deepEqual(cspViolations, []);
    });
  });
});
