import type { Context } from 'koa';
import { getBalances } from '../../domain/accounts/balances.js';
import { assertAccountConsented } from '../../domain/accounts/consented-accounts.js';
import { PermissionMissing } from '../../domain/errors.js';
import { selfLink } from '../links.js';
import { presentBalances } from '../presenters/balance-presenter.js';
import type { RouteDeclaration } from '../route.js';
import type { AispServices } from './aisp-services.js';
import { consentOf } from './consent-context.js';

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
      const { accountIds } = requireBalancesPermission(ctx);
      const accountId = String(ctx.params.AccountId);
      assertAccountConsented(accountIds, accountId);
      ctx.body = presentBalances(await getBalances(services.balances, [accountId], new Date()), selfLink(ctx, services.issuer));
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
      const { accountIds } = requireBalancesPermission(ctx);
      ctx.body = presentBalances(await getBalances(services.balances, accountIds, new Date()), selfLink(ctx, services.issuer));
    },
  },
];

/** @throws PermissionMissing without `ReadBalances` (403). */
function requireBalancesPermission(ctx: Context) {
  const granted = consentOf(ctx);
  if (!granted.consent.permissions.includes('ReadBalances')) throw new PermissionMissing('The consent does not include ReadBalances');
  return granted;
}
