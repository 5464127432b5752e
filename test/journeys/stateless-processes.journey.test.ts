// Proves that no step of the partner flow depends on in-process state: the flow survives a restart between
// every two steps, and two independent instances (own connection pools, own provider) sharing one database
// can serve its requests alternately — as two processes behind a load balancer would.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { decide, logIn } from '../support/authorise.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { API, REDIRECT_URI, registerPartner } from '../support/partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('stateless processes', () => {
  const servers: TestServer[] = [];
  after(async () => Promise.all(servers.map((server) => server.close())));

  test('a restart between any two steps of the flow → the flow still completes', async () => {
    const server = await startTestServer();
    servers.push(server);
    const partner = await registerPartner(server);
    const consentId = await partner.createConsent(['ReadAccountsBasic']);
    await server.restart();
    const start = await partner.pushAuthorizationRequest(consentId);
    await server.restart();
    const browser = new CustomerBrowser(server.issuer);
    const loginPage = await browser.follow(start.url.href, REDIRECT_URI);
    assert.equal(loginPage.status, 200);
    await server.restart();
    const consentPage = await logIn(browser, loginPage, 'carol', 'carol-sandbox-3');
    assert.match(consentPage.html, /name="decision" value="approve"/);
    await server.restart();
    const result = await decide(browser, consentPage, 'approve', ['acc_carol_current']);
    assert.ok(result.callback);
    await server.restart();
    const tokens = await partner.exchangeCode(result.callback, start);
    assert.equal(tokens.claims()?.openbanking_intent_id, consentId);
    await server.restart();
    const accounts = await partner.call(tokens.access_token, 'GET', `${API}/accounts`);
    assert.equal(accounts.status, 200);
    assert.deepEqual(
      accounts.body.Data.Account.map((account: { AccountId: string }) => account.AccountId),
      ['acc_carol_current'],
    );
  });

  test('two instances on one database serving the requests of one flow alternately → the flow completes', async () => {
    const server = await startTestServer({ instances: 2 });
    servers.push(server);
    const partner = await registerPartner(server);
    for (const username of ['dave', 'dave']) {
      const consentId = await partner.createConsent(['ReadAccountsDetail']);
      const start = await partner.pushAuthorizationRequest(consentId);
      const browser = new CustomerBrowser(server.issuer);
      const loginPage = await browser.follow(start.url.href, REDIRECT_URI);
      const consentPage = await logIn(browser, loginPage, username, 'dave-sandbox-4');
      const result = await decide(browser, consentPage, 'approve', ['acc_dave_savings']);
      assert.ok(result.callback, result.html.slice(0, 300));
      const tokens = await partner.exchangeCode(result.callback, start);
      for (let call = 0; call < 4; call += 1) {
        const accounts = await partner.call(tokens.access_token, 'GET', `${API}/accounts/acc_dave_savings`);
        assert.equal(accounts.status, 200);
      }
    }
  });
});
