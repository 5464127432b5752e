// Proves that every command the portal's app page shows runs as shown: each is taken from the rendered page and run
// in a shell from the repository's root against a test server, with the partner's private key files set the way the
// page tells partners to (exported variables); a sandbox customer approves in the browser and the example ends with
// exit 0. An app with the AISP, PISP and CBPII roles gets the account-information, payment, VRP and confirmation of
// funds commands; a switched-off app gets no command.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { logIn } from '../support/authorise.js';
import { approvePayment, debtorChoices, enterCode, sandboxCode } from '../support/authorise-payment.js';
import { CustomerBrowser, readForm } from '../support/customer-browser.js';
import { ExampleProcess, freeLoopbackPort, REPOSITORY_ROOT } from '../support/example-process.js';
import { PortalClient } from '../support/portal-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const run = promisify(execFile);

/** The commands on an app page, by their label, as a partner copies them (the page's text, not its markup). */
function commandsOf(html: string): Map<string, string> {
  const commands = new Map<string, string>();
  for (const match of html.matchAll(/<pre class="code" aria-label="Command: ([^"]+)">([\s\S]*?)<\/pre>/g)) {
    commands.set(unescapeHtml(match[1] ?? ''), unescapeHtml(match[2] ?? ''));
  }
  return commands;
}

function unescapeHtml(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|amp);/g, (_, entity: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[entity] ?? '');
}

describe('the commands of the portal app page', () => {
  let server: TestServer;
  let portal: PortalClient;
  let keys: string;
  let redirectUri: string;
  let appPath: string;
  const running: ExampleProcess[] = [];

  /** Runs the page's command labelled `label` in a shell, with the key files exported as the page says. */
  function runCommand(page: string, label: RegExp): ExampleProcess {
    const command = [...commandsOf(page)].find(([name]) => label.test(name))?.[1];
    assert.ok(command, `the page shows a command labelled ${label}: ${[...commandsOf(page).keys()].join(', ')}`);
    const example = ExampleProcess.shell(command, {
      PRIVATE_JWK_FILE: join(keys, 'private-jwk.json'),
      SIGNING_JWK_FILE: join(keys, 'signing-private-jwk.json'),
    });
    running.push(example);
    return example;
  }

  /** The address the example prints for the customer, opened and logged into as Alice. */
  async function customerLogsIn(example: ExampleProcess): Promise<{ browser: CustomerBrowser; page: Awaited<ReturnType<typeof logIn>> }> {
    const [, url] = await example.waitFor(/^ {2}(http:\/\/\S+\/auth\?\S+)$/m);
    const browser = new CustomerBrowser(server.issuer);
    const login = await browser.follow(url ?? '', 'never:');
    const page = await logIn(browser, login, 'alice', 'alice-sandbox-1');
    assert.equal(page.status, 200, page.html.slice(0, 300));
    return { browser, page };
  }

  before(async () => {
    server = await startTestServer();
    const directory = mkdtempSync(join(tmpdir(), 'openteller-snippets-'));
    keys = join(directory, 'keys');
    await run(process.execPath, ['partner-portal-docs/examples/generate-keys.mjs', keys], { cwd: REPOSITORY_ROOT });
    redirectUri = `http://127.0.0.1:${await freeLoopbackPort()}/callback`;
    portal = await PortalClient.signedUp(server, 'Snippet Ltd', 'dev@snippet.example');
    const created = await portal.submit('/portal/apps/new', '/portal/apps', {
      name: 'Snippet App',
      redirect_uris: `https://snippet.example/callback\n${redirectUri}`,
      roles: ['AISP', 'PISP', 'CBPII'],
      keys_source: 'jwks',
      jwks: readFileSync(join(keys, 'public-jwks.json'), 'utf8'),
    });
    assert.equal(created.status, 200, created.html.slice(0, 500));
    appPath = `/portal/apps/${/id="client-id">([^<]+)</.exec(created.html)?.[1]}`;
  });
  after(async () => {
    for (const example of running) example.stop();
    await server.close();
  });

  test('the account information command, run as shown → the customer approves, the accounts are read, the consent is revoked; exit 0', async () => {
    const example = runCommand((await portal.get(appPath)).html, /^Account information/);
    const { browser, page } = await customerLogsIn(example);
    const form = readForm(page.html);
    const callback = await browser.follow(form.action, 'never:', { form: { ...form.hidden, decision: 'approve', accounts: form.accountIds } });
    assert.match(callback.html, /Done\. You can close this window/, 'the browser lands on the listener of the example');
    const { code, stdout, stderr } = await example.finished();
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /Listening for the callback on http:\/\/127\.0\.0\.1:\d+\/callback/, 'the loopback redirect URI is chosen');
    assert.match(stdout, /GET \/accounts:/);
    assert.match(stdout, /Consent aac_\S+ deleted; its status is now CANC/);
    assert.match(stdout, /GET \/accounts with the customer token is now refused: 401/);
  });

  test('the payment command, run as shown → the customer approves (and gives the one-time code if asked), the payment completes; exit 0', async () => {
    const example = runCommand((await portal.get(appPath)).html, /^Payments/);
    const { browser, page } = await customerLogsIn(example);
    let result = await approvePayment(browser, page, debtorChoices(page)[0] ?? '');
    const code = sandboxCode(result);
    if (code !== null) result = await enterCode(browser, result, code);
    assert.match(result.html, /Done\. You can close this window/, 'the browser lands on the listener of the example');
    const { code: exitCode, stdout, stderr } = await example.finished();
    assert.equal(exitCode, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /Payment pmt_\S+: status ACSC/);
    assert.match(stdout, /Consent pmc_\S+ is now COND \(used\)/);
  });

  test('the VRP command, run as shown → the customer agrees to the mandate, three payments are made without her and the fourth is refused by its limit; exit 0', async () => {
    const example = runCommand((await portal.get(appPath)).html, /^Variable recurring payments/);
    const { browser, page } = await customerLogsIn(example);
    const result = await approvePayment(browser, page, 'acc_alice_current');
    assert.match(result.html, /Done\. You can close this window/, 'the browser lands on the listener of the example');
    const { code, stdout, stderr } = await example.finished();
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.equal(stdout.match(/^Payment [123]: pmt_\S+, 10\.00 GBP, .*status ACSC$/gm)?.length, 3);
    assert.match(stdout, /^Payment 4 of 10\.00 GBP: refused, as expected: 400 U014 at Data\.ControlParameters\.PeriodicLimits\[0\]$/m);
  });

  test('the confirmation of funds command, run as shown → the customer agrees to the checks, the card issuer gets a yes and a no, refreshes, deletes the consent; exit 0', async () => {
    const example = runCommand((await portal.get(appPath)).html, /^Confirmation of funds/);
    const { browser, page } = await customerLogsIn(example);
    assert.match(page.html, /wants to check that your account has enough money/);
    const form = readForm(page.html);
    const callback = await browser.follow(form.action, 'never:', { form: { ...form.hidden, decision: 'approve' } });
    assert.match(callback.html, /Done\. You can close this window/, 'the browser lands on the listener of the example');
    const { code, stdout, stderr } = await example.finished();
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /^Funds for 20\.00 GBP \(reference CARD-\S+\): available \(fcf_\S+\)$/m);
    assert.match(stdout, /^Funds for 100000\.00 GBP \(reference CARD-\S+\): not available \(fcf_\S+\)$/m);
    assert.match(stdout, /Consent fcc_\S+ deleted \(204\); its status is now CANC/);
    assert.match(stdout, /The refresh token is now refused: invalid_grant/);
  });

  test('an app with the AISP, PISP and CBPII roles → the commands of every role, in that order', async () => {
    const page = (await portal.get(appPath)).html;
    assert.doesNotMatch(page, /does not serve the funds confirmation API/);
    assert.deepEqual(
      [...commandsOf(page).keys()],
      [
        'Account information (AISP): read the accounts a customer shares',
        'Payments (PISP): make a payment a customer approves',
        'Variable recurring payments (PISP): a mandate a customer gives once, then payments without them',
        'Confirmation of funds (CBPII): ask whether a customer’s account can pay an amount',
      ],
    );
  });

  test('a command run without the private key file set → the shell stops before the example runs, saying what to set', async () => {
    const command = [...commandsOf((await portal.get(appPath)).html).values()][0] ?? '';
    const { code, stdout, stderr } = await ExampleProcess.shell(command, {}).finished();
    assert.notEqual(code, 0);
    assert.equal(stdout, '');
    assert.match(stderr, /PRIVATE_JWK_FILE: set it to the path of your private key file/);
  });

  test('a switched-off app → its page shows no command, and says why', async () => {
    const off = await portal.submit(appPath, `${appPath}/disable`, {});
    assert.match(off.html, /The app is switched off/);
    assert.equal(commandsOf(off.html).size, 0);
    assert.match(off.html, /This app is switched off: the bank refuses its requests, so there is no command to run/);
    await portal.submit(appPath, `${appPath}/enable`, {});
  });
});
