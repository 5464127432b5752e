// Proves over HTTP that the customer pages are served safely: strict security headers, HttpOnly SameSite cookies, CSRF-protected forms, a plain page for expired links, login lockout after five failures, and the stylesheet as text/css.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { logIn } from '../../test/support/authorise.js';
import { CustomerBrowser, readForm, type Page } from '../../test/support/customer-browser.js';
import { REDIRECT_URI, registerPartner, type Partner } from '../../test/support/partner.js';
import { startTestServer, type TestServer } from '../../test/support/test-server.js';

/** A CustomerBrowser that also keeps every response it received, and its own copy of the cookie jar. */
class RecordingBrowser extends CustomerBrowser {
  readonly responses: Array<{ url: URL; response: Response }> = [];
  private readonly jar = new Map<string, string>();

  constructor(private readonly base: string) {
    super(base);
  }

  override async request(url: string, init: { method?: string; form?: Record<string, string | string[]> } = {}): Promise<Response> {
    const response = await super.request(url, init);
    this.responses.push({ url: new URL(url, this.base), response });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0] ?? '';
      const index = pair.indexOf('=');
      const value = pair.slice(index + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.jar.delete(pair.slice(0, index));
      else this.jar.set(pair.slice(0, index), value);
    }
    return response;
  }

  /** The Cookie header this browser would send, without the named cookies. */
  cookieHeader(except: readonly string[] = []): string {
    return [...this.jar]
      .filter(([name]) => !except.includes(name))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }

  /** Every Set-Cookie header received so far, with the path of the response that set it. */
  setCookies(): Array<{ path: string; cookie: string }> {
    return this.responses.flatMap(({ url, response }) => response.headers.getSetCookie().map((cookie) => ({ path: url.pathname, cookie })));
  }
}

/** Starts a PAR for a new consent and follows it to the login page. */
async function openLoginPage(server: TestServer, partner: Partner, browser: CustomerBrowser = new RecordingBrowser(server.issuer)): Promise<Page> {
  const consentId = await partner.createConsent(['ReadAccountsBasic']);
  const start = await partner.pushAuthorizationRequest(consentId);
  const page = await browser.follow(start.url.href, REDIRECT_URI);
  assert.equal(page.status, 200, page.html.slice(0, 300));
  assert.match(page.html, /name="password"/);
  return page;
}

function assertPlainHtmlPage(page: { status: number; html: string; response: Response }, status: number): void {
  assert.equal(page.status, status, page.html.slice(0, 300));
  assert.match(page.response.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.html, /^<!doctype html>/);
  assert.doesNotMatch(page.html, /\n\s+at |Error:|node_modules|\.ts:\d+/);
}

describe('customer interaction pages', () => {
  let server: TestServer;
  let partner: Partner;

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server);
  });
  after(async () => server.close());

  test('the login page → CSP with default-src none and no unsafe-inline, X-Frame-Options DENY, Cache-Control no-store', async () => {
    const page = await openLoginPage(server, partner);
    const headers = page.response.headers;
    const csp = headers.get('content-security-policy') ?? '';
    assert.match(csp, /(^|;\s*)default-src 'none'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(headers.get('x-frame-options'), 'DENY');
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.equal(headers.get('x-content-type-options'), 'nosniff');
    assert.equal(headers.get('referrer-policy'), 'no-referrer');
    assert.match(headers.get('content-type') ?? '', /^text\/html/);
    assert.doesNotMatch(page.html, /<script|style="/);
  });

  test('a whole login and consent flow → every Set-Cookie is HttpOnly and has SameSite', async () => {
    const browser = new RecordingBrowser(server.issuer);
    const login = await openLoginPage(server, partner, browser);
    const consentPage = await logIn(browser, login, 'alice', 'alice-sandbox-1');
    assert.match(consentPage.html, /name="decision" value="approve"/);
    const form = readForm(consentPage.html);
    const result = await browser.follow(form.action, REDIRECT_URI, {
      form: { ...form.hidden, decision: 'approve', accounts: ['acc_alice_current'] },
    });
    assert.ok(result.callback, `expected the partner callback, got ${result.status}`);

    const cookies = browser.setCookies();
    const names = new Set(cookies.map(({ cookie }) => cookie.split('=')[0]));
    assert.ok(names.has('ot_csrf'), [...names].join(', '));
    assert.ok(names.has('_interaction'), [...names].join(', '));
    assert.ok(cookies.some(({ path }) => path.startsWith('/interaction/')));
    for (const { path, cookie } of cookies) {
      assert.match(cookie, /;\s*httponly(;|$)/i, `${path}: ${cookie}`);
      assert.match(cookie, /;\s*samesite=(lax|strict)(;|$)/i, `${path}: ${cookie}`);
    }
  });

  test('a login POST with a wrong csrf token → 403 HTML page without a stack trace, and no login', async () => {
    const browser = new RecordingBrowser(server.issuer);
    const login = await openLoginPage(server, partner, browser);
    const form = readForm(login.html);
    const refused = await browser.follow(form.action, REDIRECT_URI, {
      form: { ...form.hidden, csrf: 'x'.repeat(form.hidden.csrf?.length ?? 43), username: 'alice', password: 'alice-sandbox-1' },
    });
    assertPlainHtmlPage(refused, 403);
    assert.match(refused.html, /This form has expired/);
    assert.equal(refused.callback, undefined);

    const again = await browser.follow(new URL(form.action.replace(/\/login$/, ''), server.issuer).href, REDIRECT_URI);
    assert.equal(again.status, 200);
    assert.match(again.html, /name="password"/, 'the customer must still be asked to log in');
    assert.doesNotMatch(again.html, /name="decision"/);
  });

  test('a login POST without the csrf cookie → 403', async () => {
    const browser = new RecordingBrowser(server.issuer);
    const login = await openLoginPage(server, partner, browser);
    const form = readForm(login.html);
    assert.ok(form.hidden.csrf);
    const response = await fetch(new URL(form.action, server.issuer), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookieHeader(['ot_csrf']) },
      body: new URLSearchParams({ ...form.hidden, username: 'alice', password: 'alice-sandbox-1' }).toString(),
    });
    assertPlainHtmlPage({ status: response.status, html: await response.text(), response }, 403);
  });

  test('GET /interaction/doesnotexist → 400 page saying the link has expired', async () => {
    const response = await fetch(new URL('/interaction/doesnotexist', server.issuer), { redirect: 'manual' });
    const html = await response.text();
    assertPlainHtmlPage({ status: response.status, html, response }, 400);
    assert.match(html, /This link has expired/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  test('GET /assets/app.css → 200 text/css', async () => {
    const response = await fetch(new URL('/assets/app.css', server.issuer));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/css/);
    assert.ok((await response.text()).length > 0);
  });
});

describe('customer login lockout', () => {
  let server: TestServer;
  let partner: Partner;

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server);
  });
  after(async () => server.close());

  test('5 wrong passwords for bob → the 6th attempt, with the right password, shows the locked message and no consent page', async () => {
    const browser = new RecordingBrowser(server.issuer);
    let page = await openLoginPage(server, partner, browser);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      page = await logIn(browser, page, 'bob', `wrong-password-${attempt}`);
      assert.equal(page.status, 401, `attempt ${attempt}`);
      assert.match(page.html, /username or password is not right/, `attempt ${attempt}`);
    }
    page = await logIn(browser, page, 'bob', 'bob-sandbox-2');
    assert.equal(page.status, 401);
    assert.equal(page.callback, undefined);
    assert.match(page.html, /role="alert"/);
    assert.match(page.html, /Too many failed attempts/);
    assert.doesNotMatch(page.html, /name="decision"/);
    assert.doesNotMatch(page.html, /acc_bob_current/);
  });
});
