// Proves that the runnable VRP example of the partner docs (partner-portal-docs/examples/vrp-mandate.mjs) works as
// vrp.md documents it: run as a partner runs it, against a test server, for an app created in the portal with keys from
// generate-keys.mjs; the customer agrees to the mandate in the browser; the example makes three payments without her,
// sees the fourth refused with 400 U014 naming the periodic limit, verifies every signature and exits 0; afterwards the
// bank holds exactly three payments under the mandate and the balances moved by exactly their sum. It refreshes the
// access token when it is about to expire, keeps or deletes the mandate as asked, and stops before creating anything
// when its settings could not show three payments and a refusal. An unexpected refusal, or the customer not agreeing,
// prints the bank's answer and what to check, deletes the mandate and exits with 1.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bookedBalances } from '../support/account-balances.js';
import { approvePayment } from '../support/authorise-payment.js';
import { logIn } from '../support/authorise.js';
import { CustomerBrowser, readForm } from '../support/customer-browser.js';
import { assertRefusal, ExampleProcess, runExample, type ExampleRun } from '../support/example-process.js';
import { setUpExamplePartner, type ExamplePartner } from '../support/example-partner.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const EXAMPLE = 'partner-portal-docs/examples/vrp-mandate.mjs';
const ALICE = ['acc_alice_current', 'acc_alice_savings'];

describe('the VRP example of the partner docs', () => {
  let server: TestServer;
  let partner: ExamplePartner;
  const running: ExampleProcess[] = [];

  /**
   * Runs the example; Alice opens the printed URL, logs in, reads the mandate and agrees from her current account (or
   * does not agree); the run's end.
   */
  async function runAsAlice(
    extra: Record<string, string> = {},
    decision: 'agree' | 'refuse' = 'agree',
    inspect: (html: string) => void = () => undefined,
  ): Promise<ExampleRun & { consentId: string }> {
    const example = ExampleProcess.node(EXAMPLE, partner.env(extra));
    running.push(example);
    const [, consentId = ''] = await example.waitFor(/^Consent (vrc_\S+) created, status AWAU/m);
    const [, url = ''] = await example.waitFor(/^ {2}(http:\/\/\S+\/auth\?\S+)$/m);
    const browser = new CustomerBrowser(server.issuer);
    const page = await logIn(browser, await browser.follow(url, 'never:'), 'alice', 'alice-sandbox-1');
    assert.equal(page.status, 200, page.html.slice(0, 300));
    inspect(page.html);
    let landed;
    if (decision === 'agree') {
      landed = await approvePayment(browser, page, 'acc_alice_current');
    } else {
      const form = readForm(page.html);
      landed = await browser.follow(form.action, 'never:', { form: { ...form.hidden, decision: 'deny' } });
    }
    assert.match(landed.html, /Done\. You can close this window/, 'the browser lands on the listener of the example');
    return { ...(await example.finished()), consentId };
  }

  async function paymentsUnder(consentId: string): Promise<Array<{ status: string; amount_minor: unknown; instruction_identification: string }>> {
    return server.database.dataSource.query(
      'SELECT status, amount_minor, instruction_identification FROM payment WHERE consent_id = ? ORDER BY created_at',
      [consentId],
    );
  }

  async function consentStatus(consentId: string): Promise<{ status: string; deleted: boolean }> {
    const [row] = await server.database.dataSource.query('SELECT status, deleted_at FROM consent WHERE id = ?', [consentId]);
    return { status: row.status, deleted: row.deleted_at !== null };
  }

  before(async () => {
    server = await startTestServer();
    partner = await setUpExamplePartner(server, { organisation: 'Sweep Ltd', email: 'dev@sweep.example', appName: 'Sweep App', roles: ['PISP'] });
  });
  after(async () => {
    for (const example of running) example.stop();
    await server.close();
  });

  test('run with its defaults → three £10.00 payments ACSC, the fourth 400 U014 at the periodic limit, every signature verified, the mandate deleted; exit 0', async () => {
    const before = await bookedBalances(server.database.dataSource, ALICE);
    const { code, stdout, stderr, consentId } = await runAsAlice();
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.equal(stderr, '');
    assert.match(stdout, /Listening for the callback on http:\/\/127\.0\.0\.1:\d+\/callback/);
    assert.match(
      stdout,
      /Consent vrc_\S+ created, status AWAU: up to 25\.00 GBP a payment, 30\.00 GBP a Week \(Consent alignment\), until \d{4}-\d\d-\d\d/,
    );
    assert.match(stdout, /Customer access token \(DPoP-bound\), expires in 300 s, scope "payments"; refresh token kept/);
    for (const number of [1, 2, 3]) {
      assert.match(stdout, new RegExp(`^Payment ${number}: pmt_\\S+, 10\\.00 GBP, InstructionIdentification VRP-\\w+-${number}, status ACSC$`, 'm'));
    }
    assert.match(stdout, /^Payment 4 of 10\.00 GBP: refused, as expected: 400 U014 at Data\.ControlParameters\.PeriodicLimits\[0\]$/m);
    assert.match(
      stdout,
      /^ {2}The payment of 10\.00 GBP exceeds the Week limit \(Consent alignment\) of 30\.00 GBP for \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d: 30\.00 GBP used, 0\.00 GBP left$/m,
    );
    assert.equal(stdout.match(/^GET \/domestic-vrps\/pmt_\S+: status ACSC$/gm)?.length, 3);
    assert.match(stdout, new RegExp(`^Consent ${consentId} is AUTH, paying from 99030131926819$`, 'm'));
    assert.match(stdout, new RegExp(`^Consent ${consentId} deleted \\(204\\)$`, 'm'));
    assert.match(stdout, /^The refresh token is now refused: invalid_grant$/m);
    assert.doesNotMatch(stdout, /Access token refreshed/, 'a fresh access token is not refreshed');
    // Every response with a body: the consent, four payments, three reads, the mandate.
    assert.match(stdout, /^The bank's x-jws-signature verified on all 9 responses with a body$/m);

    const payments = await paymentsUnder(consentId);
    assert.deepEqual(
      payments.map((payment) => [payment.status, Number(payment.amount_minor)]),
      [
        ['ACSC', 1000],
        ['ACSC', 1000],
        ['ACSC', 1000],
      ],
    );
    assert.equal(new Set(payments.map((payment) => payment.instruction_identification)).size, 3, 'each with its own InstructionIdentification');
    const afterwards = await bookedBalances(server.database.dataSource, ALICE);
    assert.equal(afterwards.acc_alice_current, (before.acc_alice_current ?? 0n) - 3_000n);
    assert.equal(afterwards.acc_alice_savings, (before.acc_alice_savings ?? 0n) + 3_000n);
    assert.deepEqual(await consentStatus(consentId), { status: 'CANC', deleted: true });
    await assertLedgerInvariants(server.database.dataSource);
  });

  test('REFRESH_MARGIN_SECONDS=300 and KEEP_MANDATE=1 → the access token refreshed before every payment, the limits set by the settings; the mandate stays AUTH', async () => {
    const before = await bookedBalances(server.database.dataSource, ALICE);
    const { code, stdout, stderr, consentId } = await runAsAlice({
      REFRESH_MARGIN_SECONDS: '300',
      KEEP_MANDATE: '1',
      AMOUNT: '2.50',
      MAXIMUM_AMOUNT: '5.00',
      PERIOD_LIMIT: '9.99',
      PERIOD_TYPE: 'Day',
      PERIOD_ALIGNMENT: 'Calendar',
    });
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.equal(stdout.match(/^Access token refreshed with the refresh token \(\d+ s left\); the new one expires in 300 s$/gm)?.length, 4);
    assert.equal(stdout.match(/^Payment [123]: pmt_\S+, 2\.50 GBP, .*status ACSC$/gm)?.length, 3);
    assert.match(stdout, /^Payment 4 of 2\.50 GBP: refused, as expected: 400 U014 at Data\.ControlParameters\.PeriodicLimits\[0\]$/m);
    assert.match(stdout, /exceeds the Day limit \(Calendar alignment\) of 9\.99 GBP .*: 7\.50 GBP used, 2\.49 GBP left/);
    assert.match(stdout, /^Kept: the customer sees it/m);
    assert.doesNotMatch(stdout, /deleted/);
    assert.deepEqual(await consentStatus(consentId), { status: 'AUTH', deleted: false });
    assert.equal((await paymentsUnder(consentId)).length, 3);
    const afterwards = await bookedBalances(server.database.dataSource, ALICE);
    assert.equal(afterwards.acc_alice_current, (before.acc_alice_current ?? 0n) - 750n);
    assert.equal(afterwards.acc_alice_savings, (before.acc_alice_savings ?? 0n) + 750n);
  });

  test("a sweeping mandate to someone else's account → the customer is told it is not hers and can only refuse: access_denied, the mandate deleted; exit 1, nothing paid", async () => {
    const before = await bookedBalances(server.database.dataSource, ALICE);
    const result = await runAsAlice({ CREDITOR_ACCOUNT: '99030141873205', CREDITOR_NAME: 'Bob Patel' }, 'refuse', (html) => {
      assert.match(html, /the account they pay into is not one of yours, so you cannot agree to them/);
      assert.doesNotMatch(html, /value="approve"/);
    });
    assertRefusal(
      result,
      /The bank refused the authorization:\n {2}access_denied: The customer did not agree to the payments/,
      new RegExp(`Consent ${result.consentId} deleted`),
    );
    assert.equal(result.code, 1);
    assert.deepEqual(await consentStatus(result.consentId), { status: 'RJCT', deleted: true });
    assert.deepEqual(await paymentsUnder(result.consentId), []);
    assert.deepEqual(await bookedBalances(server.database.dataSource, ALICE), before);
  });

  test('the customer does not agree → access_denied and what to check, the mandate (RJCT) deleted; exit 1', async () => {
    const result = await runAsAlice({}, 'refuse');
    assertRefusal(
      result,
      /The bank refused the authorization:\n {2}access_denied: The customer did not agree to the payments/,
      /What to check: The customer did not approve/,
      new RegExp(`Consent ${result.consentId} deleted`),
    );
    assert.equal(result.code, 1);
    assert.deepEqual(await consentStatus(result.consentId), { status: 'RJCT', deleted: true });
  });

  test('settings under which three payments would not fit, or a fourth would → what to set, exit 2, nothing created', async () => {
    const [before] = await server.database.dataSource.query("SELECT COUNT(*) AS n FROM consent WHERE kind = 'domestic-vrp'");
    for (const [settings, message] of [
      [{ PERIOD_LIMIT: '40.00' }, /PERIOD_LIMIT \(40\.00\) must be at least 3 x AMOUNT and less than 4 x AMOUNT \(10\.00\)/],
      [{ PERIOD_LIMIT: '29.99' }, /PERIOD_LIMIT \(29\.99\) must be at least 3 x AMOUNT/],
      [{ AMOUNT: '30.00', PERIOD_LIMIT: '90.00' }, /AMOUNT \(30\.00\) must not be above MAXIMUM_AMOUNT \(25\.00\)/],
      [{ AMOUNT: '1,50' }, /AMOUNT must be an amount such as 10\.00 \(got "1,50"\)/],
    ] as const) {
      const result = await runExample(EXAMPLE, partner.env(settings));
      assert.equal(result.code, 2, `${JSON.stringify(settings)}: ${result.stdout}\n${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
    const [afterwards] = await server.database.dataSource.query("SELECT COUNT(*) AS n FROM consent WHERE kind = 'domestic-vrp'");
    assert.equal(Number(afterwards.n), Number(before.n));
  });
});
