// Proves the app lifecycle rules — approve to live, suspend/reinstate by the operator, disable/enable by the owning partner, idempotent repeats, refusals with their messages, deregistered apps final, versions bumped on every real change — against an in-memory store.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { InMemoryPartnerStore } from '../../../test/support/in-memory-partner-store.js';
import { ActionNotAllowed, ResourceNotFound } from '../errors.js';
import { approveApp, assertAppMayServeCustomer, disableApp, enableApp, reinstateApp, suspendApp } from './app-lifecycle.js';
import { registerPartnerApp } from './app-registration.js';
import { effectiveStatus, type AppStatus, type Partner, type PartnerApp } from './partner-app.js';
import { isDomainError as isError } from '../../../test/support/domain-errors.js';

const CREATED = new Date('2030-06-01T12:00:00.000Z');
const NOW = new Date('2030-06-02T09:30:00.000Z');
const PARTNER: Partner = { id: 'ptn_budget_buddy', name: 'Budget Buddy Ltd', status: 'active', createdAt: CREATED };
const OTHER_PARTNER: Partner = { id: 'ptn_other', name: 'Other Ltd', status: 'active', createdAt: CREATED };

function publicJwk(kid: string): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
}

/** A store holding PARTNER and OTHER_PARTNER. */
function newStore(): InMemoryPartnerStore {
  const store = new InMemoryPartnerStore();
  store.putPartner(PARTNER);
  store.putPartner(OTHER_PARTNER);
  return store;
}

/** A portal app of PARTNER, registered through the domain (sandbox, active, version 1). */
async function newApp(store: InMemoryPartnerStore, owner: Partner = PARTNER): Promise<PartnerApp> {
  return registerPartnerApp(
    { partners: store, validateClientMetadata: async () => {}, mode: 'sandbox' },
    owner,
    {
      name: 'Budget Buddy',
      redirectUris: ['https://budget.example.com/cb'],
      keys: { jwks: { keys: [publicJwk('k1')] } },
      roles: ['AISP'],
      origin: 'portal',
    },
    CREATED,
  );
}

/** An app of PARTNER put straight into the store in a status the lifecycle reaches over time. */
async function appIn(store: InMemoryPartnerStore, status: AppStatus, extra: Partial<PartnerApp> = {}): Promise<PartnerApp> {
  const app = { ...(await newApp(store)), status, ...extra };
  store.putApp(app);
  return app;
}

describe('approveApp', () => {
  test('a sandbox app → live, status unchanged, version + 1, updatedAt now', async () => {
    const store = newStore();
    const app = await newApp(store);
    const approved = await approveApp(store, app.clientId, NOW);
    assert.equal(approved.environment, 'live');
    assert.equal(approved.status, 'active');
    assert.equal(approved.version, app.version + 1);
    assert.deepEqual(approved.updatedAt, NOW);
    const stored = store.stored(app.clientId);
    assert.equal(stored?.environment, 'live');
    assert.equal(stored?.version, 2);
    assert.deepEqual(stored?.createdAt, CREATED);
  });

  test('an app already live → unchanged, nothing written (idempotent)', async () => {
    const store = newStore();
    const app = await appIn(store, 'active', { environment: 'live' });
    const again = await approveApp(store, app.clientId, NOW);
    assert.equal(again.environment, 'live');
    assert.equal(again.version, app.version);
    assert.deepEqual(store.saves, []);
  });

  test('a suspended or disabled sandbox app → live, keeping its status', async () => {
    for (const status of ['suspended', 'disabled'] as const) {
      const store = newStore();
      const app = await appIn(store, status);
      const approved = await approveApp(store, app.clientId, NOW);
      assert.equal(approved.environment, 'live', status);
      assert.equal(store.stored(app.clientId)?.status, status);
    }
  });

  test('a deregistered app → ActionNotAllowed "was deregistered", nothing written', async () => {
    const store = newStore();
    const app = await appIn(store, 'deregistered', { origin: 'dcr' });
    await assert.rejects(approveApp(store, app.clientId, NOW), isError(ActionNotAllowed, undefined, `App ${app.clientId} was deregistered`));
    assert.equal(store.stored(app.clientId)?.environment, 'sandbox');
    assert.deepEqual(store.saves, []);
  });

  test('an unknown client id → ResourceNotFound', async () => {
    await assert.rejects(approveApp(newStore(), 'cli_unknown', NOW), isError(ResourceNotFound));
  });
});

describe('suspendApp', () => {
  test('an active app → suspended, version + 1', async () => {
    const store = newStore();
    const app = await newApp(store);
    const suspended = await suspendApp(store, app.clientId, NOW);
    assert.equal(suspended.status, 'suspended');
    assert.equal(suspended.version, app.version + 1);
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'suspended');
    assert.equal(store.stored(app.clientId)?.version, app.version + 1);
  });

  test('a disabled app → suspended (the operator overrides the partner)', async () => {
    const store = newStore();
    const app = await appIn(store, 'disabled');
    assert.equal((await suspendApp(store, app.clientId, NOW)).status, 'suspended');
  });

  test('a suspended app → unchanged, nothing written (idempotent)', async () => {
    const store = newStore();
    const app = await appIn(store, 'suspended');
    const again = await suspendApp(store, app.clientId, NOW);
    assert.equal(again.status, 'suspended');
    assert.equal(again.version, app.version);
    assert.deepEqual(store.saves, []);
  });

  test('a deregistered app → ActionNotAllowed "was deregistered"', async () => {
    const store = newStore();
    const app = await appIn(store, 'deregistered', { origin: 'dcr' });
    await assert.rejects(suspendApp(store, app.clientId, NOW), isError(ActionNotAllowed, undefined, `App ${app.clientId} was deregistered`));
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'deregistered');
  });

  test('an unknown client id → ResourceNotFound', async () => {
    await assert.rejects(suspendApp(newStore(), 'cli_unknown', NOW), isError(ResourceNotFound));
  });
});

describe('reinstateApp', () => {
  test('a suspended app → active, version + 1', async () => {
    const store = newStore();
    const app = await appIn(store, 'suspended');
    const reinstated = await reinstateApp(store, app.clientId, NOW);
    assert.equal(reinstated.status, 'active');
    assert.equal(reinstated.version, app.version + 1);
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'active');
  });

  test('suspend then reinstate → active again, version up by two', async () => {
    const store = newStore();
    const app = await newApp(store);
    await suspendApp(store, app.clientId, NOW);
    const reinstated = await reinstateApp(store, app.clientId, NOW);
    assert.equal(reinstated.status, 'active');
    assert.equal(store.stored(app.clientId)?.version, app.version + 2);
  });

  test('an active app (a repeated reinstatement, or the wrong app named) → ActionNotAllowed "is not suspended", nothing written', async () => {
    const store = newStore();
    const app = await newApp(store);
    await assert.rejects(reinstateApp(store, app.clientId, NOW), isError(ActionNotAllowed, undefined, `App ${app.clientId} is not suspended`));
    assert.deepEqual(store.saves, []);
  });

  test('a disabled app → ActionNotAllowed "is not suspended" (only the partner switches it on)', async () => {
    const store = newStore();
    const app = await appIn(store, 'disabled');
    await assert.rejects(reinstateApp(store, app.clientId, NOW), isError(ActionNotAllowed, undefined, `App ${app.clientId} is not suspended`));
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'disabled');
  });

  test('a deregistered app → ActionNotAllowed "was deregistered"', async () => {
    const store = newStore();
    const app = await appIn(store, 'deregistered', { origin: 'dcr' });
    await assert.rejects(reinstateApp(store, app.clientId, NOW), isError(ActionNotAllowed, undefined, `App ${app.clientId} was deregistered`));
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'deregistered');
  });

  test('an unknown client id → ResourceNotFound', async () => {
    await assert.rejects(reinstateApp(newStore(), 'cli_unknown', NOW), isError(ResourceNotFound));
  });
});

describe('disableApp', () => {
  test('the owner disables its active app → disabled, version + 1', async () => {
    const store = newStore();
    const app = await newApp(store);
    const disabled = await disableApp(store, PARTNER.id, app.clientId, NOW);
    assert.equal(disabled.status, 'disabled');
    assert.equal(disabled.version, app.version + 1);
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'disabled');
  });

  test('a disabled app → unchanged, nothing written (idempotent)', async () => {
    const store = newStore();
    const app = await appIn(store, 'disabled');
    const again = await disableApp(store, PARTNER.id, app.clientId, NOW);
    assert.equal(again.status, 'disabled');
    assert.equal(again.version, app.version);
    assert.deepEqual(store.saves, []);
  });

  test('a suspended app → ActionNotAllowed "suspended by the bank", stays suspended', async () => {
    const store = newStore();
    const app = await appIn(store, 'suspended');
    await assert.rejects(
      disableApp(store, PARTNER.id, app.clientId, NOW),
      isError(ActionNotAllowed, undefined, `App ${app.clientId} is suspended by the bank; only the bank can reinstate it`),
    );
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'suspended');
  });

  test('a deregistered app → ActionNotAllowed "was deregistered"', async () => {
    const store = newStore();
    const app = await appIn(store, 'deregistered', { origin: 'dcr' });
    await assert.rejects(
      disableApp(store, PARTNER.id, app.clientId, NOW),
      isError(ActionNotAllowed, undefined, `App ${app.clientId} was deregistered`),
    );
  });

  test("another partner's app → ResourceNotFound, app untouched", async () => {
    const store = newStore();
    const app = await newApp(store);
    await assert.rejects(
      disableApp(store, OTHER_PARTNER.id, app.clientId, NOW),
      isError(ResourceNotFound, undefined, `There is no app ${app.clientId}`),
    );
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'active');
    assert.deepEqual(store.saves, []);
  });

  test("an unknown client id → ResourceNotFound with the same message as another partner's app", async () => {
    await assert.rejects(disableApp(newStore(), PARTNER.id, 'cli_unknown', NOW), isError(ResourceNotFound, undefined, 'There is no app cli_unknown'));
  });
});

describe('enableApp', () => {
  test('the owner enables its disabled app → active, version + 1', async () => {
    const store = newStore();
    const app = await appIn(store, 'disabled');
    const enabled = await enableApp(store, PARTNER.id, app.clientId, NOW);
    assert.equal(enabled.status, 'active');
    assert.equal(enabled.version, app.version + 1);
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'active');
  });

  test('disable then enable → active, version up by two', async () => {
    const store = newStore();
    const app = await newApp(store);
    await disableApp(store, PARTNER.id, app.clientId, NOW);
    await enableApp(store, PARTNER.id, app.clientId, NOW);
    assert.equal(store.stored(app.clientId)?.status, 'active');
    assert.equal(store.stored(app.clientId)?.version, app.version + 2);
  });

  test('an active app → unchanged, nothing written (idempotent)', async () => {
    const store = newStore();
    const app = await newApp(store);
    const again = await enableApp(store, PARTNER.id, app.clientId, NOW);
    assert.equal(again.status, 'active');
    assert.equal(again.version, app.version);
    assert.deepEqual(store.saves, []);
  });

  test('a suspended app → ActionNotAllowed "suspended by the bank" (the partner cannot lift a suspension)', async () => {
    const store = newStore();
    const app = await appIn(store, 'suspended');
    await assert.rejects(
      enableApp(store, PARTNER.id, app.clientId, NOW),
      isError(ActionNotAllowed, undefined, `App ${app.clientId} is suspended by the bank; only the bank can reinstate it`),
    );
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'suspended');
  });

  test('a deregistered app → ActionNotAllowed "was deregistered", stays deregistered', async () => {
    const store = newStore();
    const app = await appIn(store, 'deregistered', { origin: 'dcr' });
    await assert.rejects(
      enableApp(store, PARTNER.id, app.clientId, NOW),
      isError(ActionNotAllowed, undefined, `App ${app.clientId} was deregistered`),
    );
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'deregistered');
  });

  test("another partner's disabled app → ResourceNotFound, stays disabled", async () => {
    const store = newStore();
    const app = await appIn(store, 'disabled');
    await assert.rejects(enableApp(store, OTHER_PARTNER.id, app.clientId, NOW), isError(ResourceNotFound));
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'disabled');
  });
});

describe('concurrent lifecycle changes', () => {
  test('the operator suspends while the partner disables → the app ends suspended (never re-opened by the partner)', async () => {
    const store = newStore();
    const app = await newApp(store);
    const results = await Promise.allSettled([disableApp(store, PARTNER.id, app.clientId, NOW), suspendApp(store, app.clientId, NOW)]);
    assert.equal(results[1].status, 'fulfilled');
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'suspended');
  });

  test('the operator suspends while the partner enables its disabled app → the app ends suspended', async () => {
    const store = newStore();
    const app = await appIn(store, 'disabled');
    const results = await Promise.allSettled([enableApp(store, PARTNER.id, app.clientId, NOW), suspendApp(store, app.clientId, NOW)]);
    assert.equal(results[1].status, 'fulfilled');
    assert.equal((await store.findAppStanding(app.clientId))?.status, 'suspended');
    // Every write was a compare-and-set: the stored version counts exactly the writes that happened.
    assert.equal(store.stored(app.clientId)?.version, app.version + store.saves.length);
  });
});

describe('assertAppMayServeCustomer', () => {
  test('a sandbox app and a sandbox customer → allowed', () => {
    assert.doesNotThrow(() => assertAppMayServeCustomer({ environment: 'sandbox' }, 'sandbox'));
  });

  test('a sandbox app and a live customer → ActionNotAllowed "still in the sandbox"', () => {
    assert.throws(() => assertAppMayServeCustomer({ environment: 'sandbox' }, 'live'), isError(ActionNotAllowed, undefined, /still in the sandbox/));
  });

  test('a live app → allowed for live and sandbox customers', () => {
    assert.doesNotThrow(() => assertAppMayServeCustomer({ environment: 'live' }, 'live'));
    assert.doesNotThrow(() => assertAppMayServeCustomer({ environment: 'live' }, 'sandbox'));
  });
});

describe('effectiveStatus', () => {
  test('an active client whose software is switched off, suspended or deregistered → takes that status; otherwise its own', () => {
    for (const software of ['disabled', 'suspended', 'deregistered'] as const) assert.equal(effectiveStatus('active', software), software);
    assert.equal(effectiveStatus('active', 'active'), 'active');
    assert.equal(effectiveStatus('active', null), 'active', 'no portal app: the client stands alone');
    assert.equal(effectiveStatus('suspended', 'active'), 'suspended');
    assert.equal(effectiveStatus('disabled', 'suspended'), 'disabled');
  });
});
