import type { Context } from 'koa';
import type { WebSession } from '../domain/auth/web-session.js';
import type { Partner, PartnerStore } from '../domain/partners/partner-app.js';
import type { PartnerUser, PartnerUserStore } from '../domain/partners/partner-users.js';
import type { SessionCookies } from './session-cookies.js';
import type { PortalViewer } from './views/portal-layout.js';
import { formOf, redirect } from './web-forms.js';

/** A signed-in partner: the session, the user and the organisation. */
export interface SignedIn {
  readonly session: WebSession;
  readonly user: PartnerUser;
  readonly partner: Partner;
  readonly viewer: PortalViewer;
}

/** Who is signed in to the portal, and the guard of the pages that need someone. */
export interface PartnerSessions {
  /** The signed-in partner, or null. */
  readonly signedIn: (ctx: Context) => Promise<SignedIn | null>;
  /** Runs `handle` for a signed-in partner (checking the anti-forgery token of a POST); sends others to log in. */
  readonly withPartner: (handle: (ctx: Context, partner: SignedIn) => Promise<void>) => (ctx: Context) => Promise<void>;
}

/** Portal sessions over the session cookies, the portal users and their organisations. */
export function partnerSessions(sessions: SessionCookies, users: PartnerUserStore, partners: PartnerStore, sandbox: boolean): PartnerSessions {
  async function signedIn(ctx: Context): Promise<SignedIn | null> {
    const session = await sessions.current(ctx);
    const user = session ? await users.findById(session.subjectId) : null;
    const partner = user ? await partners.findPartner(user.partnerId) : null;
    if (!session || !user || !partner) return null;
    return { session, user, partner, viewer: { email: user.email, organisationName: partner.name, csrf: sessions.csrfToken(session), sandbox } };
  }
  return {
    signedIn,
    withPartner(handle) {
      return async (ctx) => {
        const current = await signedIn(ctx);
        if (!current) return redirect(ctx, '/portal/login');
        if (ctx.method === 'POST' && !sessions.verifyCsrf(current.session, formOf(ctx).csrf)) {
          ctx.throw(403, 'This form has expired. Go back, reload the page and try again.');
        }
        await handle(ctx, current);
      };
    },
  };
}
