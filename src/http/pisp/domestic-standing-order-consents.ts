import type { RouteDeclaration } from '../route.js';
import { paymentConsentRoutes } from './payment-consent-routes.js';
import type { PispServices } from './pisp-services.js';

/** `/domestic-standing-order-consents`: create and read standing order consents (client credentials). */
export const domesticStandingOrderConsentRoutes: RouteDeclaration<PispServices>[] = paymentConsentRoutes({
  kind: 'domestic-standing-order',
  path: '/domestic-standing-order-consents',
  operation: 'standing-order-consent',
  createOperationId: 'CreateDomesticStandingOrderConsents',
  getOperationId: 'GetDomesticStandingOrderConsentsConsentId',
  requestSchema: 'OBWriteDomesticStandingOrderConsent5',
  responseSchema: 'OBWriteDomesticStandingOrderConsentResponse6',
});
