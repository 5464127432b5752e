import { getConsentedBalances } from '../../domain/accounts/balances.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentBalances } from '../presenters/balance-presenter.js';
import { accountAccessOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { AispServices } from './aisp-services.js';

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
      const { consent, accountIds } = accountAccessOf(ctx);
      const balances = await getConsentedBalances(services.balances, consent, accountIds, pathParameter(ctx, 'AccountId'), new Date());
      ctx.body = presentBalances(balances, selfLink(ctx, services.issuer));
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
      const { consent, accountIds } = accountAccessOf(ctx);
      ctx.body = presentBalances(
        await getConsentedBalances(services.balances, consent, accountIds, null, new Date()),
        selfLink(ctx, services.issuer),
      );
    },
  },
];
