// Proves that the runnable example of the international payments guide (partner-portal-docs/examples/international-payment.mjs) works as international-payments.md documents it: run as a partner runs it, against a test server, for an app created in the portal with keys from generate-keys.mjs; Alice approves in the browser (with the sandbox one-time code for a new payee); the example prints the rate quoted and applied and the amounts it works out by the documented rounding rule — which are exactly what the ledger moved — follows the payment to ACSC and exits 0.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bookedBalances } from '../support/account-balances.js';
import { approvePayment, enterCode, sandboxCode } from '../support/authorise-payment.js';
import { logIn } from '../support/authorise.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { setUpExamplePartner, type ExamplePartner } from '../support/example-partner.js';
import { ExampleProcess } from '../support/example-process.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const EXAMPLE = 'partner-portal-docs/examples/international-payment.mjs';
const WATCHED = [
  'acc_alice_current',
  'acc_bank_gbp_fx_position',
  'acc_bank_usd_fx_position',
  'acc_bank_usd_external_funding',
  'acc_bank_jpy_fx_position',
];

describe('the international payment example of the partner docs', () => {
  let server: TestServer;
  let partner: ExamplePartner;
  const running: ExampleProcess[] = [];

  async function runAsAlice(extra: Record<string, string> = {}) {
    const example = ExampleProcess.node(EXAMPLE, partner.env(extra));
    running.push(example);
    const [, url = ''] = await example.waitFor(/^ {2}(http:\/\/\S+\/auth\?\S+)$/m);
    const browser = new CustomerBrowser(server.issuer);
    const page = await logIn(browser, await browser.follow(url, 'never:'), 'alice', 'alice-sandbox-1');
    assert.equal(page.status, 200, page.html.slice(0, 300));
    let landed = await approvePayment(browser, page, 'acc_alice_current');
    const code = sandboxCode(landed);
    if (code !== null) landed = await enterCode(browser, landed, code);
    assert.match(landed.html, /Done\. You can close this window/, 'the browser lands on the listener of the example');
    return example.finished();
  }

  before(async () => {
    server = await startTestServer({ env: { SETTLEMENT_DELAY_SECONDS: '0' } });
    partner = await setUpExamplePartner(server, {
      organisation: 'Globex Payments',
      email: 'dev@globex.example',
      appName: 'Globex App',
      roles: ['PISP'],
    });
  });
  after(async () => {
    for (const example of running) example.stop();
    await server.close();
  });

  test('run with its defaults → 100.00 GBP at the Actual rate 1.26365: the customer pays 100.00 GBP, the creditor receives 126.36 USD, ACSC; exit 0', async () => {
    const before = await bookedBalances(server.database.dataSource, WATCHED);
    const settling = setInterval(() => void server.instance.jobs.settlePayments(new Date()), 500);
    const { code, stdout, stderr } = await runAsAlice().finally(() => clearInterval(settling));
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.equal(stderr, '');
    assert.match(stdout, /^Consent pmc_\S+ created, status AWAU$/m);
    assert.match(stdout, /^ {2}Actual rate: 1 GBP = 1\.26365 USD, holds until \d{4}-\d\d-\d\dT/m);
    assert.match(stdout, /^ {2}Charges: 5\.00 GBP \(UK\.OBIE\.SWIFTOut\)$/m);
    assert.match(stdout, /^Funds available: true$/m);
    assert.match(stdout, /^Payment pmt_\S+: status ACSP$/m);
    assert.match(stdout, /^ {2}The customer pays 100\.00 GBP \(plus charges\); the creditor receives 126\.36 USD$/m);
    assert.match(stdout, /^GET \/international-payments\/pmt_\S+: status ACSC$/m);
    const after = await bookedBalances(server.database.dataSource, WATCHED);
    assert.equal(after.acc_alice_current! - before.acc_alice_current!, -10_500n);
    assert.equal(after.acc_bank_usd_external_funding! - before.acc_bank_usd_external_funding!, 12_636n);
    await assertLedgerInvariants(server.database.dataSource);
  });

  test('AMOUNT=5000 CURRENCY=JPY CURRENCY_OF_TRANSFER=JPY RATE_TYPE=Indicative → the customer pays 26.45 GBP for exactly ¥5000 (rounded up at 189.05); exit 0', async () => {
    const before = await bookedBalances(server.database.dataSource, WATCHED);
    const settling = setInterval(() => void server.instance.jobs.settlePayments(new Date()), 500);
    const { code, stdout, stderr } = await runAsAlice({
      AMOUNT: '5000',
      CURRENCY: 'JPY',
      CURRENCY_OF_TRANSFER: 'JPY',
      RATE_TYPE: 'Indicative',
    }).finally(() => clearInterval(settling));
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /^ {2}Indicative rate: 1 GBP = 189\.05 JPY, applied at the rate of the moment the payment is made$/m);
    assert.match(stdout, /^ {2}The customer pays 26\.45 GBP \(plus charges\); the creditor receives 5000 JPY$/m);
    const after = await bookedBalances(server.database.dataSource, WATCHED);
    assert.equal(after.acc_alice_current! - before.acc_alice_current!, -(2_645n + 500n));
    assert.equal(after.acc_bank_jpy_fx_position! - before.acc_bank_jpy_fx_position!, -5_000n);
    await assertLedgerInvariants(server.database.dataSource);
  });
});
