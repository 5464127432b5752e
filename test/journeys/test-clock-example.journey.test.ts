// Proves that the runnable test clock example of the partner docs (partner-portal-docs/examples/test-clock.mjs) works as
// scheduled-payments.md documents it: run as a partner runs it, against a sandbox test server whose own scheduler runs
// as `serve` runs it, for an app created in the portal with keys from generate-keys.mjs; the customer approves the
// monthly standing order in the browser; the example attaches it to a test clock, advances the clock through its three
// payments (each ACSC, dated a month apart), sees the standing order INCO, deletes the clock and exits 0; afterwards the
// bank holds exactly three payments under the consent and the balances moved by exactly three times the amount.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repeat, type Repeating } from '../../src/scheduling/repeat.js';
import { bookedBalances } from '../support/account-balances.js';
import { approvePayment, enterCode, sandboxCode } from '../support/authorise-payment.js';
import { logIn } from '../support/authorise.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { setUpExamplePartner, type ExamplePartner } from '../support/example-partner.js';
import { ExampleProcess } from '../support/example-process.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const EXAMPLE = 'partner-portal-docs/examples/test-clock.mjs';
const ACCOUNTS = ['acc_alice_current', 'acc_bob_current'];

describe('the test clock example of the partner docs', () => {
  let server: TestServer;
  let scheduler: Repeating;
  let partner: ExamplePartner;
  const running: ExampleProcess[] = [];

  before(async () => {
    server = await startTestServer();
    // The bank's own scheduler, as every `openteller serve` process runs it: it must leave the clock's payments alone.
    scheduler = repeat(
      250,
      async () => (await server.instance.jobs.runScheduledPayments(new Date(Date.now() + 400 * 86_400_000))).moreDue,
      (error) => assert.fail(String(error)),
    );
    partner = await setUpExamplePartner(server, { organisation: 'Rent Ltd', email: 'dev@rent.example', appName: 'Rent App', roles: ['PISP'] });
  });
  after(async () => {
    scheduler.stop();
    for (const example of running) example.stop();
    await server.close();
  });

  test('run → clock created, consent attached, three payments ACSC a month apart as the clock advances, INCO, clock deleted; exit 0', async () => {
    const before = await bookedBalances(server.database.dataSource, ACCOUNTS);
    const example = ExampleProcess.node(EXAMPLE, {
      ISSUER: server.issuer,
      CLIENT_ID: partner.app.clientId,
      PARTNER_ID: partner.app.partnerId,
      PRIVATE_JWK_FILE: join(partner.keys, 'private-jwk.json'),
      SIGNING_JWK_FILE: join(partner.keys, 'signing-private-jwk.json'),
      REDIRECT_URI: partner.callbackUri,
    });
    running.push(example);
    const [, clockId = ''] = await example.waitFor(/^Test clock (tck_\S+) created, frozen at \S+Z$/m);
    const [, consentId = ''] = await example.waitFor(
      /^Consent (soc_\S+) created, status AWAU: 3 payments of 25\.00 GBP, monthly on day 15 from \S+Z$/m,
    );
    await example.waitFor(new RegExp(`^Consent ${consentId} attached to ${clockId}`, 'm'));
    const [, url = ''] = await example.waitFor(/^ {2}(http:\/\/\S+\/auth\?\S+)$/m);
    const browser = new CustomerBrowser(server.issuer);
    const page = await logIn(browser, await browser.follow(url, 'never:'), 'alice', 'alice-sandbox-1');
    let landed = await approvePayment(browser, page, 'acc_alice_current');
    const code = sandboxCode(landed);
    if (code !== null) landed = await enterCode(browser, landed, code);
    assert.match(landed.html, /Done\. You can close this window/, 'the browser lands on the listener of the example');
    const { code: exit, stdout, stderr } = await example.finished();
    assert.equal(exit, 0, `${stdout}\n${stderr}`);
    assert.equal(stderr, '');
    assert.match(stdout, /^Standing order sto_\S+: status PDNG$/m);
    const made = [...stdout.matchAll(/^Payment (\d) of 3: ACSC, 25\.00 GBP, at (\S+Z)$/gm)];
    assert.deepEqual(
      made.map(([, number]) => number),
      ['1', '2', '3'],
      stdout,
    );
    const dates = made.map(([, , at = '']) => new Date(at));
    for (const [index, date] of dates.entries()) {
      assert.equal(date.getUTCDate(), 15, `payment ${index + 1} made on the 15th: ${date.toISOString()}`);
      if (index > 0) assert.equal((date.getUTCMonth() - (dates[index - 1]?.getUTCMonth() ?? 0) + 12) % 12, 1, 'a month after the one before');
    }
    assert.match(stdout, /^Advanced tck_\S+ to \S+Z: 1 payment\(s\) run$/m);
    assert.match(stdout, /^GET \/domestic-standing-orders\/sto_\S+: status INCO$/m);
    assert.match(stdout, new RegExp(`^Test clock ${clockId} deleted$`, 'm'));
    assert.match(stdout, /^The bank's x-jws-signature verified on all \d+ responses with a body$/m);
    const payments = await server.database.dataSource.query<Array<{ status: string }>>('SELECT status FROM payment WHERE consent_id = ?', [
      consentId,
    ]);
    assert.deepEqual(
      payments.map((payment) => payment.status),
      ['ACSC', 'ACSC', 'ACSC'],
    );
    const afterwards = await bookedBalances(server.database.dataSource, ACCOUNTS);
    assert.equal(afterwards.acc_bob_current, (before.acc_bob_current ?? 0n) + 7_500n);
    assert.equal(afterwards.acc_alice_current, (before.acc_alice_current ?? 0n) - 7_500n);
    await assertLedgerInvariants(server.database.dataSource);
  });
});
