import { idempotencyClaim } from '../../domain/payments/idempotency.js';
import { getPaymentConsent } from '../../domain/payments/payment-consents.js';
import { getDomesticPayment, makeDomesticPayment } from '../../domain/payments/payments.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentPayment, presentPaymentDetails } from '../presenters/payment-presenter.js';
import { clientOf, idempotencyKeyOf, paymentConsentOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { PispServices } from './pisp-services.js';

/**
 * `/domestic-scheduled-payments`: order a scheduled payment (customer token bound to its consent; `PDNG` until its
 * `RequestedExecutionDateTime`, when the scheduler runs it), read it and its scheme status.
 */
export const domesticScheduledPaymentRoutes: RouteDeclaration<PispServices>[] = [
  {
    method: 'POST',
    path: '/domestic-scheduled-payments',
    operationId: 'CreateDomesticScheduledPayments',
    token: 'authorization-code',
    scope: 'payments',
    signedRequest: true,
    idempotent: true,
    requestSchema: 'OBWriteDomesticScheduled2',
    responseSchema: 'OBWriteDomesticScheduledResponse5',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBWriteDomesticScheduled2');
      const consent = paymentConsentOf(ctx);
      const claim = idempotencyClaim(consent.clientId, 'scheduled-payment', idempotencyKeyOf(ctx), body);
      const { payment } = await makeDomesticPayment(services, consent, body, claim, new Date(), 'domestic-scheduled-payment');
      ctx.status = 201;
      ctx.body = presentPayment(payment, consent, `${selfLink(ctx, services.issuer)}/${payment.id}`);
    },
  },
  {
    method: 'GET',
    path: '/domestic-scheduled-payments/:DomesticScheduledPaymentId',
    operationId: 'GetDomesticScheduledPaymentsDomesticScheduledPaymentId',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBWriteDomesticScheduledResponse5',
    async handler(ctx, services) {
      const payment = await scheduledPaymentOf(ctx, services);
      const consent = await getPaymentConsent(services.consents, payment.clientId, payment.consentId, new Date(), 'domestic-scheduled-payment');
      ctx.body = presentPayment(payment, consent, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'GET',
    path: '/domestic-scheduled-payments/:DomesticScheduledPaymentId/payment-details',
    operationId: 'GetDomesticScheduledPaymentsDomesticScheduledPaymentIdPaymentDetails',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBWritePaymentDetailsResponse1',
    async handler(ctx, services) {
      ctx.body = presentPaymentDetails(await scheduledPaymentOf(ctx, services), selfLink(ctx, services.issuer));
    },
  },
];

function scheduledPaymentOf(ctx: Parameters<RouteDeclaration<PispServices>['handler']>[0], services: PispServices) {
  return getDomesticPayment(services.payments, clientOf(ctx), pathParameter(ctx, 'DomesticScheduledPaymentId'), 'domestic-scheduled');
}
