import {
  createFundsConfirmationConsent,
  deleteFundsConfirmationConsent,
  getFundsConfirmationConsent,
} from '../../domain/funds-confirmations/funds-confirmation-consents.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentFundsConfirmationConsent } from '../presenters/funds-confirmation-presenter.js';
import { clientOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { CbpiiServices } from './cbpii-services.js';

/** `/funds-confirmation-consents`: create, read and delete funds confirmation consents (client credentials; no message signing, no idempotency key). */
export const fundsConfirmationConsentRoutes: RouteDeclaration<CbpiiServices>[] = [
  {
    method: 'POST',
    path: '/funds-confirmation-consents',
    operationId: 'CreateFundsConfirmationConsents',
    token: 'client-credentials',
    scope: 'fundsconfirmations',
    requestSchema: 'OBFundsConfirmationConsent1',
    responseSchema: 'OBFundsConfirmationConsentResponse1',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBFundsConfirmationConsent1');
      const consent = await createFundsConfirmationConsent(services.fundsConfirmationConsents, clientOf(ctx), body, new Date());
      ctx.status = 201;
      ctx.body = presentFundsConfirmationConsent(consent, `${selfLink(ctx, services.issuer)}/${consent.id}`);
    },
  },
  {
    method: 'GET',
    path: '/funds-confirmation-consents/:ConsentId',
    operationId: 'GetFundsConfirmationConsentsConsentId',
    token: 'client-credentials',
    scope: 'fundsconfirmations',
    responseSchema: 'OBFundsConfirmationConsentResponse1',
    async handler(ctx, services) {
      const consent = await getFundsConfirmationConsent(
        services.fundsConfirmationConsents,
        clientOf(ctx),
        pathParameter(ctx, 'ConsentId'),
        new Date(),
      );
      ctx.body = presentFundsConfirmationConsent(consent, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'DELETE',
    path: '/funds-confirmation-consents/:ConsentId',
    operationId: 'DeleteFundsConfirmationConsentsConsentId',
    token: 'client-credentials',
    scope: 'fundsconfirmations',
    async handler(ctx, services) {
      await deleteFundsConfirmationConsent(
        services.fundsConfirmationConsents,
        services.grants,
        clientOf(ctx),
        pathParameter(ctx, 'ConsentId'),
        new Date(),
      );
      ctx.status = 204;
    },
  },
];
