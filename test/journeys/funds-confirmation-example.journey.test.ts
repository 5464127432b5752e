// Proves that the runnable confirmation of funds example of the partner docs (partner-portal-docs/examples/
// funds-confirmation.mjs) works as funds-confirmation.md documents it: run as a card issuer runs it, against a test
// server, for a CBPII app created in the portal with keys from generate-keys.mjs; the customer agrees in the browser;
// the example is told the funds are available for a small amount and not for a large one, asks again with a refreshed
// token, deletes the consent (CANC) and sees its refresh token refused; no money moves. It keeps the consent when asked,
// and stops before creating anything when a setting cannot work. The customer not agreeing prints the bank's answer and
// what to check, deletes the consent and exits with 1.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { bookedBalance } from '../support/account-balances.js';
import { logIn } from '../support/authorise.js';
import { CustomerBrowser, readForm } from '../support/customer-browser.js';
import { assertRefusal, ExampleProcess, freeLoopbackPort, REPOSITORY_ROOT, runExample, type ExampleRun } from '../support/example-process.js';
import { PortalClient } from '../support/portal-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const EXAMPLE = 'partner-portal-docs/examples/funds-confirmation.mjs';
const KEYS = 'partner-portal-docs/examples/generate-keys.mjs';

describe('the confirmation of funds example of the partner docs', () => {
  let server: TestServer;
  let keys: string;
  let callbackUri: string;
  let clientId: string;
  const running: ExampleProcess[] = [];

  function env(extra: Record<string, string> = {}): Record<string, string> {
    return { ISSUER: server.issuer, CLIENT_ID: clientId, PRIVATE_JWK_FILE: join(keys, 'private-jwk.json'), REDIRECT_URI: callbackUri, ...extra };
  }

  /** Runs the example; Alice opens the printed URL, logs in, reads the consent page and agrees (or not); the run's end. */
  async function runAsAlice(
    extra: Record<string, string> = {},
    decision: 'approve' | 'deny' = 'approve',
    inspect: (html: string) => void = () => undefined,
  ): Promise<ExampleRun & { consentId: string }> {
    const example = ExampleProcess.node(EXAMPLE, env(extra));
    running.push(example);
    const [, consentId = ''] = await example.waitFor(/^Consent (fcc_\S+) created, status AWAU/m);
    const [, url = ''] = await example.waitFor(/^ {2}(http:\/\/\S+\/auth\?\S+)$/m);
    const browser = new CustomerBrowser(server.issuer);
    const page = await logIn(browser, await browser.follow(url, 'never:'), 'alice', 'alice-sandbox-1');
    assert.equal(page.status, 200, page.html.slice(0, 300));
    inspect(page.html);
    const form = readForm(page.html);
    const landed = await browser.follow(form.action, 'never:', { form: { ...form.hidden, decision } });
    assert.match(landed.html, /Done\. You can close this window/, 'the browser lands on the listener of the example');
    return { ...(await example.finished()), consentId };
  }

  async function consentStatus(consentId: string): Promise<string> {
    const [row] = await server.database.dataSource.query('SELECT status FROM consent WHERE id = ?', [consentId]);
    return row.status;
  }

  before(async () => {
    server = await startTestServer();
    const directory = mkdtempSync(join(tmpdir(), 'openteller-funds-example-'));
    keys = join(directory, 'keys');
    await promisify(execFile)(process.execPath, [KEYS, keys], { cwd: REPOSITORY_ROOT });
    callbackUri = `http://127.0.0.1:${await freeLoopbackPort()}/callback`;
    const portal = await PortalClient.signedUp(server, 'Cards Ltd', 'dev@cards.example');
    const created = await portal.submit('/portal/apps/new', '/portal/apps', {
      name: 'Cards App',
      redirect_uris: callbackUri,
      roles: ['CBPII'],
      keys_source: 'jwks',
      jwks: readFileSync(join(keys, 'public-jwks.json'), 'utf8'),
    });
    clientId = /id="client-id">([^<]+)</.exec(created.html)?.[1] ?? '';
    assert.ok(clientId, created.html.slice(0, 500));
  });
  after(async () => {
    for (const example of running) example.stop();
    await server.close();
  });

  test('run with its defaults → 20.00 GBP available, 100000.00 GBP not, again available with a refreshed token; the consent deleted (CANC), the refresh token refused; exit 0, no money moved', async () => {
    const balance = await bookedBalance(server.database.dataSource, 'acc_alice_current');
    const { code, stdout, stderr, consentId } = await runAsAlice({}, 'approve', (html) => {
      assert.match(html, /Cards App/, 'the consent page names the card issuer');
      assert.match(html, /6819/, 'and the account, masked');
    });
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.equal(stderr, '');
    assert.match(stdout, /^Discovered http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(stdout, /Listening for the callback on http:\/\/127\.0\.0\.1:\d+\/callback/);
    assert.match(stdout, /^Consent fcc_\S+ created, status AWAU, for UK\.OBIE\.SortCodeAccountNumber 99030131926819 until \d{4}-\d\d-\d\dT/m);
    assert.match(stdout, /^Customer access token \(DPoP-bound\), expires in 300 s, scope "fundsconfirmations"$/m);
    assert.equal(stdout.match(/^Funds for 20\.00 GBP \(reference CARD-\w{8}\): available \(fcf_\S+\)$/gm)?.length, 2);
    assert.match(stdout, /^Funds for 100000\.00 GBP \(reference CARD-\w{8}\): not available \(fcf_\S+\)$/m);
    assert.match(stdout, /^Refreshed the access token with the refresh token$/m);
    assert.match(stdout, new RegExp(`^Consent ${consentId} is AUTH$`, 'm'));
    assert.match(stdout, new RegExp(`^Consent ${consentId} deleted \\(204\\); its status is now CANC$`, 'm'));
    assert.match(stdout, /^The refresh token is now refused: invalid_grant$/m);
    assert.equal(await consentStatus(consentId), 'CANC');
    assert.equal(await bookedBalance(server.database.dataSource, 'acc_alice_current'), balance, 'confirming funds moves no money');
  });

  test("KEEP_CONSENT=1, VALID_DAYS=0 and other amounts → an open-ended consent kept AUTH, the amounts asked as set (played back with the currency's decimals)", async () => {
    const { code, stdout, stderr, consentId } = await runAsAlice({ KEEP_CONSENT: '1', VALID_DAYS: '0', AMOUNT: '5.5', LARGE_AMOUNT: '9999999' });
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /^Consent fcc_\S+ created, status AWAU, for UK\.OBIE\.SortCodeAccountNumber 99030131926819, open-ended$/m);
    assert.equal(stdout.match(/^Funds for 5\.50 GBP \(reference CARD-\w{8}\): available/gm)?.length, 2, stdout);
    assert.match(stdout, /^Funds for 9999999\.00 GBP \(reference CARD-\w{8}\): not available/m);
    assert.match(stdout, /^Kept: the customer sees it in their connected apps/m);
    assert.doesNotMatch(stdout, /deleted/);
    assert.equal(await consentStatus(consentId), 'AUTH');
  });

  test('the customer does not agree → access_denied and what to check, the consent (RJCT) deleted; exit 1', async () => {
    const result = await runAsAlice({}, 'deny');
    assertRefusal(result, /The bank refused the authorization:\n {2}access_denied/, new RegExp(`Consent ${result.consentId} deleted`));
    assert.equal(result.code, 1);
    assert.equal(await consentStatus(result.consentId), 'RJCT');
  });

  test('an account of someone else → the customer cannot agree; the bank refuses the consent creation of an account elsewhere with U002, exit 1', async () => {
    const elsewhere = await runExample(EXAMPLE, env({ DEBTOR_ACCOUNT: '20325873918204' }));
    assertRefusal(elsewhere, /400/, /U002/, /Data\.DebtorAccount\.Identification/);
    assert.equal(elsewhere.code, 1);
    const bobs = await runAsAlice({ DEBTOR_ACCOUNT: '99030141873205', DEBTOR_NAME: 'Bob Patel' }, 'deny', (html) => {
      assert.doesNotMatch(html, /value="approve"/, 'Alice is offered no way to agree for Bob');
    });
    assert.equal(bobs.code, 1);
    assert.equal(await consentStatus(bobs.consentId), 'RJCT');
  });

  test('settings that cannot work → what to set, exit 2, nothing created', async () => {
    const [before] = await server.database.dataSource.query("SELECT COUNT(*) AS n FROM consent WHERE kind = 'funds-confirmation'");
    for (const [settings, message] of [
      [{ AMOUNT: '1,50' }, /AMOUNT must be an amount such as 20\.00 \(got "1,50"\)/],
      [{ LARGE_AMOUNT: '-5' }, /LARGE_AMOUNT must be an amount such as 20\.00 \(got "-5"\)/],
      [{ VALID_DAYS: 'soon' }, /VALID_DAYS must be a whole number of days \(got "soon"\)/],
    ] as const) {
      const result = await runExample(EXAMPLE, env(settings));
      assert.equal(result.code, 2, `${JSON.stringify(settings)}: ${result.stdout}\n${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
    const [afterwards] = await server.database.dataSource.query("SELECT COUNT(*) AS n FROM consent WHERE kind = 'funds-confirmation'");
    assert.equal(Number(afterwards.n), Number(before.n));
  });
});
