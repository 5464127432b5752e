import type { GrantRevoker } from './account-access-consent.js';
import type { IntentStores } from './intents.js';

/**
 * Ends every consent of an app that no longer exists (its partner deregistered it): account access, VRP mandates
 * and funds confirmation consents become `CANC`, payment consents not used yet `RJCT`, and their grants end, so none of the app's codes or refresh
 * tokens works and the customers' connected apps show them as ended.
 * @returns how many grants were revoked.
 */
export async function endConsentsOfApp(stores: IntentStores, grants: GrantRevoker, clientId: string, now: Date): Promise<number> {
  const reason = { description: 'The app was deregistered' };
  const grantIds = [
    ...(await stores.accountAccess.cancelAllOfClient(clientId, now, { code: 'TKSP', ...reason })),
    ...(await stores.payments.rejectAllOfClient(clientId, now, { code: 'U036', ...reason })),
    ...(await stores.vrp.cancelAllOfClient(clientId, now, { code: 'TKSP', ...reason })),
    ...(await stores.fundsConfirmation.cancelAllOfClient(clientId, now, { code: 'TKSP', ...reason })),
  ];
  for (const grantId of grantIds) await grants.revokeGrant(grantId);
  return grantIds.length;
}
