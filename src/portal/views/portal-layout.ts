import { html, type SafeHtml } from '../../web/html.js';
import { renderLayout } from '../../web/layout.js';
import { postButton } from '../../web/form-fields.js';

/** Who is signed in to the partner portal, for the header. */
export interface PortalViewer {
  readonly email: string;
  readonly organisationName: string;
  /** The session's anti-forgery token (for the log-out button). */
  readonly csrf: string;
  /** Whether the sandbox mailbox exists (sandbox mode). */
  readonly sandbox: boolean;
}

/** A partner portal page: wide, with the portal's navigation when someone is signed in. */
export function renderPortalPage(options: { title: string; body: SafeHtml; viewer?: PortalViewer | null; width?: 'narrow' | 'wide' }): string {
  const { viewer } = options;
  const nav =
    viewer &&
    html`<a href="/portal">Apps</a>${viewer.sandbox && html`<a href="/portal/mailbox">Sandbox mailbox</a>`}<span class="site-nav__who">${viewer.organisationName} · ${viewer.email}</span>${postButton({ action: '/portal/logout', csrf: viewer.csrf, label: 'Log out', variant: 'link' })}`;
  return renderLayout({ title: options.title, body: options.body, nav: nav || undefined, width: options.width ?? 'wide', section: 'Partner portal' });
}
