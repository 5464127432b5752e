// Proves that the runnable scheduled-payment example of the partner docs (partner-portal-docs/examples/scheduled-payment.mjs)
// works as scheduled-payments.md documents it: run as a partner runs it, against a test server whose scheduler runs as
// `serve` runs it, for an app created in the portal with keys from generate-keys.mjs; the customer approves in the
// browser (the page says when the payment is made); the example orders the payment (PDNG), follows it until the
// scheduler has run it on its date (ACSC), verifies every signature and exits 0; afterwards the bank holds exactly one
// payment under the consent and the balances moved by exactly its amount. A date not in the future stops it before
// anything is created.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { repeat, type Repeating } from '../../src/scheduling/repeat.js';
import { bookedBalances } from '../support/account-balances.js';
import { approvePayment, enterCode, sandboxCode } from '../support/authorise-payment.js';
import { logIn } from '../support/authorise.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { setUpExamplePartner, type ExamplePartner } from '../support/example-partner.js';
import { ExampleProcess, runExample } from '../support/example-process.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const EXAMPLE = 'partner-portal-docs/examples/scheduled-payment.mjs';
const ACCOUNTS = ['acc_alice_current', 'acc_bob_current'];

describe('the scheduled-payment example of the partner docs', () => {
  let server: TestServer;
  let scheduler: Repeating;
  let partner: ExamplePartner;
  const running: ExampleProcess[] = [];

  before(async () => {
    server = await startTestServer();
    // The bank's scheduler, as every `openteller serve` process runs it.
    scheduler = repeat(
      250,
      async () => (await server.instance.jobs.runScheduledPayments(new Date())).moreDue,
      (error) => assert.fail(String(error)),
    );
    partner = await setUpExamplePartner(server, { organisation: 'Rent Ltd', email: 'dev@rent.example', appName: 'Rent App', roles: ['PISP'] });
  });
  after(async () => {
    scheduler.stop();
    for (const example of running) example.stop();
    await server.close();
  });

  test('run with EXECUTE_IN_SECONDS=5 → PDNG when ordered, ACSC once the scheduler ran it on its date, every signature verified; exit 0', async () => {
    const before = await bookedBalances(server.database.dataSource, ACCOUNTS);
    const example = ExampleProcess.node(EXAMPLE, partner.env({ EXECUTE_IN_SECONDS: '5' }));
    running.push(example);
    const [, consentId = ''] = await example.waitFor(/^Consent (psc_\S+) created, status AWAU, to pay 10\.00 GBP at \S+Z$/m);
    const [, url = ''] = await example.waitFor(/^ {2}(http:\/\/\S+\/auth\?\S+)$/m);
    const browser = new CustomerBrowser(server.issuer);
    const page = await logIn(browser, await browser.follow(url, 'never:'), 'alice', 'alice-sandbox-1');
    assert.match(page.html, /<dt>When<\/dt><dd>On /, 'the customer sees when the payment is made');
    let landed = await approvePayment(browser, page, 'acc_alice_current');
    const code = sandboxCode(landed);
    if (code !== null) landed = await enterCode(browser, landed, code);
    assert.match(landed.html, /Done\. You can close this window/, 'the browser lands on the listener of the example');
    const { code: exit, stdout, stderr } = await example.finished();
    assert.equal(exit, 0, `${stdout}\n${stderr}`);
    assert.equal(stderr, '');
    assert.match(stdout, /^Scheduled payment pmt_\S+: status PDNG, expected at \S+Z$/m);
    assert.match(stdout, /^GET \/domestic-scheduled-payments\/pmt_\S+: status ACSC$/m);
    assert.match(stdout, /^Payment details: ACSC via UK\.OBIE\.FPS at \S+Z$/m);
    assert.match(stdout, /^The bank's x-jws-signature verified on all \d+ responses with a body$/m);
    const payments = await server.database.dataSource.query<Array<{ status: string; kind: string }>>(
      'SELECT status, kind FROM payment WHERE consent_id = ?',
      [consentId],
    );
    assert.deepEqual(payments, [{ status: 'ACSC', kind: 'domestic-scheduled' }]);
    const afterwards = await bookedBalances(server.database.dataSource, ACCOUNTS);
    assert.equal(afterwards.acc_bob_current, (before.acc_bob_current ?? 0n) + 1000n);
    assert.equal(afterwards.acc_alice_current, (before.acc_alice_current ?? 0n) - 1000n);
    await assertLedgerInvariants(server.database.dataSource);
  });

  test('EXECUTE_IN_SECONDS=0 → says the date must be in the future and exits 2 before creating anything', async () => {
    const { code, stderr } = await runExample(EXAMPLE, partner.env({ EXECUTE_IN_SECONDS: '0' }));
    assert.equal(code, 2);
    assert.match(stderr, /EXECUTE_IN_SECONDS must be a number of seconds above 0/);
  });
});
