import { idempotencyClaim, type IdempotentOperation } from '../../domain/payments/idempotency.js';
import type { PaymentConsentKind } from '../../domain/payments/payment-consent.js';
import { createPaymentConsent, getPaymentConsent } from '../../domain/payments/payment-consents.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentPaymentConsent } from '../presenters/payment-presenter.js';
import type { RequestSchema } from '../request-bodies.js';
import { clientOf, idempotencyKeyOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { PispServices } from './pisp-services.js';

/** How one kind of single-use payment consent is served: its path, operations and schemas. */
export interface PaymentConsentResource {
  readonly kind: PaymentConsentKind;
  /** E.g. `/domestic-scheduled-payment-consents`. */
  readonly path: string;
  readonly operation: IdempotentOperation;
  readonly createOperationId: string;
  readonly getOperationId: string;
  readonly requestSchema: RequestSchema & ('OBWriteDomesticScheduledConsent4' | 'OBWriteDomesticStandingOrderConsent5');
  readonly responseSchema: string;
}

/**
 * `POST` (client credentials, signed, idempotent: a consent `AWAU`) and `GET /{ConsentId}` of one kind of payment consent.
 * The spec defines no funds confirmation for scheduled payment and standing order consents: their funds are checked
 * when each payment runs.
 */
export function paymentConsentRoutes(resource: PaymentConsentResource): RouteDeclaration<PispServices>[] {
  return [
    {
      method: 'POST',
      path: resource.path,
      operationId: resource.createOperationId,
      token: 'client-credentials',
      scope: 'payments',
      signedRequest: true,
      idempotent: true,
      requestSchema: resource.requestSchema,
      responseSchema: resource.responseSchema,
      async handler(ctx, services) {
        const body = validatedBodyOf(ctx, resource.requestSchema);
        const clientId = clientOf(ctx);
        const claim = idempotencyClaim(clientId, resource.operation, idempotencyKeyOf(ctx), body);
        const { consent } = await createPaymentConsent(services, clientId, body, claim, new Date(), resource.kind);
        ctx.status = 201;
        ctx.body = presentPaymentConsent(consent, `${selfLink(ctx, services.issuer)}/${consent.id}`);
      },
    },
    {
      method: 'GET',
      path: `${resource.path}/:ConsentId`,
      operationId: resource.getOperationId,
      token: 'client-credentials',
      scope: 'payments',
      responseSchema: resource.responseSchema,
      async handler(ctx, services) {
        const consent = await getPaymentConsent(services.consents, clientOf(ctx), pathParameter(ctx, 'ConsentId'), new Date(), resource.kind);
        ctx.body = presentPaymentConsent(consent, selfLink(ctx, services.issuer));
      },
    },
  ];
}
