import type { Context } from 'koa';
import { readConsentedBalances } from '../../domain/accounts/balances.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentBalances } from '../presenters/balance-presenter.js';
import { verifiedTokenOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { AispServices } from './aisp-services.js';
import { consentedResultOf } from './consented-result.js';

/** `/accounts/{AccountId}/balances` and bulk `/balances` (authorization code, `ReadBalances`). */
export const balanceRoutes: RouteDeclaration<AispServices>[] = [
  {
    method: 'GET',
    path: '/accounts/:AccountId/balances',
    operationId: 'GetAccountsAccountIdBalances',
    token: 'authorization-code',
    scope: 'accounts',
    responseSchema: 'OBReadBalance1',
    async handler(ctx, services) {
      await respondWithBalances(ctx, services, pathParameter(ctx, 'AccountId'));
    },
  },
  {
    method: 'GET',
    path: '/balances',
    operationId: 'GetBalances',
    token: 'authorization-code',
    scope: 'accounts',
    responseSchema: 'OBReadBalance1',
    async handler(ctx, services) {
      await respondWithBalances(ctx, services, null);
    },
  },
];

/** The balances of one shared account, or of all (null), read with the consent in one statement. */
async function respondWithBalances(ctx: Context, services: AispServices, accountId: string | null): Promise<void> {
  const outcome = await readConsentedBalances(services.reads, services.consents, verifiedTokenOf(ctx), accountId, new Date());
  const { result } = await consentedResultOf(ctx, services.findAppStanding, outcome);
  ctx.body = presentBalances(result, selfLink(ctx, services.issuer));
}
