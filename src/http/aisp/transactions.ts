import type { Context } from 'koa';
import { cardNumber } from '../../domain/accounts/account.js';
import { readConsentedAccounts } from '../../domain/accounts/consented-accounts.js';
import { listTransactions, PAGE_SIZE } from '../../domain/accounts/list-transactions.js';
import { visibilityOf } from '../../domain/consents/permissions.js';
import { parseFilterDateTime } from '../../domain/dates.js';
import { InvalidField } from '../../domain/errors.js';
import { pathParameter } from '../path-parameter.js';
import { presentTransactions } from '../presenters/transaction-presenter.js';
import { verifiedTokenOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { AispServices } from './aisp-services.js';
import { consentedResultOf } from './consented-result.js';

/** Query parameters of a transaction listing; every link of the listing carries them. */
const FILTERS = ['fromBookingDateTime', 'toBookingDateTime', 'pageSize'] as const;

/** `/accounts/{AccountId}/transactions` and bulk `/transactions` (authorization code, newest first, paginated). */
export const transactionRoutes: RouteDeclaration<AispServices>[] = [
  {
    method: 'GET',
    path: '/accounts/:AccountId/transactions',
    operationId: 'GetAccountsAccountIdTransactions',
    token: 'authorization-code',
    scope: 'accounts',
    responseSchema: 'OBReadTransaction6',
    async handler(ctx, services) {
      const accountId = pathParameter(ctx, 'AccountId');
      await respondWithPage(ctx, services, accountId, accountId);
    },
  },
  {
    method: 'GET',
    path: '/transactions',
    operationId: 'GetTransactions',
    token: 'authorization-code',
    scope: 'accounts',
    responseSchema: 'OBReadTransaction6',
    async handler(ctx, services) {
      await respondWithPage(ctx, services, null, 'bulk');
    },
  },
];

/**
 * A page of the transactions of one shared account, or of all (null): the accounts (their cards) are read with the
 * consent in one statement, then the page.
 */
async function respondWithPage(ctx: Context, services: AispServices, accountId: string | null, listing: string): Promise<void> {
  const outcome = await readConsentedAccounts(services.reads, services.consents, verifiedTokenOf(ctx), accountId, new Date());
  const { access, result: accounts } = await consentedResultOf(ctx, services.findAppStanding, outcome);
  const accountIds = accounts.map((account) => account.id);
  const query = singleValues(ctx);
  const from = query.fromBookingDateTime ? parseFilterDateTime(query.fromBookingDateTime, 'fromBookingDateTime') : null;
  const to = query.toBookingDateTime ? parseFilterDateTime(query.toBookingDateTime, 'toBookingDateTime') : null;
  const pageSize = query.pageSize === undefined ? PAGE_SIZE.default : /^\d{1,4}$/.test(query.pageSize) ? Number(query.pageSize) : Number.NaN;
  const page = await listTransactions(services.transactions, services.cursors, access.consent, {
    accountIds,
    scope: `${listing}|${from?.toISOString() ?? ''}|${to?.toISOString() ?? ''}`,
    fromBookingDateTime: from,
    toBookingDateTime: to,
    cursor: query.cursor ?? null,
    pageSize,
  });
  const link = (cursor: string | null) => {
    const url = new URL(ctx.path, new URL(services.issuer).origin);
    for (const name of FILTERS) if (query[name] !== undefined) url.searchParams.set(name, query[name]);
    if (cursor) url.searchParams.set('cursor', cursor);
    return url.href;
  };
  const cards = new Map(
    accounts.flatMap((account) => {
      const number = cardNumber(account);
      return number ? [[account.id, { number, name: account.identifications[0]?.name ?? null }] as const] : [];
    }),
  );
  const { transactionDetail, pan } = visibilityOf(access.consent.permissions);
  ctx.body = presentTransactions(
    page.transactions,
    { detail: transactionDetail, pan, cards },
    {
      Self: link(query.cursor ?? null),
      ...(page.next ? { Next: link(page.next) } : {}),
      ...(page.previous ? { Prev: link(page.previous) } : {}),
    },
  );
}

/** The query string with one value per parameter; a repeated parameter is refused. */
function singleValues(ctx: Context): Partial<Record<(typeof FILTERS)[number] | 'cursor', string>> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.query)) {
    if (Array.isArray(value)) throw new InvalidField(`${name} must be given once`, name);
    if (value !== undefined) values[name] = value;
  }
  return values;
}
