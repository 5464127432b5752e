// Proves in a real browser (Debian Chromium driven by playwright-core) that a partner onboards end to end with the
// keyboard and labelled fields: signs up, confirms the email from the sandbox mailbox, creates an app by pasting its
// key set, downloads the app's software statement, registers a client by Dynamic Client Registration with it, and
// that client then completes a customer's consent and reads accounts; no page breaks the strict CSP.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import { decodeJwt, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import * as client from 'openid-client';
import { browserSuite } from '../support/browser-suite.js';
import { API, partnerClient, REDIRECT_URI } from '../support/partner.js';
import type { TestServer } from '../support/test-server.js';

describe('partner onboarding in Chromium', () => {
  const suite = browserSuite();
  const { withPage } = suite;
  let server: TestServer;
  let signingKey: CryptoKey;
  let publicJwks: { keys: Record<string, unknown>[] };

  before(async () => {
    server = suite.server;
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    signingKey = privateKey;
    publicJwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'ledgerly-key-1', alg: 'ES256', use: 'sig' }] };
  });

  test('sign up → confirm email from the sandbox mailbox → create an app → download its software statement → DCR → the new client reads accounts', async () => {
    await withPage('partner-onboarding', async (page, callbacks, cspViolations) => {
      await page.goto(`${server.issuer}/portal/signup`);
      await page.getByLabel('Organisation name').focus();
      await page.keyboard.type('Ledgerly Ltd');
      await page.keyboard.press('Tab');
      await page.keyboard.type('dev@ledgerly.example');
      await page.keyboard.press('Tab');
      await page.keyboard.type('correct horse battery staple');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Your apps' }).waitFor();
      assert.match(await page.getByRole('alert').innerText(), /Confirm your email address/);
      assert.equal(await page.getByRole('link', { name: 'Create an app' }).count(), 0, 'no app before the email is confirmed');

      await page.getByRole('link', { name: 'sandbox mailbox' }).first().click();
      await page.getByRole('heading', { name: /Confirm your email address/ }).waitFor();
      await page.getByRole('link', { name: /confirm-email\?token=/ }).click();
      await page.getByRole('button', { name: 'Confirm my email address' }).click();
      assert.match(await page.getByRole('status').innerText(), /email address is confirmed/);

      await page.getByRole('link', { name: 'Create an app' }).click();
      await page.getByLabel('App name').fill('Ledgerly');
      await page.getByLabel('Redirect URIs').fill(REDIRECT_URI);
      await page.getByRole('checkbox', { name: /AISP/ }).check();
      await page.getByRole('radio', { name: /Paste a key set/ }).check();
      await page.getByRole('textbox', { name: 'Key set (JWKS)' }).fill(JSON.stringify(publicJwks));
      await page.getByRole('button', { name: 'Create app' }).click();
      await page.getByRole('heading', { level: 1, name: 'Ledgerly' }).waitFor();
      assert.match(await page.getByRole('status').innerText(), /client id works at once/);
      const portalClientId = (await page.locator('#client-id').innerText()).trim();
      assert.match(portalClientId, /^cli_/);

      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Download software statement' }).click();
      const statement = (await readFile(await (await download).path())).toString('utf8').trim();
      const claims = decodeJwt(statement);
      assert.equal(claims.iss, `${server.issuer}/directory`);
      assert.deepEqual(claims.software_redirect_uris, [REDIRECT_URI]);
      assert.deepEqual(claims.software_roles, ['AISP']);

      const registered = await fetch(`${server.issuer}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          software_statement: statement,
          redirect_uris: [REDIRECT_URI],
          scope: 'openid accounts',
          token_endpoint_auth_signing_alg: 'ES256',
        }),
      });
      assert.equal(registered.status, 201, await registered.clone().text());
      const registration = (await registered.json()) as { client_id: string; registration_access_token: string };
      assert.notEqual(registration.client_id, portalClientId);

      const config = await client.discovery(
        new URL(server.issuer),
        registration.client_id,
        {},
        client.PrivateKeyJwt({ key: signingKey, kid: 'ledgerly-key-1' }),
        {
          execute: [client.allowInsecureRequests],
        },
      );
      const partner = partnerClient(server, registration.client_id, config, client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256')));
      const consentId = await partner.createConsent(['ReadAccountsBasic']);
      const start = await partner.pushAuthorizationRequest(consentId);
      await page.goto(start.url.href);
      assert.match(await page.getByRole('main').innerText(), /Ledgerly/);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('alice-sandbox-1');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('checkbox', { name: /^Current —/ }).check();
      await page.getByRole('button', { name: /Approve/ }).click();
      await page.waitForURL(`${REDIRECT_URI}**`);
      const tokens = await partner.exchangeCode(callbacks.at(-1) as URL, start);
      const accounts = await partner.call(tokens.access_token, 'GET', `${API}/accounts`);
      assert.equal(accounts.status, 200);
      assert.deepEqual(
        accounts.body.Data.Account.map((account: { AccountId: string }) => account.AccountId),
        ['acc_alice_current'],
      );

      await page.goto(`${server.issuer}/portal/apps/${portalClientId}`);
      assert.match(await page.getByRole('table', { name: /Clients registered by DCR/ }).innerText(), new RegExp(registration.client_id));
      assert.deepEqual(cspViolations, []);
    });
  });
});
