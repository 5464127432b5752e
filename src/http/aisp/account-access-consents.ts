import type { Context } from 'koa';
import type { AccountAccessConsent } from '../../domain/consents/account-access-consent.js';
import { createAccountAccessConsent, deleteAccountAccessConsent, getAccountAccessConsent } from '../../domain/consents/account-access-consents.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentAccountAccessConsent } from '../presenters/consent-presenter.js';
import { clientOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { AispServices } from './aisp-services.js';

/** OBIE's own examples omit the empty `Risk` of an account-access consent; accept that, as partners expect. */
function supplyEmptyRisk(body: unknown): unknown {
  return body && typeof body === 'object' && !Array.isArray(body) && !('Risk' in body) ? { ...body, Risk: {} } : body;
}

/** `/account-access-consents`: create, read and delete account-access consents (client credentials). */
export const accountAccessConsentRoutes: RouteDeclaration<AispServices>[] = [
  {
    method: 'POST',
    path: '/account-access-consents',
    operationId: 'CreateAccountAccessConsents',
    token: 'client-credentials',
    scope: 'accounts',
    requestSchema: 'OBReadConsent1',
    prepareRequest: supplyEmptyRisk,
    responseSchema: 'OBReadConsentResponse1',
    async handler(ctx, services) {
      const { Data } = validatedBodyOf(ctx, 'OBReadConsent1');
      const consent = await createAccountAccessConsent(
        services.consents,
        clientOf(ctx),
        {
          permissions: Data.Permissions,
          expirationDateTime: Data.ExpirationDateTime ?? null,
          transactionFromDateTime: Data.TransactionFromDateTime ?? null,
          transactionToDateTime: Data.TransactionToDateTime ?? null,
        },
        new Date(),
      );
      respond(ctx, 201, consent, `${selfLink(ctx, services.issuer)}/${consent.id}`);
    },
  },
  {
    method: 'GET',
    path: '/account-access-consents/:ConsentId',
    operationId: 'GetAccountAccessConsentsConsentId',
    token: 'client-credentials',
    scope: 'accounts',
    responseSchema: 'OBReadConsentResponse1',
    async handler(ctx, services) {
      const consent = await getAccountAccessConsent(services.consents, clientOf(ctx), pathParameter(ctx, 'ConsentId'), new Date());
      respond(ctx, 200, consent, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'DELETE',
    path: '/account-access-consents/:ConsentId',
    operationId: 'DeleteAccountAccessConsentsConsentId',
    token: 'client-credentials',
    scope: 'accounts',
    async handler(ctx, services) {
      await deleteAccountAccessConsent(services.consents, services.grants, clientOf(ctx), pathParameter(ctx, 'ConsentId'), new Date());
      ctx.status = 204;
    },
  },
];

function respond(ctx: Context, status: number, consent: AccountAccessConsent, self: string): void {
  ctx.status = status;
  ctx.body = presentAccountAccessConsent(consent, self);
}
