import type { Context } from 'koa';
import { getConsentedAccount, listConsentedAccounts } from '../../domain/accounts/consented-accounts.js';
import { visibilityOf } from '../../domain/consents/permissions.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentAccounts, type AccountVisibility } from '../presenters/account-presenter.js';
import { accountAccessOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { AispServices } from './aisp-services.js';

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
      const accounts = await listConsentedAccounts(services.accounts, consentedAccountIds(ctx));
      ctx.body = presentAccounts(accounts, visibility(ctx), selfLink(ctx, services.issuer));
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
      const account = await getConsentedAccount(services.accounts, consentedAccountIds(ctx), pathParameter(ctx, 'AccountId'));
      ctx.body = presentAccounts([account], visibility(ctx), selfLink(ctx, services.issuer));
    },
  },
];

function consentedAccountIds(ctx: Context): readonly string[] {
  return accountAccessOf(ctx).accountIds;
}

function visibility(ctx: Context): AccountVisibility {
  const { accountDetail, pan } = visibilityOf(accountAccessOf(ctx).consent.permissions);
  return { detail: accountDetail, pan };
}
