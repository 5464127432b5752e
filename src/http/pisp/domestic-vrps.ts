import { idempotencyClaim } from '../../domain/payments/idempotency.js';
import { getDomesticVrp, makeDomesticVrp } from '../../domain/payments/vrp/vrp-payments.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentPaymentDetails } from '../presenters/payment-presenter.js';
import { presentVrp } from '../presenters/vrp-presenter.js';
import { clientOf, idempotencyKeyOf, validatedBodyOf, vrpConsentOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { PispServices } from './pisp-services.js';

/** `/domestic-vrps`: pay under a VRP mandate (customer token bound to it), read a VRP and its scheme status. */
export const domesticVrpRoutes: RouteDeclaration<PispServices>[] = [
  {
    method: 'POST',
    path: '/domestic-vrps',
    operationId: 'domesticVrpPost',
    token: 'authorization-code',
    consentKind: 'domestic-vrp',
    scope: 'payments',
    signedRequest: true,
    idempotent: true,
    requestSchema: 'OBDomesticVRPRequest',
    responseSchema: 'OBDomesticVRPResponse',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBDomesticVRPRequest');
      const consent = vrpConsentOf(ctx);
      const claim = idempotencyClaim(consent.clientId, 'domestic-vrp', idempotencyKeyOf(ctx), body);
      const { payment } = await makeDomesticVrp(services, consent, body, claim, new Date());
      ctx.status = 201;
      ctx.body = presentVrp(payment, consent, `${selfLink(ctx, services.issuer)}/${payment.id}`);
    },
  },
  {
    method: 'GET',
    path: '/domestic-vrps/:DomesticVRPId',
    operationId: 'domesticVrpGet',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBDomesticVRPResponse',
    async handler(ctx, services) {
      const { payment, consent } = await getDomesticVrp(services, clientOf(ctx), pathParameter(ctx, 'DomesticVRPId'));
      ctx.body = presentVrp(payment, consent, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'GET',
    path: '/domestic-vrps/:DomesticVRPId/payment-details',
    operationId: 'domesticVrpPaymentDetailsGet',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBDomesticVRPDetails',
    async handler(ctx, services) {
      const { payment } = await getDomesticVrp(services, clientOf(ctx), pathParameter(ctx, 'DomesticVRPId'));
      ctx.body = presentPaymentDetails(payment, selfLink(ctx, services.issuer));
    },
  },
];
