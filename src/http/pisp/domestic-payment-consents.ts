import { idempotencyClaim } from '../../domain/payments/idempotency.js';
import { confirmFunds, createPaymentConsent, getPaymentConsent } from '../../domain/payments/payment-consents.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentFundsConfirmation, presentPaymentConsent } from '../presenters/payment-presenter.js';
import { clientOf, idempotencyKeyOf, paymentConsentOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { PispServices } from './pisp-services.js';

/** `/domestic-payment-consents`: create and read payment consents (client credentials), confirm funds (customer token). */
export const domesticPaymentConsentRoutes: RouteDeclaration<PispServices>[] = [
  {
    method: 'POST',
    path: '/domestic-payment-consents',
    operationId: 'CreateDomesticPaymentConsents',
    token: 'client-credentials',
    scope: 'payments',
    signedRequest: true,
    idempotent: true,
    requestSchema: 'OBWriteDomesticConsent4',
    responseSchema: 'OBWriteDomesticConsentResponse5',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBWriteDomesticConsent4');
      const clientId = clientOf(ctx);
      const claim = idempotencyClaim(clientId, 'domestic-payment-consent', idempotencyKeyOf(ctx), body);
      const { consent } = await createPaymentConsent(services, clientId, body, claim, new Date());
      ctx.status = 201;
      ctx.body = presentPaymentConsent(consent, `${selfLink(ctx, services.issuer)}/${consent.id}`);
    },
  },
  {
    method: 'GET',
    path: '/domestic-payment-consents/:ConsentId',
    operationId: 'GetDomesticPaymentConsentsConsentId',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBWriteDomesticConsentResponse5',
    async handler(ctx, services) {
      const consent = await getPaymentConsent(services.consents, clientOf(ctx), pathParameter(ctx, 'ConsentId'), new Date());
      ctx.body = presentPaymentConsent(consent, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'GET',
    path: '/domestic-payment-consents/:ConsentId/funds-confirmation',
    operationId: 'GetDomesticPaymentConsentsConsentIdFundsConfirmation',
    token: 'authorization-code',
    scope: 'payments',
    responseSchema: 'OBWriteFundsConfirmationResponse1',
    async handler(ctx, services) {
      const available = await confirmFunds(services.funds, paymentConsentOf(ctx), pathParameter(ctx, 'ConsentId'));
      ctx.body = presentFundsConfirmation(available, new Date(), selfLink(ctx, services.issuer));
    },
  },
];
