import { idempotencyClaim } from '../../domain/payments/idempotency.js';
import { confirmVrpFunds, createVrpConsent, deleteVrpConsent, getVrpConsent } from '../../domain/payments/vrp/vrp-consents.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentVrpConsent, presentVrpFundsConfirmation } from '../presenters/vrp-consent-presenter.js';
import { clientOf, idempotencyKeyOf, validatedBodyOf, vrpConsentOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { PispServices } from './pisp-services.js';

/**
 * `/domestic-vrp-consents`: create, read and delete VRP consents (client credentials), confirm funds under one (customer
 * token bound to it). `PUT` and `PATCH` (optional, for version migrations) are not offered: see `OPERATIONS_NOT_OFFERED`.
 */
export const domesticVrpConsentRoutes: RouteDeclaration<PispServices>[] = [
  {
    method: 'POST',
    path: '/domestic-vrp-consents',
    operationId: 'domesticVrpConsentsPost',
    token: 'client-credentials',
    scope: 'payments',
    signedRequest: true,
    idempotent: true,
    requestSchema: 'OBDomesticVRPConsentRequest',
    responseSchema: 'OBDomesticVRPConsentResponse',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBDomesticVRPConsentRequest');
      const clientId = clientOf(ctx);
      const claim = idempotencyClaim(clientId, 'domestic-vrp-consent', idempotencyKeyOf(ctx), body);
      const { consent } = await createVrpConsent(services, clientId, body, claim, new Date());
      ctx.status = 201;
      ctx.body = presentVrpConsent(consent, `${selfLink(ctx, services.issuer)}/${consent.id}`);
    },
  },
  {
    method: 'GET',
    path: '/domestic-vrp-consents/:ConsentId',
    operationId: 'domesticVrpConsentsGet',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBDomesticVRPConsentResponse',
    async handler(ctx, services) {
      const consent = await getVrpConsent(services.vrpConsents, clientOf(ctx), pathParameter(ctx, 'ConsentId'), new Date());
      ctx.body = presentVrpConsent(consent, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'DELETE',
    path: '/domestic-vrp-consents/:ConsentId',
    operationId: 'domesticVrpConsentsDelete',
    token: 'client-credentials',
    scope: 'payments',
    async handler(ctx, services) {
      await deleteVrpConsent(services.vrpConsents, services.grants, clientOf(ctx), pathParameter(ctx, 'ConsentId'), new Date());
      ctx.status = 204;
    },
  },
  {
    method: 'POST',
    path: '/domestic-vrp-consents/:ConsentId/funds-confirmation',
    operationId: 'domesticVrpConsentsFundsConfirmation',
    token: 'authorization-code',
    consentKind: 'domestic-vrp',
    scope: 'payments',
    signedRequest: true,
    requestSchema: 'OBVRPFundsConfirmationRequest',
    responseSchema: 'OBVRPFundsConfirmationResponse',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBVRPFundsConfirmationRequest');
      const confirmation = await confirmVrpFunds(services, vrpConsentOf(ctx), pathParameter(ctx, 'ConsentId'), body, new Date());
      ctx.status = 201;
      ctx.body = presentVrpFundsConfirmation(confirmation, selfLink(ctx, services.issuer));
    },
  },
];
