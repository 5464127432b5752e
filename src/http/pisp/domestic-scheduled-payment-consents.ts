import type { RouteDeclaration } from '../route.js';
import { paymentConsentRoutes } from './payment-consent-routes.js';
import type { PispServices } from './pisp-services.js';

/** `/domestic-scheduled-payment-consents`: create and read scheduled payment consents (client credentials). */
export const domesticScheduledPaymentConsentRoutes: RouteDeclaration<PispServices>[] = paymentConsentRoutes({
  kind: 'domestic-scheduled-payment',
  path: '/domestic-scheduled-payment-consents',
  operation: 'scheduled-payment-consent',
  createOperationId: 'CreateDomesticScheduledPaymentConsents',
  getOperationId: 'GetDomesticScheduledPaymentConsentsConsentId',
  requestSchema: 'OBWriteDomesticScheduledConsent4',
  responseSchema: 'OBWriteDomesticScheduledConsentResponse5',
});
