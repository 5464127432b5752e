// Proves that portal edits of an app — details, key additions and key retirements — rebuild its OAuth metadata, refuse bad values with the offending field, leave DCR-registered and URL-keyed apps alone, carry key changes to the same partner's DCR clients of the software only, and never lose a concurrent change.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { PAYMENT_SIGNING_JWK } from '../../../test/support/sample-keys.js';
import { InMemoryPartnerStore } from '../../../test/support/in-memory-partner-store.js';
import { ActionNotAllowed, InvalidField, ResourceNotFound } from '../errors.js';
import {
  registerPartnerApp,
  type AppRegistration,
  type AppRegistrationServices,
  type ClientMetadataValidator,
  type PlatformMode,
} from './app-registration.js';
import { approveApp } from './app-lifecycle.js';
import { addAppKeys, retireAppKey, updateAppDetails, type AppDetails } from './app-settings.js';
import { keysOf, type Partner, type PartnerApp } from './partner-app.js';
import { isDomainError as isError } from '../../../test/support/domain-errors.js';

const CREATED = new Date('2030-06-01T12:00:00.000Z');
const NOW = new Date('2030-06-02T09:30:00.000Z');
const PARTNER: Partner = { id: 'ptn_budget_buddy', name: 'Budget Buddy Ltd', status: 'active', createdAt: CREATED };
const OTHER_PARTNER: Partner = { id: 'ptn_other', name: 'Other Ltd', status: 'active', createdAt: CREATED };
const REDIRECT = 'https://budget.example.com/cb';

function publicJwk(kid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig', ...extra };
}

function privateJwk(kid: string): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid };
}

/** A validator that accepts everything and remembers what it saw. */
function acceptingValidator(): ClientMetadataValidator & { seen: Array<Record<string, unknown>> } {
  const seen: Array<Record<string, unknown>> = [];
  return Object.assign(
    async (metadata: Record<string, unknown>) => {
      seen.push(metadata);
    },
    { seen },
  );
}

/** A validator that refuses everything as oidc-provider does (an error with `error_description`). */
const refusingValidator: ClientMetadataValidator = async () => {
  throw Object.assign(new Error('invalid_client_metadata'), { error_description: 'jwks must contain at least one key usable for signing' });
};

function newServices(
  validateClientMetadata: ClientMetadataValidator = async () => {},
  mode: PlatformMode = 'sandbox',
): AppRegistrationServices & { partners: InMemoryPartnerStore } {
  const partners = new InMemoryPartnerStore();
  partners.putPartner(PARTNER);
  partners.putPartner(OTHER_PARTNER);
  return { partners, validateClientMetadata, mode };
}

/** An app registered through the domain (portal, AISP, one key `k1`, unless told otherwise). */
function newApp(services: AppRegistrationServices, overrides: Partial<AppRegistration> = {}, owner: Partner = PARTNER): Promise<PartnerApp> {
  return registerPartnerApp(
    { ...services, validateClientMetadata: async () => {} },
    owner,
    {
      name: 'Budget Buddy',
      description: 'Budgets',
      redirectUris: [REDIRECT],
      keys: { jwks: { keys: [publicJwk('k1')] } },
      roles: ['AISP'],
      origin: 'portal',
      ...overrides,
    },
    CREATED,
  );
}

function details(overrides: Partial<AppDetails> = {}): AppDetails {
  return {
    name: 'Budget Buddy Pro',
    description: 'Budgets, better',
    redirectUris: ['https://pro.example.com/cb', 'https://pro.example.com/cb2'],
    roles: ['AISP', 'CBPII'],
    ...overrides,
  };
}

/** The kids of an app's key set as stored. */
function kidsOf(services: { partners: InMemoryPartnerStore }, clientId: string): string[] {
  const app = services.partners.stored(clientId);
  assert.ok(app, `no app ${clientId}`);
  const keys = keysOf(app);
  assert.ok('jwks' in keys, `app ${clientId} has no key set`);
  return keys.jwks.keys.map((key) => String(key.kid));
}

describe('updateAppDetails', () => {
  test('new name, description, redirect URIs and roles → app and client metadata rebuilt, FAPI settings and keys kept, version + 1', async () => {
    const validator = acceptingValidator();
    const services = newServices(validator);
    const app = await newApp(services);
    const updated = await updateAppDetails(services, PARTNER.id, app.clientId, details({ name: '  Budget Buddy Pro  ' }), NOW);

    assert.equal(updated.name, 'Budget Buddy Pro');
    assert.equal(updated.description, 'Budgets, better');
    assert.deepEqual(updated.roles, ['AISP', 'CBPII']);
    assert.equal(updated.clientMetadata.client_name, 'Budget Buddy Pro');
    assert.deepEqual(updated.clientMetadata.redirect_uris, ['https://pro.example.com/cb', 'https://pro.example.com/cb2']);
    assert.equal(updated.clientMetadata.scope, 'openid accounts fundsconfirmations');
    assert.equal(updated.clientMetadata.client_id, app.clientId);
    assert.equal(updated.clientMetadata.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal(updated.clientMetadata.dpop_bound_access_tokens, true);
    assert.deepEqual(updated.clientMetadata.jwks, app.clientMetadata.jwks);
    assert.equal(updated.clientMetadata.jwks_uri, undefined);
    assert.equal(updated.version, app.version + 1);
    assert.deepEqual(updated.updatedAt, NOW);
    assert.deepEqual(services.partners.stored(app.clientId)?.clientMetadata, updated.clientMetadata);
    assert.deepEqual(validator.seen, [{ ...updated.clientMetadata }]);
  });

  test('roles in any case, with duplicates → normalised, scope follows them', async () => {
    const services = newServices();
    const app = await newApp(services);
    const updated = await updateAppDetails(services, PARTNER.id, app.clientId, details({ roles: ['cbpii', ' aisp ', 'CBPII'] }), NOW);
    assert.deepEqual(updated.roles, ['CBPII', 'AISP']);
    assert.equal(updated.clientMetadata.scope, 'openid fundsconfirmations accounts');
  });

  test('retiring the only RSA key of a payment app → InvalidField jwks; its other keys can go', async () => {
    const services = newServices();
    const app = await newApp(services, { roles: ['PISP'], keys: { jwks: { keys: [publicJwk('k1'), PAYMENT_SIGNING_JWK] } } });
    await assert.rejects(retireAppKey(services, PARTNER.id, app.clientId, 'payments-signing-1', NOW), isError(InvalidField, 'jwks'));
    const updated = await retireAppKey(services, PARTNER.id, app.clientId, 'k1', NOW);
    assert.deepEqual(kidsOf(services, updated.clientId), ['payments-signing-1']);
  });

  test('a live app: removing a role or a redirect URI and a new description → saved; a new name, role or redirect URI → ActionNotAllowed, nothing written', async () => {
    const services = newServices();
    const app = await newApp(services, { roles: ['AISP', 'CBPII'], redirectUris: ['https://pro.example.com/cb', 'https://pro.example.com/cb2'] });
    const live = await approveApp(services.partners, app.clientId, NOW);
    const narrowed = await updateAppDetails(
      services,
      PARTNER.id,
      app.clientId,
      { name: live.name, description: 'New words', redirectUris: ['https://pro.example.com/cb'], roles: ['AISP'] },
      NOW,
    );
    assert.deepEqual(narrowed.roles, ['AISP']);
    assert.deepEqual(narrowed.clientMetadata.redirect_uris, ['https://pro.example.com/cb']);
    for (const change of [
      { name: 'Renamed' },
      { roles: ['AISP', 'CBPII'] },
      { redirectUris: ['https://pro.example.com/cb', 'https://elsewhere.example/cb'] },
    ]) {
      const before = services.partners.stored(app.clientId)?.version;
      const wanted = { name: narrowed.name, description: 'New words', redirectUris: ['https://pro.example.com/cb'], roles: ['AISP'], ...change };
      await assert.rejects(
        updateAppDetails(services, PARTNER.id, app.clientId, wanted, NOW),
        isError(ActionNotAllowed, undefined, /This app is live/),
      );
      assert.equal(services.partners.stored(app.clientId)?.version, before);
    }
  });

  test('adding the PISP role to an app whose key set has no RSA key → InvalidField jwks (payment messages are signed with PS256), nothing written', async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(
      updateAppDetails(services, PARTNER.id, app.clientId, details({ roles: ['AISP', 'PISP'] }), NOW),
      isError(InvalidField, 'jwks'),
    );
    assert.equal(services.partners.stored(app.clientId)?.version, app.version);
  });

  test('a redirect URI over plain http to another host → InvalidField redirect_uris, nothing written', async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(
      updateAppDetails(services, PARTNER.id, app.clientId, details({ redirectUris: ['http://pro.example.com/cb'] }), NOW),
      isError(InvalidField, 'redirect_uris'),
    );
    await assert.rejects(
      updateAppDetails(services, PARTNER.id, app.clientId, details({ redirectUris: [] }), NOW),
      isError(InvalidField, 'redirect_uris'),
    );
    assert.deepEqual(services.partners.saves, []);
    assert.deepEqual(services.partners.stored(app.clientId)?.clientMetadata.redirect_uris, [REDIRECT]);
  });

  test('no role, or an unknown role → InvalidField roles', async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(updateAppDetails(services, PARTNER.id, app.clientId, details({ roles: [] }), NOW), isError(InvalidField, 'roles'));
    await assert.rejects(
      updateAppDetails(services, PARTNER.id, app.clientId, details({ roles: ['AISP', 'ASPSP'] }), NOW),
      isError(InvalidField, 'roles', /ASPSP/),
    );
    assert.deepEqual(services.partners.saves, []);
  });

  test('a blank or 141-character name → InvalidField name', async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(updateAppDetails(services, PARTNER.id, app.clientId, details({ name: '   ' }), NOW), isError(InvalidField, 'name'));
    await assert.rejects(
      updateAppDetails(services, PARTNER.id, app.clientId, details({ name: 'x'.repeat(141) }), NOW),
      isError(InvalidField, 'name'),
    );
    assert.equal(services.partners.stored(app.clientId)?.name, 'Budget Buddy');
  });

  test('a 501-character description → InvalidField description', async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(
      updateAppDetails(services, PARTNER.id, app.clientId, details({ description: 'd'.repeat(501) }), NOW),
      isError(InvalidField, 'description'),
    );
  });

  test('an app keyed by URL with a new https jwksUri → jwks_uri replaced', async () => {
    const services = newServices();
    const app = await newApp(services, { keys: { jwksUri: 'https://budget.example.com/jwks.json' } });
    const updated = await updateAppDetails(
      services,
      PARTNER.id,
      app.clientId,
      details({ jwksUri: 'https://keys.budget.example.com/v2/jwks.json' }),
      NOW,
    );
    assert.equal(updated.clientMetadata.jwks_uri, 'https://keys.budget.example.com/v2/jwks.json');
    assert.equal(updated.clientMetadata.jwks, undefined);
    assert.deepEqual(keysOf(updated), { jwksUri: 'https://keys.budget.example.com/v2/jwks.json' });
  });

  test('an app keyed by URL with a plain-http jwksUri → InvalidField jwks_uri', async () => {
    const services = newServices(async () => {}, 'production');
    const app = await newApp(services, { keys: { jwksUri: 'https://budget.example.com/jwks.json' } });
    await assert.rejects(
      updateAppDetails(services, PARTNER.id, app.clientId, details({ jwksUri: 'http://localhost:8080/jwks.json' }), NOW),
      isError(InvalidField, 'jwks_uri'),
    );
    assert.equal(services.partners.stored(app.clientId)?.clientMetadata.jwks_uri, 'https://budget.example.com/jwks.json');
  });

  test('an app whose key set the bank holds, given a jwksUri → jwksUri ignored, key set kept', async () => {
    const services = newServices();
    const app = await newApp(services);
    const updated = await updateAppDetails(services, PARTNER.id, app.clientId, details({ jwksUri: 'https://evil.example.com/jwks.json' }), NOW);
    assert.equal(updated.clientMetadata.jwks_uri, undefined);
    assert.deepEqual(keysOf(updated), keysOf(app));
  });

  test('metadata the authorization server refuses → InvalidField "The app\'s OAuth metadata is invalid", nothing written', async () => {
    const services = newServices(refusingValidator);
    const app = await newApp(services);
    await assert.rejects(
      updateAppDetails(services, PARTNER.id, app.clientId, details(), NOW),
      isError(InvalidField, undefined, /^The app's OAuth metadata is invalid: jwks must contain at least one key usable for signing$/),
    );
    assert.deepEqual(services.partners.saves, []);
    assert.equal(services.partners.stored(app.clientId)?.version, app.version);
  });

  test('an app registered by DCR → ActionNotAllowed (changed with its registration access token)', async () => {
    const services = newServices();
    const app = await newApp(services, { origin: 'dcr' });
    await assert.rejects(
      updateAppDetails(services, PARTNER.id, app.clientId, details(), NOW),
      isError(ActionNotAllowed, undefined, /Dynamic Client Registration/),
    );
  });

  test('a deregistered app → ActionNotAllowed', async () => {
    const services = newServices();
    const app = await newApp(services);
    services.partners.putApp({ ...app, status: 'deregistered' });
    await assert.rejects(updateAppDetails(services, PARTNER.id, app.clientId, details(), NOW), isError(ActionNotAllowed, undefined, /deregistered/));
  });

  test("another partner's app → ResourceNotFound, unchanged", async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(updateAppDetails(services, OTHER_PARTNER.id, app.clientId, details(), NOW), isError(ResourceNotFound));
    assert.equal(services.partners.stored(app.clientId)?.name, 'Budget Buddy');
  });

  test('two concurrent edits → both compare-and-set writes land one after the other, the version counts both', async () => {
    const services = newServices();
    const app = await newApp(services);
    await Promise.all([
      updateAppDetails(services, PARTNER.id, app.clientId, details({ name: 'First' }), NOW),
      updateAppDetails(services, PARTNER.id, app.clientId, details({ name: 'Second' }), NOW),
    ]);
    const stored = services.partners.stored(app.clientId);
    assert.equal(stored?.version, app.version + 2);
    assert.ok(stored?.name === 'First' || stored?.name === 'Second');
    assert.equal(stored?.clientMetadata.client_name, stored?.name);
  });
});

describe('addAppKeys', () => {
  test('one JWK → appended to the key set, version + 1', async () => {
    const services = newServices();
    const app = await newApp(services);
    const updated = await addAppKeys(services, PARTNER.id, app.clientId, publicJwk('k2'), NOW);
    assert.deepEqual(kidsOf(services, app.clientId), ['k1', 'k2']);
    assert.equal(updated.version, app.version + 1);
    assert.deepEqual(updated.updatedAt, NOW);
    assert.deepEqual(updated.clientMetadata.jwks, services.partners.stored(app.clientId)?.clientMetadata.jwks);
  });

  test('a JWKS of two keys → both appended', async () => {
    const services = newServices();
    const app = await newApp(services);
    await addAppKeys(services, PARTNER.id, app.clientId, { keys: [publicJwk('k2'), publicJwk('k3', { alg: 'ES256' })] }, NOW);
    assert.deepEqual(kidsOf(services, app.clientId), ['k1', 'k2', 'k3']);
  });

  test('a kid already registered → InvalidField jwks naming it, nothing written', async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(
      addAppKeys(services, PARTNER.id, app.clientId, publicJwk('k1'), NOW),
      isError(InvalidField, 'jwks', /k1 is already registered/),
    );
    assert.deepEqual(kidsOf(services, app.clientId), ['k1']);
    assert.deepEqual(services.partners.saves, []);
  });

  test('a JWKS repeating a kid of its own → InvalidField jwks', async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(
      addAppKeys(services, PARTNER.id, app.clientId, { keys: [publicJwk('k2'), publicJwk('k2')] }, NOW),
      isError(InvalidField, 'jwks', /appears twice/),
    );
    assert.deepEqual(kidsOf(services, app.clientId), ['k1']);
  });

  test('a private key, an unsupported algorithm, a key without kid or not an object → InvalidField jwks', async () => {
    const services = newServices();
    const app = await newApp(services);
    for (const bad of [privateJwk('k2'), publicJwk('k2', { alg: 'RS256' }), publicJwk('k2', { kid: undefined }), null, 'k2', [publicJwk('k2')]]) {
      await assert.rejects(async () => addAppKeys(services, PARTNER.id, app.clientId, bad, NOW), isError(InvalidField, 'jwks'), JSON.stringify(bad));
    }
    assert.deepEqual(kidsOf(services, app.clientId), ['k1']);
  });

  test('an empty JWKS → InvalidField jwks, nothing written (no key added is not a success)', async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(async () => addAppKeys(services, PARTNER.id, app.clientId, { keys: [] }, NOW), isError(InvalidField, 'jwks'));
    assert.deepEqual(services.partners.saves, []);
    assert.equal(services.partners.stored(app.clientId)?.version, app.version);
  });

  test('a bad key → a rejected promise, never a synchronous throw (callers may chain .catch)', async () => {
    const services = newServices();
    const app = await newApp(services);
    let returned: Promise<PartnerApp> | undefined;
    assert.doesNotThrow(() => {
      returned = addAppKeys(services, PARTNER.id, app.clientId, privateJwk('k2'), NOW);
    });
    await assert.rejects(returned as Promise<PartnerApp>, isError(InvalidField, 'jwks'));
  });

  test('keys beyond the tenth → InvalidField jwks', async () => {
    const services = newServices();
    const app = await newApp(services);
    const nine = Array.from({ length: 9 }, (_, index) => publicJwk(`n${index}`));
    await addAppKeys(services, PARTNER.id, app.clientId, { keys: nine }, NOW);
    assert.equal(kidsOf(services, app.clientId).length, 10);
    await assert.rejects(addAppKeys(services, PARTNER.id, app.clientId, publicJwk('k11'), NOW), isError(InvalidField, 'jwks', /at most 10/));
    assert.equal(kidsOf(services, app.clientId).length, 10);
  });

  test('an app keyed by URL → ActionNotAllowed (keys are changed at its jwks_uri)', async () => {
    const services = newServices();
    const app = await newApp(services, { keys: { jwksUri: 'https://budget.example.com/jwks.json' } });
    await assert.rejects(addAppKeys(services, PARTNER.id, app.clientId, publicJwk('k2'), NOW), isError(ActionNotAllowed, undefined, /jwks_uri/));
    assert.equal(services.partners.stored(app.clientId)?.clientMetadata.jwks, undefined);
  });

  test('an app registered by DCR → ActionNotAllowed', async () => {
    const services = newServices();
    const app = await newApp(services, { origin: 'dcr' });
    await assert.rejects(addAppKeys(services, PARTNER.id, app.clientId, publicJwk('k2'), NOW), isError(ActionNotAllowed));
    assert.deepEqual(kidsOf(services, app.clientId), ['k1']);
  });

  test("another partner's app → ResourceNotFound", async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(addAppKeys(services, OTHER_PARTNER.id, app.clientId, publicJwk('k2'), NOW), isError(ResourceNotFound));
    assert.deepEqual(kidsOf(services, app.clientId), ['k1']);
  });

  test('a key set the authorization server refuses → InvalidField "The app\'s OAuth metadata is invalid", nothing written', async () => {
    const services = newServices(refusingValidator);
    const app = await newApp(services);
    await assert.rejects(
      addAppKeys(services, PARTNER.id, app.clientId, publicJwk('k2'), NOW),
      isError(InvalidField, undefined, /^The app's OAuth metadata is invalid/),
    );
    assert.deepEqual(kidsOf(services, app.clientId), ['k1']);
  });

  test("the same partner's DCR clients of the software (suspended ones too) get the keys in the same write; other partners', other software's, deregistered and URL-keyed clients do not", async () => {
    const services = newServices();
    const portal = await newApp(services);
    const softwareId = portal.softwareId;
    const dcr = await newApp(services, { origin: 'dcr', softwareId, keys: { jwks: { keys: [publicJwk('k1')] } } });
    const dcrSuspended = await newApp(services, { origin: 'dcr', softwareId });
    services.partners.putApp({ ...dcrSuspended, status: 'suspended' });
    const dcrGone = await newApp(services, { origin: 'dcr', softwareId });
    services.partners.putApp({ ...dcrGone, status: 'deregistered' });
    const dcrByUrl = await newApp(services, { origin: 'dcr', softwareId, keys: { jwksUri: 'https://budget.example.com/jwks.json' } });
    const otherPartners = await newApp(services, { origin: 'dcr', softwareId, keys: { jwks: { keys: [publicJwk('x1')] } } }, OTHER_PARTNER);
    const otherSoftware = await newApp(services, { origin: 'dcr' });

    await addAppKeys(services, PARTNER.id, portal.clientId, publicJwk('k2'), NOW);

    assert.deepEqual(kidsOf(services, portal.clientId), ['k1', 'k2']);
    assert.deepEqual(services.partners.stored(dcr.clientId)?.clientMetadata.jwks, services.partners.stored(portal.clientId)?.clientMetadata.jwks);
    assert.deepEqual(kidsOf(services, dcrSuspended.clientId), ['k1', 'k2']);
    assert.deepEqual(kidsOf(services, dcrGone.clientId), ['k1']);
    assert.deepEqual(keysOf(services.partners.stored(dcrByUrl.clientId) as PartnerApp), { jwksUri: 'https://budget.example.com/jwks.json' });
    assert.deepEqual(kidsOf(services, otherPartners.clientId), ['x1']);
    assert.deepEqual(kidsOf(services, otherSoftware.clientId), ['k1']);
    assert.equal(services.partners.stored(dcr.clientId)?.version, dcr.version + 1);
    assert.equal(services.partners.saves.length, 1);
    assert.deepEqual([...(services.partners.saves[0] ?? [])].sort(), [portal.clientId, dcr.clientId, dcrSuspended.clientId].sort());
  });

  test('two concurrent additions of different keys → both keys present once each (compare-and-set retry), version + 2', async () => {
    const services = newServices();
    const app = await newApp(services);
    const dcr = await newApp(services, { origin: 'dcr', softwareId: app.softwareId });
    await Promise.all([
      addAppKeys(services, PARTNER.id, app.clientId, publicJwk('k2'), NOW),
      addAppKeys(services, PARTNER.id, app.clientId, publicJwk('k3'), NOW),
    ]);
    assert.deepEqual(kidsOf(services, app.clientId).sort(), ['k1', 'k2', 'k3']);
    assert.deepEqual(kidsOf(services, dcr.clientId).sort(), ['k1', 'k2', 'k3']);
    assert.equal(services.partners.stored(app.clientId)?.version, app.version + 2);
    assert.ok(services.partners.conflicts >= 1, 'the two additions really raced');
  });

  test('two concurrent additions of the same kid → exactly one succeeds, the other InvalidField, the kid registered once', async () => {
    const services = newServices();
    const app = await newApp(services);
    const results = await Promise.allSettled([
      addAppKeys(services, PARTNER.id, app.clientId, publicJwk('k2'), NOW),
      addAppKeys(services, PARTNER.id, app.clientId, publicJwk('k2'), NOW),
    ]);
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
    const refused = results.find((result) => result.status === 'rejected');
    assert.ok(refused && isError(InvalidField, 'jwks')(refused.reason));
    assert.deepEqual(kidsOf(services, app.clientId), ['k1', 'k2']);
  });
});

describe('retireAppKey', () => {
  test('one of two keys → the other remains, version + 1, DCR clients of the software follow', async () => {
    const services = newServices();
    const app = await newApp(services, { keys: { jwks: { keys: [publicJwk('k1'), publicJwk('k2')] } } });
    const dcr = await newApp(services, { origin: 'dcr', softwareId: app.softwareId, keys: { jwks: { keys: [publicJwk('k1'), publicJwk('k2')] } } });
    const updated = await retireAppKey(services, PARTNER.id, app.clientId, 'k1', NOW);
    assert.deepEqual(kidsOf(services, app.clientId), ['k2']);
    assert.deepEqual(kidsOf(services, dcr.clientId), ['k2']);
    assert.equal(updated.version, app.version + 1);
  });

  test('an unknown kid → InvalidField kid, nothing written', async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(retireAppKey(services, PARTNER.id, app.clientId, 'k9', NOW), isError(InvalidField, 'kid', /k9/));
    assert.deepEqual(services.partners.saves, []);
  });

  test('the last key → ActionNotAllowed, key kept', async () => {
    const services = newServices();
    const app = await newApp(services);
    await assert.rejects(retireAppKey(services, PARTNER.id, app.clientId, 'k1', NOW), isError(ActionNotAllowed, undefined, /at least one key/));
    assert.deepEqual(kidsOf(services, app.clientId), ['k1']);
  });

  test('an app keyed by URL → ActionNotAllowed', async () => {
    const services = newServices();
    const app = await newApp(services, { keys: { jwksUri: 'https://budget.example.com/jwks.json' } });
    await assert.rejects(retireAppKey(services, PARTNER.id, app.clientId, 'k1', NOW), isError(ActionNotAllowed, undefined, /jwks_uri/));
  });

  test('an app registered by DCR → ActionNotAllowed', async () => {
    const services = newServices();
    const app = await newApp(services, { origin: 'dcr', keys: { jwks: { keys: [publicJwk('k1'), publicJwk('k2')] } } });
    await assert.rejects(retireAppKey(services, PARTNER.id, app.clientId, 'k1', NOW), isError(ActionNotAllowed));
    assert.deepEqual(kidsOf(services, app.clientId), ['k1', 'k2']);
  });

  test("another partner's app → ResourceNotFound", async () => {
    const services = newServices();
    const app = await newApp(services, { keys: { jwks: { keys: [publicJwk('k1'), publicJwk('k2')] } } });
    await assert.rejects(retireAppKey(services, OTHER_PARTNER.id, app.clientId, 'k1', NOW), isError(ResourceNotFound));
    assert.deepEqual(kidsOf(services, app.clientId), ['k1', 'k2']);
  });

  test('two concurrent retirements of both keys of a two-key app → exactly one succeeds, one key always remains', async () => {
    const services = newServices();
    const app = await newApp(services, { keys: { jwks: { keys: [publicJwk('k1'), publicJwk('k2')] } } });
    const results = await Promise.allSettled([
      retireAppKey(services, PARTNER.id, app.clientId, 'k1', NOW),
      retireAppKey(services, PARTNER.id, app.clientId, 'k2', NOW),
    ]);
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
    const refused = results.find((result) => result.status === 'rejected');
    assert.ok(refused && isError(ActionNotAllowed)(refused.reason));
    assert.equal(kidsOf(services, app.clientId).length, 1);
  });
});
