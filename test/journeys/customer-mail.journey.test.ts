// Proves that customers are told the result of what they started, as mail kept in the database and shown in their sandbox mailbox: a payment the scheme settles (ACSC) or rejects (RJCT, with the reason in plain words) gives exactly one mail each, revoking a connected app gives one, and a change that rolls back gives none.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { revokeConsentByCustomer } from '../../src/domain/consents/account-access-consents.js';
import { EventOutboxWriter } from '../../src/persistence/stores/event-outbox-writer.js';
import { TypeOrmConsentStore } from '../../src/persistence/stores/consent-store.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { customerToken } from '../support/authorise.js';
import { CustomerBrowser } from '../support/customer-browser.js';
import { API, registerPartner, type Partner } from '../support/partner.js';
import { ACCOUNTS, consentRequest, paymentRequest, PISP, registerPaymentPartner, type PaymentPartner } from '../support/payment-partner.js';
import { csrfOf } from '../support/portal-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ALICE = 'alice@customers.openteller.example';

describe('customer mail', () => {
  let server: TestServer;
  let reader: Partner;
  let payer: PaymentPartner;

  before(async () => {
    server = await startTestServer();
    reader = await registerPartner(server, 'Budget Buddy');
    payer = await registerPaymentPartner(server, 'Rent Runner');
  });
  after(async () => server.close());

  /** The mail to `recipient` whose subject contains `about`. */
  async function mailAbout(recipient: string, about: string): Promise<Array<{ subject: string; text: string }>> {
    const rows: Array<{ subject: string; text: string }> = await server.database.dataSource.query(
      'SELECT subject, text FROM outbound_mail WHERE recipient = ? ORDER BY created_at',
      [recipient],
    );
    return rows.filter((row) => row.subject.includes(about));
  }

  /** A payment of `amount` from alice's current account, left ACSP for the scheme, then settled by it. */
  async function payAndSettle(amount: string, payee: (typeof ACCOUNTS)[keyof typeof ACCOUNTS]): Promise<void> {
    const request = consentRequest({ amount, payee, reference: 'MAIL TEST' });
    const consentId = (await payer.createConsent(request)).body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, payer, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    const made = await payer.signedPost(accessToken, `${PISP}/domestic-payments`, paymentRequest(consentId, request));
    assert.equal(made.body.Data.Status, 'ACSP');
    await server.instance.jobs.settlePayments(new Date(Date.now() + 3_600_000));
  }

  async function loggedIn(username: string, password: string): Promise<CustomerBrowser> {
    const browser = new CustomerBrowser(server.issuer);
    const form = await browser.follow('/account', 'never:');
    const page = await browser.follow('/account/login', 'never:', { form: { csrf: csrfOf(form.html, '/account/login'), username, password } });
    assert.equal(page.status, 200, page.html.slice(0, 300));
    return browser;
  }

  test('a payment to another bank that the scheme settles (ACSC) → one mail to alice: made, with the app, the amount and the payee', async () => {
    await payAndSettle('3.21', ACCOUNTS.elsewhere);
    const mail = await mailAbout(ALICE, '£3.21');
    assert.equal(mail.length, 1);
    assert.equal(mail[0]?.subject, 'Your payment of £3.21 has been made');
    assert.match(mail[0]?.text ?? '', /^Dear Alice Thompson,/);
    assert.match(
      mail[0]?.text ?? '',
      /The payment of £3\.21 you approved for Rent Runner on .+ has been made: it reached the payee's bank \(sort code 40-05-12, account 69871234\)/,
    );
  });

  test("a payment the scheme rejects (payee's account closed, RJCT AC04) → one mail: not made, the reason in plain words, the money back", async () => {
    await payAndSettle('4.56', ACCOUNTS.closedElsewhere);
    const mail = await mailAbout(ALICE, '£4.56');
    assert.equal(mail.length, 1);
    assert.equal(mail[0]?.subject, 'Your payment of £4.56 was not made');
    assert.match(mail[0]?.text ?? '', /to sort code 99-03-99, account 11111111 was not made: the payee's account is closed\./);
    assert.match(mail[0]?.text ?? '', /The £4\.56 and the charge of £[\d.]+ went back into your account|The £4\.56 went back into your account/);
    assert.doesNotMatch(mail[0]?.text ?? '', /AC04|RJCT/);
  });

  test('the customer revokes a connected app → one mail confirming it; the sandbox mailbox at /account/mailbox shows it', async () => {
    const { consentId } = await customerToken(server, reader, ['ReadAccountsBasic'], {
      username: 'carol',
      password: 'carol-sandbox-3',
      accountIds: ['acc_carol_current'],
    });
    const browser = await loggedIn('carol', 'carol-sandbox-3');
    const page = await browser.follow('/account', 'never:');
    const done = await browser.follow(`/account/connections/${consentId}/revoke`, 'never:', { form: { csrf: csrfOf(page.html, '/account/logout') } });
    assert.match(done.html, /can no longer see your accounts/);
    const mail = await mailAbout('carol@customers.openteller.example', 'Budget Buddy');
    assert.deepEqual(
      mail.map((item) => item.subject),
      ['Budget Buddy can no longer see your accounts'],
    );
    const mailbox = await browser.follow('/account/mailbox', 'never:');
    assert.equal(mailbox.status, 200);
    assert.match(mailbox.html, /carol@customers\.openteller\.example/);
    assert.match(mailbox.html, /Budget Buddy can no longer see your accounts/);
    assert.match(mailbox.html, /its access ended at once/);
    assert.doesNotMatch(mailbox.html, /Rent Runner/, "another customer's mail is not shown");
  });

  test('a revocation whose transaction fails after the mail is written (the event cannot be signed) → rolled back: the consent stays AUTH, no mail', async () => {
    const { consentId } = await customerToken(server, reader, ['ReadAccountsBasic'], {
      username: 'dave',
      password: 'dave-sandbox-4',
      accountIds: ['acc_dave_current'],
    });
    const failingSeal = async (): Promise<string> => {
      throw new Error('the signing key is unavailable');
    };
    const consents = new TypeOrmConsentStore(
      server.database.dataSource,
      new EventOutboxWriter({ issuer: server.issuer, apiBaseUrl: API, seal: failingSeal }),
    );
    const grants = { revokeGrant: async () => {} };
    await assert.rejects(revokeConsentByCustomer(consents, grants, 'cus_sandbox_dave', consentId, new Date()), /signing key is unavailable/);
    assert.equal((await consents.findById(consentId))?.status, 'AUTH');
    assert.deepEqual(await mailAbout('dave@customers.openteller.example', ''), []);
  });
});
