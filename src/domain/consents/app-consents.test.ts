// Proves that when an app is gone, every consent of it that could still be used ends (account access, VRP mandates and
// funds confirmation consents CANC, unused payment consents RJCT) and each of their grants is revoked, while other apps' consents and ended ones stay as
// they are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InMemoryConsentStore } from '../../../test/support/in-memory-consent-store.js';
import type { FundsConfirmationConsentStore } from '../funds-confirmations/funds-confirmation-consent.js';
import type { PaymentConsentStore } from '../payments/payment-consent.js';
import type { VrpConsentStore } from '../payments/vrp/vrp-consent.js';
import type { AccountAccessConsent } from './account-access-consent.js';
import { endConsentsOfApp } from './app-consents.js';
import { ConsentStatus } from './consent-status.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');

function consent(id: string, clientId: string, status: ConsentStatus, grantId: string | null): AccountAccessConsent {
  return {
    id,
    clientId,
    status,
    statusReason: null,
    permissions: ['ReadAccountsBasic'],
    expiresAt: null,
    transactionFromAt: null,
    transactionToAt: null,
    customerId: grantId ? 'cus_alice' : null,
    grantId,
    authorisedAt: grantId ? NOW : null,
    createdAt: NOW,
    statusUpdatedAt: NOW,
    request: { ExpirationDateTime: null, TransactionFromDateTime: null, TransactionToDateTime: null },
  };
}

test('an app is deregistered → its AWAU and AUTH account access, VRP mandates and funds confirmation consents CANC, its unused payment consents rejected, every grant revoked; other apps untouched', async () => {
  const accountAccess = new InMemoryConsentStore();
  accountAccess.put(consent('aac_live', 'cli_gone', ConsentStatus.Authorised, 'grant_live'));
  accountAccess.put(consent('aac_waiting', 'cli_gone', ConsentStatus.AwaitingAuthorisation, null));
  accountAccess.put(consent('aac_revoked', 'cli_gone', ConsentStatus.Revoked, 'grant_old'));
  accountAccess.put(consent('aac_other', 'cli_other', ConsentStatus.Authorised, 'grant_other'));
  const rejected: Array<{ clientId: string; code: string }> = [];
  const payments = {
    async rejectAllOfClient(clientId: string, _at: Date, reason: { code: string }) {
      rejected.push({ clientId, code: reason.code });
      return ['grant_payment'];
    },
  } as unknown as PaymentConsentStore;
  const cancelled: Array<{ clientId: string; code: string }> = [];
  const vrp = {
    async cancelAllOfClient(clientId: string, _at: Date, reason: { code: string }) {
      cancelled.push({ clientId, code: reason.code });
      return ['grant_mandate'];
    },
  } as unknown as VrpConsentStore;
  const fundsConfirmation = {
    async cancelAllOfClient(clientId: string, _at: Date, reason: { code: string }) {
      cancelled.push({ clientId, code: reason.code });
      return ['grant_funds'];
    },
  } as unknown as FundsConfirmationConsentStore;
  const revoked: string[] = [];

  const count = await endConsentsOfApp(
    { accountAccess, payments, vrp, fundsConfirmation },
    { revokeGrant: async (grantId) => void revoked.push(grantId) },
    'cli_gone',
    NOW,
  );

  assert.equal(count, 4);
  assert.deepEqual(revoked.sort(), ['grant_funds', 'grant_live', 'grant_mandate', 'grant_payment']);
  assert.equal((await accountAccess.findById('aac_live'))?.status, ConsentStatus.Revoked);
  assert.equal((await accountAccess.findById('aac_waiting'))?.status, ConsentStatus.Revoked);
  assert.equal((await accountAccess.findById('aac_live'))?.statusReason?.description, 'The app was deregistered');
  assert.equal((await accountAccess.findById('aac_other'))?.status, ConsentStatus.Authorised);
  assert.deepEqual(rejected, [{ clientId: 'cli_gone', code: 'U036' }]);
  assert.deepEqual(cancelled, [
    { clientId: 'cli_gone', code: 'TKSP' },
    { clientId: 'cli_gone', code: 'TKSP' },
  ]);
});
