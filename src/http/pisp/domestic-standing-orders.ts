import { standingOrderIdOf } from '../../domain/payments/domestic-payment.js';
import { idempotencyClaim } from '../../domain/payments/idempotency.js';
import { makeDomesticPayment } from '../../domain/payments/payments.js';
import { getStandingOrder } from '../../domain/payments/standing-orders/standing-orders.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentPaymentsDetails, presentStandingOrder } from '../presenters/payment-presenter.js';
import { clientOf, idempotencyKeyOf, paymentConsentOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { PispServices } from './pisp-services.js';

/**
 * `/domestic-standing-orders`: make a standing order (customer token bound to its consent; `PDNG` with its first payment
 * pending until `FirstPaymentDateTime`), read it, and the scheme status of its payments.
 */
export const domesticStandingOrderRoutes: RouteDeclaration<PispServices>[] = [
  {
    method: 'POST',
    path: '/domestic-standing-orders',
    operationId: 'CreateDomesticStandingOrders',
    token: 'authorization-code',
    scope: 'payments',
    signedRequest: true,
    idempotent: true,
    requestSchema: 'OBWriteDomesticStandingOrder3',
    responseSchema: 'OBWriteDomesticStandingOrderResponse6',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBWriteDomesticStandingOrder3');
      const consent = paymentConsentOf(ctx);
      const claim = idempotencyClaim(consent.clientId, 'standing-order', idempotencyKeyOf(ctx), body);
      await makeDomesticPayment(services, consent, body, claim, new Date(), 'domestic-standing-order');
      const order = await getStandingOrder(services, consent.clientId, standingOrderIdOf(consent.id));
      ctx.status = 201;
      ctx.body = presentStandingOrder(order, `${selfLink(ctx, services.issuer)}/${order.id}`);
    },
  },
  {
    method: 'GET',
    path: '/domestic-standing-orders/:DomesticStandingOrderId',
    operationId: 'GetDomesticStandingOrdersDomesticStandingOrderId',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBWriteDomesticStandingOrderResponse6',
    async handler(ctx, services) {
      const order = await getStandingOrder(services, clientOf(ctx), pathParameter(ctx, 'DomesticStandingOrderId'));
      ctx.body = presentStandingOrder(order, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'GET',
    path: '/domestic-standing-orders/:DomesticStandingOrderId/payment-details',
    operationId: 'GetDomesticStandingOrdersDomesticStandingOrderIdPaymentDetails',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'OBWritePaymentDetailsResponse1',
    async handler(ctx, services) {
      const order = await getStandingOrder(services, clientOf(ctx), pathParameter(ctx, 'DomesticStandingOrderId'));
      ctx.body = presentPaymentsDetails(order.payments, selfLink(ctx, services.issuer));
    },
  },
];
