import { idempotencyClaim } from '../../domain/payments/idempotency.js';
import { createPaymentConsent, getPaymentConsent } from '../../domain/payments/payment-consents.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentPaymentConsent } from '../presenters/payment-presenter.js';
import { clientOf, idempotencyKeyOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { PispServices } from './pisp-services.js';

/**
 * `/domestic-scheduled-payment-consents`: create and read scheduled payment consents (client credentials). The spec
 * defines no funds confirmation for them (a scheduled payment's funds are checked when it runs).
 */
export const domesticScheduledPaymentConsentRoutes: RouteDeclaration<PispServices>[] = [
  {
    method: 'POST',
    path: '/domestic-scheduled-payment-consents',
    operationId: 'CreateDomesticScheduledPaymentConsents',
    token: 'client-credentials',
    scope: 'payments',
    signedRequest: true,
    idempotent: true,
    requestSchema: 'OBWriteDomesticScheduledConsent4',
    responseSchema: 'OBWriteDomesticScheduledConsentResponse5',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBWriteDomesticScheduledConsent4');
      const clientId = clientOf(ctx);
      const claim = idempotencyClaim(clientId, 'scheduled-payment-consent', idempotencyKeyOf(ctx), body);
      const { consent } = await createPaymentConsent(services, clientId, body, claim, new Date(), 'domestic-scheduled-payment');
      ctx.status = 201;
      ctx.body = presentPaymentConsent(consent, `${selfLink(ctx, services.issuer)}/${consent.id}`);
    },
  },
  {
    method: 'GET',
    path: '/domestic-scheduled-payment-consents/:ConsentId',
    operationId: 'GetDomesticScheduledPaymentConsentsConsentId',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBWriteDomesticScheduledConsentResponse5',
    async handler(ctx, services) {
      const consentId = pathParameter(ctx, 'ConsentId');
      const consent = await getPaymentConsent(services.consents, clientOf(ctx), consentId, new Date(), 'domestic-scheduled-payment');
      ctx.body = presentPaymentConsent(consent, selfLink(ctx, services.issuer));
    },
  },
];
