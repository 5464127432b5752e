import { idempotencyClaim } from '../../domain/payments/idempotency.js';
import { getInternationalPayment, makeInternationalPayment } from '../../domain/payments/international/international-payments.js';
import { getPaymentConsent } from '../../domain/payments/payment-consents.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentInternationalPayment } from '../presenters/international-payment-presenter.js';
import { presentPaymentDetails } from '../presenters/payment-presenter.js';
import { clientOf, idempotencyKeyOf, paymentConsentOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { PispServices } from './pisp-services.js';

/** `/international-payments`: make an international payment (customer token bound to its consent), read it and its scheme status. */
export const internationalPaymentRoutes: RouteDeclaration<PispServices>[] = [
  {
    method: 'POST',
    path: '/international-payments',
    operationId: 'CreateInternationalPayments',
    token: 'authorization-code',
    consentKind: 'international-payment',
    scope: 'payments',
    signedRequest: true,
    idempotent: true,
    requestSchema: 'OBWriteInternational3',
    responseSchema: 'OBWriteInternationalResponse5',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBWriteInternational3');
      const consent = paymentConsentOf(ctx);
      const claim = idempotencyClaim(consent.clientId, 'international-payment', idempotencyKeyOf(ctx), body);
      const { payment } = await makeInternationalPayment(services, consent, body, claim, new Date());
      ctx.status = 201;
      ctx.body = presentInternationalPayment(payment, consent, `${selfLink(ctx, services.issuer)}/${payment.id}`);
    },
  },
  {
    method: 'GET',
    path: '/international-payments/:InternationalPaymentId',
    operationId: 'GetInternationalPaymentsInternationalPaymentId',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBWriteInternationalResponse5',
    async handler(ctx, services) {
      const payment = await getInternationalPayment(services, clientOf(ctx), pathParameter(ctx, 'InternationalPaymentId'));
      const consent = await getPaymentConsent(services.consents, payment.clientId, payment.consentId, new Date(), 'international-payment');
      ctx.body = presentInternationalPayment(payment, consent, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'GET',
    path: '/international-payments/:InternationalPaymentId/payment-details',
    operationId: 'GetInternationalPaymentsInternationalPaymentIdPaymentDetails',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBWritePaymentDetailsResponse1',
    async handler(ctx, services) {
      const payment = await getInternationalPayment(services, clientOf(ctx), pathParameter(ctx, 'InternationalPaymentId'));
      ctx.body = presentPaymentDetails(payment, selfLink(ctx, services.issuer));
    },
  },
];
