import { confirmFunds } from '../../domain/funds-confirmations/funds-confirmations.js';
import { selfLink } from '../links.js';
import { presentFundsConfirmation } from '../presenters/funds-confirmation-presenter.js';
import { fundsConfirmationConsentOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { CbpiiServices } from './cbpii-services.js';

/**
 * `/funds-confirmations`: whether the account of the consent the customer token is bound to could pay an amount now. A
 * confirmation is an answer, not a resource: there is nothing to read back, so `Links.Self` is where it was asked.
 */
export const fundsConfirmationRoutes: RouteDeclaration<CbpiiServices>[] = [
  {
    method: 'POST',
    path: '/funds-confirmations',
    operationId: 'CreateFundsConfirmations',
    token: 'authorization-code',
    scope: 'fundsconfirmations',
    requestSchema: 'OBFundsConfirmation1',
    responseSchema: 'OBFundsConfirmationResponse1',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'OBFundsConfirmation1');
      const confirmation = await confirmFunds(services, fundsConfirmationConsentOf(ctx), body, new Date());
      ctx.status = 201;
      ctx.body = presentFundsConfirmation(confirmation, selfLink(ctx, services.issuer));
    },
  },
];
