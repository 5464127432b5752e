import type { Context } from 'koa';
import { readConsentedAccounts } from '../../domain/accounts/consented-accounts.js';
import { visibilityOf } from '../../domain/consents/permissions.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentAccounts } from '../presenters/account-presenter.js';
import { verifiedTokenOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { AispServices } from './aisp-services.js';
import { consentedResultOf } from './consented-result.js';

/** `/accounts`: the accounts the customer shared under the token's consent (authorization code). */
export const accountRoutes: RouteDeclaration<AispServices>[] = [
  {
    method: 'GET',
    path: '/accounts',
    operationId: 'GetAccounts',
    token: 'authorization-code',
    scope: 'accounts',
    responseSchema: 'OBReadAccount6',
    async handler(ctx, services) {
      await respondWithAccounts(ctx, services, null);
    },
  },
  {
    method: 'GET',
    path: '/accounts/:AccountId',
    operationId: 'GetAccountsAccountId',
    token: 'authorization-code',
    scope: 'accounts',
    responseSchema: 'OBReadAccount6',
    async handler(ctx, services) {
      await respondWithAccounts(ctx, services, pathParameter(ctx, 'AccountId'));
    },
  },
];

/** One shared account, or all (null), read with the consent in one statement. */
async function respondWithAccounts(ctx: Context, services: AispServices, accountId: string | null): Promise<void> {
  const outcome = await readConsentedAccounts(services.reads, services.consents, verifiedTokenOf(ctx), accountId, new Date());
  const { access, result } = await consentedResultOf(ctx, services.findAppStanding, outcome);
  const { accountDetail, pan } = visibilityOf(access.consent.permissions);
  ctx.body = presentAccounts(result, { detail: accountDetail, pan }, selfLink(ctx, services.issuer));
}
