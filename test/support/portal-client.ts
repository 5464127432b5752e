import assert from 'node:assert/strict';
import { CustomerBrowser, type Page } from './customer-browser.js';
import type { TestServer } from './test-server.js';

/** The anti-forgery token of the page's form that posts to `action`. */
export function csrfOf(html: string, action: string): string {
  const form = html.split('<form').find((part) => part.includes(`action="${action}"`));
  const token = form ? /name="csrf" value="([^"]+)"/.exec(form)?.[1] : undefined;
  if (!token) throw new Error(`no form posting to ${action} on the page: ${html.slice(0, 300)}`);
  return token;
}

/**
 * A partner's browser on the portal without JavaScript (cookies kept, redirects followed): what the forms send is
 * what a person's browser would send.
 */
export class PortalClient {
  readonly browser: CustomerBrowser;

  constructor(server: TestServer) {
    this.browser = new CustomerBrowser(server.issuer);
  }

  /** GETs a page (following redirects). */
  get(path: string): Promise<Page> {
    return this.browser.follow(path, 'never:');
  }

  /** Submits the form posting to `action` on the page at `from`, with these fields (its csrf token added). */
  async submit(from: string, action: string, fields: Record<string, string | string[]>): Promise<Page> {
    const page = await this.get(from);
    return this.post(action, { csrf: csrfOf(page.html, action), ...fields });
  }

  /** POSTs fields as a form (no token added) and follows the redirects. */
  post(action: string, fields: Record<string, string | string[]>): Promise<Page> {
    return this.browser.follow(action, 'never:', { form: fields });
  }

  /** Signs up and confirms the email through the sandbox mailbox; returns the signed-in client. */
  static async signedUp(server: TestServer, organisationName: string, email: string, password = 'a long sandbox password'): Promise<PortalClient> {
    const portal = new PortalClient(server);
    const dashboard = await portal.submit('/portal/signup', '/portal/signup', { organisationName, email, password });
    assert.equal(dashboard.status, 200, dashboard.html.slice(0, 400));
    const mailbox = await portal.get('/portal/mailbox');
    const link = /href="([^"]*\/portal\/confirm-email\?token=[^"]+)"/.exec(mailbox.html)?.[1];
    assert.ok(link, 'a confirmation link is in the sandbox mailbox');
    const url = new URL(link);
    const confirmed = await portal.submit(`${url.pathname}${url.search}`, '/portal/confirm-email', { token: url.searchParams.get('token') ?? '' });
    assert.match(confirmed.html, /email address is confirmed/);
    return portal;
  }
}
