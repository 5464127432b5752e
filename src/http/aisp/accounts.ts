import type { Context } from 'koa';
import { getConsentedAccount, listConsentedAccounts } from '../../domain/accounts/consented-accounts.js';
import { visibilityOf } from '../../domain/consents/permissions.js';
import { selfLink } from '../links.js';
import { presentAccounts, type AccountVisibility } from '../presenters/account-presenter.js';
import type { RouteDeclaration } from '../route.js';
import type { AispServices } from './aisp-services.js';
import { consentOf } from './consent-context.js';

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
      const account = await getConsentedAccount(services.accounts, consentedAccountIds(ctx), String(ctx.params.AccountId));
      ctx.body = presentAccounts([account], visibility(ctx), selfLink(ctx, services.issuer));
    },
  },
];

function consentedAccountIds(ctx: Context): readonly string[] {
  return consentOf(ctx).accountIds;
}

function visibility(ctx: Context): AccountVisibility {
  const { accountDetail, pan } = visibilityOf(consentOf(ctx).consent.permissions);
  return { detail: accountDetail, pan };
}
