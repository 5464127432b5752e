import { idempotencyClaim } from '../../domain/payments/idempotency.js';
import { getPaymentConsent } from '../../domain/payments/payment-consents.js';
import { getDomesticPayment, makeDomesticPayment } from '../../domain/payments/payments.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentPayment, presentPaymentDetails } from '../presenters/payment-presenter.js';
import { clientOf, idempotencyKeyOf, paymentConsentOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { PispServices } from './pisp-services.js';

/** `/domestic-payments`: make a payment (customer token bound to its consent), read it and its scheme status. */
export const domesticPaymentRoutes: RouteDeclaration<PispServices>[] = [
  {
    method: 'POST',
    path: '/domestic-payments',
    operationId: 'CreateDomesticPayments',
    token: 'authorization-code',
    scope: 'payments',
    signedRequest: true,
    idempotent: true,
    requestSchema: 'OBWriteDomestic2',
    responseSchema: 'OBWriteDomesticResponse5',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBWriteDomestic2');
      const consent = paymentConsentOf(ctx);
      const claim = idempotencyClaim(consent.clientId, 'domestic-payment', idempotencyKeyOf(ctx), body);
      const { payment } = await makeDomesticPayment(services, consent, body, claim, new Date());
      ctx.status = 201;
      ctx.body = presentPayment(payment, consent, `${selfLink(ctx, services.issuer)}/${payment.id}`);
    },
  },
  {
    method: 'GET',
    path: '/domestic-payments/:DomesticPaymentId',
    operationId: 'GetDomesticPaymentsDomesticPaymentId',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBWriteDomesticResponse5',
    async handler(ctx, services) {
      const payment = await getDomesticPayment(services.payments, clientOf(ctx), pathParameter(ctx, 'DomesticPaymentId'));
      const consent = await getPaymentConsent(services.consents, payment.clientId, payment.consentId, new Date());
      ctx.body = presentPayment(payment, consent, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'GET',
    path: '/domestic-payments/:DomesticPaymentId/payment-details',
    operationId: 'GetDomesticPaymentsDomesticPaymentIdPaymentDetails',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBWritePaymentDetailsResponse1',
    async handler(ctx, services) {
      const payment = await getDomesticPayment(services.payments, clientOf(ctx), pathParameter(ctx, 'DomesticPaymentId'));
      ctx.body = presentPaymentDetails(payment, selfLink(ctx, services.issuer));
    },
  },
];
