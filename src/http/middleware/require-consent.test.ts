// Proves the cost and the wording of the customer-token consent guard: a usable consent passes with the app's standing
// read in the same statement (the app is not looked up again), and only a refused token costs a look-up of its app, whose
// standing decides the reason given (the app when it is no longer active, else the consent).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Context } from 'koa';
import type { AccountAccessConsent } from '../../domain/consents/account-access-consent.js';
import { grantReference } from '../../domain/consents/account-access-consents.js';
import { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { AppStanding } from '../../domain/partners/partner-app.js';
import { InMemoryConsentStore } from '../../../test/support/in-memory-consent-store.js';
import { ApiError } from '../api-error.js';
import { accountAccessOf, knownAppStanding, rememberVerifiedToken } from '../request-state.js';
import { requireAuthorisedConsent } from './require-consent.js';

const NOW = new Date();

function consent(status: ConsentStatus): AccountAccessConsent {
  return {
    id: `aac_${status}`,
    clientId: 'cli_app',
    status,
    statusReason: null,
    permissions: ['ReadAccountsBasic'],
    expiresAt: null,
    transactionFromAt: null,
    transactionToAt: null,
    customerId: 'cus_alice',
    grantId: 'grant-1',
    authorisedAt: NOW,
    createdAt: NOW,
    statusUpdatedAt: NOW,
    request: { ExpirationDateTime: null, TransactionFromDateTime: null, TransactionToDateTime: null },
  };
}

/** Runs the guard for a customer token bound to `consentId`; returns what it established and how often the app was looked up. */
async function guard(consentId: string, appStanding: AppStanding | null) {
  const store = new InMemoryConsentStore();
  await store.insert(consent(ConsentStatus.Authorised));
  await store.insert(consent(ConsentStatus.Revoked));
  const lookups: string[] = [];
  const middleware = requireAuthorisedConsent(store, async (clientId) => {
    lookups.push(clientId);
    return appStanding;
  });
  const ctx = {} as Context;
  rememberVerifiedToken(ctx, {
    expiresAtMs: Date.now() + 60_000,
    clientId: 'cli_app',
    subject: 'cus_alice',
    scopes: ['accounts'],
    consentId,
    grantReference: grantReference('grant-1'),
  });
  let passed = false;
  const outcome = await middleware(ctx, async () => {
    passed = true;
  }).catch((error: unknown) => error);
  return { ctx, passed, outcome, lookups };
}

describe('requireAuthorisedConsent', () => {
  test('a usable consent → passes with its accounts and the standing read with it; the app is not looked up', async () => {
    const { ctx, passed, lookups } = await guard('aac_AUTH', { status: 'active', version: 1 });
    assert.equal(passed, true);
    assert.equal(accountAccessOf(ctx).consent.id, 'aac_AUTH');
    assert.deepEqual(knownAppStanding(ctx), { value: { status: 'active', version: 1 } });
    assert.deepEqual(lookups, []);
  });

  test('a revoked consent of an active app → 401 naming the consent, after one look-up of the app', async () => {
    const { passed, outcome, lookups } = await guard('aac_CANC', { status: 'active', version: 1 });
    assert.equal(passed, false);
    assert.ok(outcome instanceof ApiError);
    assert.equal(outcome.status, 401);
    assert.equal(outcome.errors[0]?.Message, 'The consent behind this access token is no longer authorised');
    assert.deepEqual(lookups, ['cli_app']);
  });

  test('a revoked consent of a deregistered, suspended, disabled or unknown app → 401 naming the app', async () => {
    for (const standing of [
      { status: 'deregistered', version: 3 },
      { status: 'suspended', version: 2 },
      { status: 'disabled', version: 2 },
      null,
    ] as const) {
      const { outcome } = await guard('aac_CANC', standing);
      assert.ok(outcome instanceof ApiError);
      assert.equal(
        outcome.errors[0]?.Message,
        'The app this access token was issued to is suspended, disabled or deregistered',
        JSON.stringify(standing),
      );
    }
  });
});
