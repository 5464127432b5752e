// Proves that the portal and connected-apps pages render what partners and customers typed as text, never as
// markup (app names, descriptions, organisation names, mail), that only http(s) links are made from mail text,
// and that every form carries its anti-forgery token.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PartnerApp } from '../../domain/partners/partner-app.js';
import { appSnippets } from '../app-snippets.js';
import { renderCancelPaymentPage, renderConnectionsPage, renderCustomerMailboxPage } from './account-pages.js';
import { renderAppPage, renderDashboardPage } from './app-pages.js';
import { renderMailboxPage } from './partner-auth-pages.js';

const EVIL = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
const viewer = { email: 'dev@evil.example', organisationName: EVIL, csrf: 'token-123', sandbox: true };

const app: PartnerApp = {
  clientId: 'cli_evil',
  partnerId: 'ptn_evil',
  partnerName: EVIL,
  softwareId: 'ABCDEFGHIJKLMNOPQRSTUV',
  name: EVIL,
  description: EVIL,
  roles: ['PISP'],
  environment: 'sandbox',
  status: 'active',
  origin: 'portal',
  clientMetadata: {
    client_id: 'cli_evil',
    client_name: EVIL,
    redirect_uris: ['https://evil.example/cb?x="><b>'],
    scope: 'openid payments',
    jwks: { keys: [{ kty: 'EC', kid: EVIL }] },
  },
  softwareStatement: null,
  registrationTokenHash: null,
  version: 1,
  createdAt: new Date('2026-12-01T10:00:00Z'),
  updatedAt: new Date('2026-12-01T10:00:00Z'),
};

function assertNoInjectedMarkup(page: string): void {
  assert.doesNotMatch(page, /<script/i);
  assert.doesNotMatch(page, /<img/i);
  assert.doesNotMatch(page, /<b>/);
  assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
}

function assertEveryFormHasToken(page: string, token: string): void {
  const forms = page.split('<form').slice(1);
  assert.ok(forms.length > 0);
  for (const form of forms) assert.match(form, new RegExp(`name="csrf" value="${token}"`));
}

describe('portal pages', () => {
  test('an app page of names, description, keys and redirect URIs full of markup → all shown as text; every form carries the token', () => {
    const page = renderAppPage({
      viewer,
      app,
      issuer: 'https://bank.example',
      registrationEndpoint: 'https://bank.example/register',
      snippets: appSnippets({ issuer: 'https://bank.example', trustAnchor: 'bank.example', bankOrganisationId: EVIL }, app),
      canDownloadStatement: true,
      hasDirectory: true,
      messageSigning: { issuer: 'ptn_evil/cli_evil', trustAnchor: 'bank.example' },
      registrations: [],
      consents: [
        {
          consentId: 'vrc_1',
          kind: 'domestic-vrp',
          status: 'AUTH',
          createdAt: new Date('2026-12-01T10:00:00Z'),
          expiresAt: new Date('2027-12-01T00:00:00Z'),
          lastUsedAt: null,
        },
      ],
      calls: [
        {
          clientId: 'cli_evil',
          at: new Date(),
          method: 'GET',
          path: '/open-banking/v4.0/aisp/accounts/"><b>',
          status: 403,
          interactionId: 'x',
          consentId: null,
          reason: EVIL,
        },
      ],
      testClocks: [
        {
          clock: {
            id: 'tck_1',
            clientId: 'cli_evil',
            name: EVIL,
            frozenTime: new Date('2027-01-15T09:00:00Z'),
            advancingUntil: null,
            createdAt: new Date(),
          },
          status: 'Ready',
          consentIds: ['soc_1', 'psc_2'],
        },
      ],
      events: {
        subscription: {
          id: 'evs_1',
          clientId: 'cli_evil',
          callbackUrl: 'https://evil.example/"><b>/open-banking/v4.0/event-notifications',
          version: '4.0',
          eventTypes: ['UK.OBIE.Resource-Update'],
          createdAt: new Date(),
          updatedAt: new Date(),
        },
        events: [
          {
            sequence: 1,
            jti: 'evt_1',
            eventTypes: ['UK.OBIE.Resource-Update'],
            resource: { type: 'domestic-payment', id: EVIL },
            createdAt: new Date(),
            pushState: 'failed',
            pushAttempts: 1,
            nextPushAt: null,
            acknowledgedAt: null,
            pollError: EVIL,
            attempts: [{ attempt: 1, attemptedAt: new Date(), callbackUrl: EVIL, httpStatus: null, error: EVIL, latencyMs: 12 }],
          },
        ],
        canSendTestEvent: true,
        loopbackHttpAllowed: false,
        form: { values: { callbackUrl: EVIL, eventTypes: [EVIL], version: EVIL }, errors: { callback_url: EVIL } },
      },
    });
    assertNoInjectedMarkup(page);
    assertEveryFormHasToken(page, 'token-123');
    assert.match(page, /action="\/portal\/apps\/cli_evil\/events\/resend"/);
    assert.match(page, /No answer: &lt;script&gt;/);
    assert.match(page, /vrc_1<\/td><td>Domestic VRP<\/td><td>AUTH<\/td><td>[^<]+<\/td><td>1 Dec 2027, 00:00:00 UTC<\/td>/);
    assert.match(
      page,
      /<h2 id="test-clocks-heading">Test clocks<\/h2>[\s\S]*?tck_1<\/td><td>[^<]*&lt;[^<]*<\/td><td>15 Jan 2027, 09:00:00 UTC<\/td><td>Ready<\/td><td class="mono">soc_1, psc_2<\/td>/,
    );
  });

  test('a live payment app → each payment command says what to set first, for the payment and the VRP mandate; a sandbox app → no such note', () => {
    const render = (environment: PartnerApp['environment']) => {
      const shown = { ...app, name: 'Shop', partnerName: 'Shop Ltd', description: '', environment };
      return renderAppPage({
        viewer: { ...viewer, organisationName: 'Shop Ltd' },
        app: shown,
        issuer: 'https://bank.example',
        registrationEndpoint: 'https://bank.example/register',
        snippets: appSnippets({ issuer: 'https://bank.example', trustAnchor: 'bank.example', bankOrganisationId: 'bank' }, shown),
        canDownloadStatement: true,
        hasDirectory: true,
        messageSigning: { issuer: 'ptn_evil/cli_evil', trustAnchor: 'bank.example' },
        registrations: [],
        consents: [],
        calls: [],
        events: { subscription: null, events: [], canSendTestEvent: false, loopbackHttpAllowed: false },
      });
    };
    const live = render('live');
    assert.match(
      live,
      /<h3>Payments \(PISP\): make a payment a customer approves<\/h3>[\s\S]*?This app is live: with a live customer, the payment is real\.[\s\S]*?make-a-payment\.mjs<\/pre>/,
    );
    assert.match(
      live,
      /<h3>Variable recurring payments \(PISP\): a mandate a customer gives once, then payments without them<\/h3>[\s\S]*?This app is live: with a live customer, the three payments are real\.[\s\S]*?vrp-mandate\.mjs<\/pre>/,
    );
    assert.doesNotMatch(render('sandbox'), /This app is live/);
  });

  test('the dashboard with an app and an organisation named with markup → text', () => {
    const page = renderDashboardPage({ viewer, emailConfirmed: true, apps: [app] });
    assertNoInjectedMarkup(page);
    assertEveryFormHasToken(page, 'token-123');
  });

  test('mail text with markup and a javascript: link → escaped; only the http(s) URL becomes a link', () => {
    const page = renderMailboxPage({
      viewer,
      mail: [
        {
          id: 'msg_1',
          recipient: 'dev@evil.example',
          subject: EVIL,
          text: `${EVIL}\njavascript:alert(3)\nhttps://bank.example/portal/confirm-email?token=abc`,
          createdAt: new Date(),
        },
      ],
    });
    assertNoInjectedMarkup(page);
    assert.match(page, /<a href="https:\/\/bank.example\/portal\/confirm-email\?token=abc">/);
    assert.doesNotMatch(page, /href="javascript:/);
  });

  test('connected apps with an app, partner and payee named with markup → text; every form carries the token; a payment to come links to its cancel page', () => {
    const page = renderConnectionsPage({
      customerName: 'Alice',
      csrf: 'token-456',
      sandbox: true,
      upcoming: [
        {
          paymentId: 'pmt_1',
          kind: 'Scheduled payment',
          standingOrder: false,
          appName: EVIL,
          amount: '£12.00',
          payeeName: EVIL,
          payeeAccount: 'Sort code 99-03-01, account 41873205',
          dueOn: '5 January 2027 at 09:00',
          howOften: 'Once',
          cancelLabel: 'Cancel this payment',
        },
      ],
      active: [
        {
          consentId: 'aac_1',
          appName: EVIL,
          partnerName: EVIL,
          permissions: [{ title: 'Your balances', description: 'The balances.' }],
          accounts: [
            { id: 'acc_1', label: 'Current' },
            { id: 'acc_2', label: EVIL },
          ],
          grantedOn: '1 December 2026',
          expiresOn: null,
          lastUsed: null,
        },
      ],
      mandates: [],
      fundsChecks: [],
      ended: [{ appName: EVIL, what: EVIL, outcome: 'Revoked', grantedOn: '1 December 2026' }],
    });
    assertNoInjectedMarkup(page);
    assertEveryFormHasToken(page, 'token-456');
    assert.match(page, /<td>5 January 2027 at 09:00<\/td><td>Scheduled payment<\/td><td>Once<\/td><td>£12.00<\/td>/);
    assert.match(page, /href="\/account\/payments\/pmt_1\/cancel"/);
    assert.doesNotMatch(page, /action="\/account\/payments\/pmt_1\/cancel"/, 'cancelling asks first');
  });

  test('the page that asks before cancelling a standing order: what, to whom (markup → text), how often, what follows; one form, with the token; "No, keep it" goes back', () => {
    const page = renderCancelPaymentPage({
      customerName: 'Alice',
      csrf: 'token-789',
      sandbox: false,
      payment: {
        paymentId: 'pmt_2',
        kind: 'Standing order',
        standingOrder: true,
        appName: EVIL,
        amount: '£50.00',
        payeeName: EVIL,
        payeeAccount: 'Sort code 99-03-01, account 41873205',
        dueOn: '5 January 2027 at 09:00',
        howOften: 'Every month on day 5, payment 2 of 6',
        cancelLabel: 'Cancel the standing order',
      },
    });
    assertNoInjectedMarkup(page);
    assertEveryFormHasToken(page, 'token-789');
    assert.match(page, /<h1>Cancel this standing order\?<\/h1>/);
    assert.match(page, /<dt>Next payment<\/dt><dd>5 January 2027 at 09:00<\/dd>/);
    assert.match(page, /<dt>How often<\/dt><dd>Every month on day 5, payment 2 of 6<\/dd>/);
    assert.match(page, /No more payments will be made under this standing order/);
    assert.equal(page.split('action="/account/payments/pmt_2/cancel"').length, 2, 'one form posts the cancellation');
    assert.match(page, />Yes, cancel the standing order<\/button>/);
    assert.match(page, /<a class="[^"]*" href="\/account">No, keep it<\/a>/);
  });

  test('connected apps with a VRP mandate whose app, payee and reference carry markup → text; its usage (limits used and left, the payments) as text; every form carries the token', () => {
    const mandate = {
      consentId: 'vrc_1',
      appName: EVIL,
      partnerName: EVIL,
      sweeping: false,
      payeeName: EVIL,
      payeeAccount: 'Sort code 99-03-01, account 41873205',
      reference: EVIL,
      limits: ['Up to £10.00 per payment', 'Up to £100.00 per month, counted from 1 December 2026', 'Until you cancel it'],
      fromAccounts: [EVIL],
      grantedOn: '1 December 2026',
      lastUsed: null,
      usage: { periods: ['£0.00 of £100.00 used from 1 December 2026 to 31 December 2026; £100.00 left'], payments: [] },
    };
    const page = renderConnectionsPage({
      customerName: 'Alice',
      csrf: 'token-456',
      sandbox: true,
      upcoming: [],
      active: [],
      mandates: [mandate],
      fundsChecks: [],
      ended: [],
    });
    assertNoInjectedMarkup(page);
    assertEveryFormHasToken(page, 'token-456');
    assert.match(page, /Up to £100.00 per month, counted from 1 December 2026/);
    assert.match(page, /action="\/account\/mandates\/vrc_1\/cancel"/);
    assert.match(page, /£0.00 of £100.00 used from 1 December 2026 to 31 December 2026; £100.00 left/);
    assert.match(page, /No payment made yet/);
    const withUsage = renderConnectionsPage({
      customerName: 'Alice',
      csrf: 'token-456',
      sandbox: true,
      upcoming: [],
      active: [],
      mandates: [{ ...mandate, usage: { periods: [EVIL], payments: [{ date: EVIL, amount: '£5.00', outcome: EVIL }] } }],
      fundsChecks: [],
      ended: [],
    });
    assertNoInjectedMarkup(withUsage);
    assert.match(withUsage, /Payments made/);
  });

  test('connected apps with funds checks whose app, account and check reference carry markup → text, the account, end date and checks stated, its Stop form carries the token', () => {
    const page = renderConnectionsPage({
      customerName: 'Alice',
      csrf: 'token-456',
      sandbox: true,
      upcoming: [],
      active: [],
      mandates: [],
      fundsChecks: [
        {
          consentId: 'fcc_1',
          appName: EVIL,
          partnerName: EVIL,
          accounts: [EVIL],
          grantedOn: '1 December 2026',
          expiresOn: '1 December 2027',
          lastUsed: null,
          checks: { recent: [{ date: '2 December 2026, 10:00', amount: '£20.00', answer: 'Yes: enough money', reference: EVIL }], total: 21 },
        },
      ],
      ended: [],
    });
    assertNoInjectedMarkup(page);
    assertEveryFormHasToken(page, 'token-456');
    assert.match(page, /action="\/account\/funds-checks\/fcc_1\/stop"/);
    assert.match(page, /It ends on 1 December 2027\./);
    assert.match(page, /It learns only yes or no, never your balance\./);
    assert.doesNotMatch(page, /No app can check whether your accounts have enough money/);
    assert.match(page, /21 checks in all; the latest 1\./);
    assert.match(page, /<td>£20\.00<\/td><td>Yes: enough money<\/td>/);
  });

  test("a customer's sandbox mailbox with an app named with markup in the mail → text, lines kept; the log-out form carries the token", () => {
    const page = renderCustomerMailboxPage({
      customerName: EVIL,
      email: 'alice@customers.openteller.example',
      csrf: 'token-789',
      mail: [
        {
          id: 'msg_1',
          recipient: 'alice@customers.openteller.example',
          subject: `${EVIL} can no longer see your accounts`,
          text: `Dear Alice,\n\n${EVIL} can no longer see your accounts.`,
          createdAt: new Date('2026-12-01T10:00:00Z'),
        },
      ],
    });
    assertNoInjectedMarkup(page);
    assertEveryFormHasToken(page, 'token-789');
    assert.match(page, /Dear Alice,<br><br>&lt;script&gt;/);
  });
});
