import { idempotencyClaim } from '../../domain/payments/idempotency.js';
import { createInternationalPaymentConsent } from '../../domain/payments/international/international-payment-consents.js';
import { confirmFunds, getPaymentConsent } from '../../domain/payments/payment-consents.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentInternationalPaymentConsent } from '../presenters/international-payment-presenter.js';
import { presentFundsConfirmation } from '../presenters/payment-presenter.js';
import { clientOf, idempotencyKeyOf, paymentConsentOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { PispServices } from './pisp-services.js';

/** `/international-payment-consents`: create and read international payment consents, confirm funds (customer token). */
export const internationalPaymentConsentRoutes: RouteDeclaration<PispServices>[] = [
  {
    method: 'POST',
    path: '/international-payment-consents',
    operationId: 'CreateInternationalPaymentConsents',
    token: 'client-credentials',
    scope: 'payments',
    signedRequest: true,
    idempotent: true,
    requestSchema: 'OBWriteInternationalConsent5',
    responseSchema: 'OBWriteInternationalConsentResponse6',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBWriteInternationalConsent5');
      const clientId = clientOf(ctx);
      const claim = idempotencyClaim(clientId, 'international-payment-consent', idempotencyKeyOf(ctx), body);
      const { consent } = await createInternationalPaymentConsent(services, clientId, body, claim, new Date());
      ctx.status = 201;
      ctx.body = presentInternationalPaymentConsent(consent, `${selfLink(ctx, services.issuer)}/${consent.id}`);
    },
  },
  {
    method: 'GET',
    path: '/international-payment-consents/:ConsentId',
    operationId: 'GetInternationalPaymentConsentsConsentId',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBWriteInternationalConsentResponse6',
    async handler(ctx, services) {
      const consent = await getPaymentConsent(services.consents, clientOf(ctx), pathParameter(ctx, 'ConsentId'), new Date(), 'international-payment');
      ctx.body = presentInternationalPaymentConsent(consent, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'GET',
    path: '/international-payment-consents/:ConsentId/funds-confirmation',
    operationId: 'GetInternationalPaymentConsentsConsentIdFundsConfirmation',
    token: 'authorization-code',
    consentKind: 'international-payment',
    scope: 'payments',
    responseSchema: 'OBWriteFundsConfirmationResponse1',
    async handler(ctx, services) {
      const available = await confirmFunds(services.funds, paymentConsentOf(ctx), pathParameter(ctx, 'ConsentId'));
      ctx.body = presentFundsConfirmation(available, new Date(), selfLink(ctx, services.issuer));
    },
  },
];
