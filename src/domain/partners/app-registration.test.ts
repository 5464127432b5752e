// Proves that registering a partner app yields fixed FAPI 2.0 client metadata, accepts only safe redirect URIs (loopback http in the sandbox only), public keys with unique kids and FAPI algorithms, and known roles, and stores the app with its new or existing organisation.
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { PAYMENT_SIGNING_JWK } from '../../../test/support/sample-keys.js';
import { InMemoryPartnerStore } from '../../../test/support/in-memory-partner-store.js';
import { InvalidField } from '../errors.js';
import {
  checkDescription,
  checkKeys,
  checkName,
  checkPublicJwk,
  checkPublicJwks,
  checkRedirectUris,
  checkRoles,
  fapiClientMetadata,
  registerPartnerApp,
  scopeOfRoles,
  type AppRegistration,
  type AppRegistrationServices,
  type ClientMetadataValidator,
  type PlatformMode,
} from './app-registration.js';
import { keysOf, type Partner } from './partner-app.js';
import { isDomainError as isError } from '../../../test/support/domain-errors.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const PARTNER: Partner = { id: 'ptn_budget_buddy', name: 'Budget Buddy Ltd', status: 'active', createdAt: NOW };
const REDIRECT = 'https://budget.example.com/cb';

function ecJwk(kid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...publicKey.export({ format: 'jwk' }), kid, ...extra };
}

const RSA_PUBLIC = (() => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { public: publicKey.export({ format: 'jwk' }), private: privateKey.export({ format: 'jwk' }) };
})();
const OKP_PUBLIC = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });

function newServices(
  validateClientMetadata: ClientMetadataValidator = async () => {},
  mode: PlatformMode = 'sandbox',
): AppRegistrationServices & { partners: InMemoryPartnerStore } {
  const partners = new InMemoryPartnerStore();
  partners.putPartner(PARTNER);
  return { partners, validateClientMetadata, mode };
}

function registration(overrides: Partial<AppRegistration> = {}): AppRegistration {
  return {
    name: 'Budget Buddy',
    description: 'Budgets for everyone',
    redirectUris: [REDIRECT],
    keys: { jwks: { keys: [ecJwk('k1', { alg: 'ES256' })] } },
    roles: ['AISP'],
    origin: 'portal',
    ...overrides,
  };
}

describe('registerPartnerApp', () => {
  test('a PISP app whose key set has no RSA key → InvalidField jwks (payment messages are signed with PS256); with a jwks_uri → accepted', async () => {
    const services = newServices();
    await assert.rejects(
      registerPartnerApp(services, PARTNER, registration({ roles: ['PISP'] }), NOW),
      (error: unknown) => error instanceof InvalidField && error.path === 'jwks',
    );
    assert.equal(services.partners.size.apps, 0);
    const app = await registerPartnerApp(
      services,
      PARTNER,
      registration({ roles: ['PISP'], keys: { jwksUri: 'https://partner.example/jwks' } }),
      NOW,
    );
    assert.deepEqual(app.roles, ['PISP']);
  });

  test('a valid registration → FAPI 2.0 metadata: private_key_jwt, PAR, DPoP, code flow, PS256 ID tokens, scopes of the roles', async () => {
    const services = newServices();
    const jwks = { keys: [ecJwk('k1', { alg: 'ES256' }), PAYMENT_SIGNING_JWK] };
    const app = await registerPartnerApp(services, PARTNER, registration({ roles: ['AISP', 'PISP'], keys: { jwks } }), NOW);
    const metadata = app.clientMetadata;
    assert.equal(metadata.client_id, app.clientId);
    assert.equal(metadata.client_name, 'Budget Buddy');
    assert.deepEqual(metadata.redirect_uris, [REDIRECT]);
    assert.equal(metadata.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal(metadata.dpop_bound_access_tokens, true);
    assert.equal(metadata.require_pushed_authorization_requests, true);
    assert.deepEqual(metadata.response_types, ['code']);
    assert.deepEqual(metadata.grant_types, ['authorization_code', 'client_credentials', 'refresh_token']);
    assert.equal(metadata.id_token_signed_response_alg, 'PS256');
    assert.equal(metadata.scope, 'openid accounts payments');
    assert.deepEqual(keysOf(app), { jwks });
    assert.equal(metadata.jwks_uri, undefined);
  });

  test('a valid registration → a sandbox, active app at version 1, stored as returned', async () => {
    const services = newServices();
    const app = await registerPartnerApp(services, PARTNER, registration(), NOW);
    assert.equal(app.environment, 'sandbox');
    assert.equal(app.status, 'active');
    assert.equal(app.origin, 'portal');
    assert.equal(app.version, 1);
    assert.equal(app.description, 'Budgets for everyone');
    assert.equal(app.softwareStatement, null);
    assert.equal(app.registrationTokenHash, null);
    assert.deepEqual(app.createdAt, NOW);
    assert.deepEqual(app.updatedAt, NOW);
    assert.match(app.clientId, /^cli_[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(await services.partners.findApp(app.clientId), app);
  });

  test('no softwareId given → a new one of 22 Base62 characters, different per app', async () => {
    const services = newServices();
    const first = await registerPartnerApp(services, PARTNER, registration(), NOW);
    const second = await registerPartnerApp(services, PARTNER, registration(), NOW);
    assert.match(first.softwareId, /^[0-9A-Za-z]{22}$/);
    assert.match(second.softwareId, /^[0-9A-Za-z]{22}$/);
    assert.notEqual(first.softwareId, second.softwareId);
    assert.notEqual(first.clientId, second.clientId);
  });

  test('a softwareId given (DCR) → kept', async () => {
    const app = await registerPartnerApp(newServices(), PARTNER, registration({ origin: 'dcr', softwareId: 'SoftwareOfTheDirectory' }), NOW);
    assert.equal(app.softwareId, 'SoftwareOfTheDirectory');
    assert.equal(app.origin, 'dcr');
  });

  test('owner null → a new active organisation named after the app, stored with the app', async () => {
    const services = newServices();
    const app = await registerPartnerApp(services, null, registration({ name: '  Quick Start App ' }), NOW);
    assert.match(app.partnerId, /^ptn_/);
    assert.notEqual(app.partnerId, PARTNER.id);
    assert.equal(app.partnerName, 'Quick Start App');
    assert.deepEqual(await services.partners.findPartner(app.partnerId), {
      id: app.partnerId,
      name: 'Quick Start App',
      status: 'active',
      createdAt: NOW,
    });
    assert.equal(services.partners.size.partners, 2);
  });

  test('owner given → the app joins it, no organisation created', async () => {
    const services = newServices();
    const app = await registerPartnerApp(services, PARTNER, registration(), NOW);
    assert.equal(app.partnerId, PARTNER.id);
    assert.equal(app.partnerName, PARTNER.name);
    assert.equal(services.partners.size.partners, 1);
    assert.deepEqual(
      (await services.partners.listApps(PARTNER.id)).map((listed) => listed.clientId),
      [app.clientId],
    );
  });

  test('keys at a URL → jwks_uri in the metadata, no jwks', async () => {
    const app = await registerPartnerApp(newServices(), PARTNER, registration({ keys: { jwksUri: ' https://budget.example.com/jwks.json ' } }), NOW);
    assert.equal(app.clientMetadata.jwks_uri, 'https://budget.example.com/jwks.json');
    assert.equal(app.clientMetadata.jwks, undefined);
  });

  test('extra metadata → added, but never overriding the fixed FAPI settings or the client id', async () => {
    const app = await registerPartnerApp(
      newServices(),
      PARTNER,
      registration({
        origin: 'dcr',
        extraMetadata: {
          token_endpoint_auth_signing_alg: 'PS256',
          token_endpoint_auth_method: 'client_secret_basic',
          dpop_bound_access_tokens: false,
          require_pushed_authorization_requests: false,
          response_types: ['code id_token'],
          grant_types: ['implicit'],
          client_id: 'cli_hijack',
          scope: 'openid accounts payments fundsconfirmations',
        },
      }),
      NOW,
    );
    const metadata = app.clientMetadata;
    assert.equal(metadata.token_endpoint_auth_signing_alg, 'PS256');
    assert.equal(metadata.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal(metadata.dpop_bound_access_tokens, true);
    assert.equal(metadata.require_pushed_authorization_requests, true);
    assert.deepEqual(metadata.response_types, ['code']);
    assert.deepEqual(metadata.grant_types, ['authorization_code', 'client_credentials', 'refresh_token']);
    assert.equal(metadata.client_id, app.clientId);
    assert.equal(metadata.scope, 'openid accounts');
  });

  test('the validator is given the metadata; a refusal → InvalidField "The app\'s OAuth metadata is invalid", nothing stored', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const accepted = await registerPartnerApp(
      newServices(async (metadata) => void seen.push(metadata)),
      PARTNER,
      registration(),
      NOW,
    );
    assert.deepEqual(seen, [{ ...accepted.clientMetadata }]);

    const services = newServices(async () => {
      throw new Error('redirect_uris must only contain web uris');
    });
    await assert.rejects(
      registerPartnerApp(services, null, registration(), NOW),
      isError(InvalidField, undefined, /^The app's OAuth metadata is invalid: redirect_uris must only contain web uris$/),
    );
    assert.deepEqual(services.partners.size, { apps: 0, partners: 1 });
  });

  test('any invalid field → InvalidField, nothing stored (no organisation either)', async () => {
    const services = newServices();
    await assert.rejects(registerPartnerApp(services, null, registration({ roles: ['BANK'] }), NOW), isError(InvalidField, 'roles'));
    await assert.rejects(
      registerPartnerApp(services, null, registration({ redirectUris: ['ftp://x.example.com'] }), NOW),
      isError(InvalidField, 'redirect_uris'),
    );
    await assert.rejects(registerPartnerApp(services, null, registration({ keys: { jwks: { keys: [] } } }), NOW), isError(InvalidField, 'jwks'));
    await assert.rejects(registerPartnerApp(services, null, registration({ name: '' }), NOW), isError(InvalidField, 'name'));
    await assert.rejects(
      registerPartnerApp(services, null, registration({ description: 'd'.repeat(501) }), NOW),
      isError(InvalidField, 'description'),
    );
    assert.deepEqual(services.partners.size, { apps: 0, partners: 1 });
  });

  test('production mode with a loopback redirect URI → InvalidField redirect_uris', async () => {
    const services = newServices(async () => {}, 'production');
    await assert.rejects(
      registerPartnerApp(services, PARTNER, registration({ redirectUris: ['http://localhost:3000/cb'] }), NOW),
      isError(InvalidField, 'redirect_uris', /must use https$/),
    );
  });
});

describe('checkRedirectUris', () => {
  test('https URIs → accepted as given, trimmed, duplicates dropped, in order', () => {
    assert.deepEqual(
      checkRedirectUris([' https://a.example.com/cb ', 'https://b.example.com/cb?x=1', 'https://a.example.com/cb', ''], 'production'),
      ['https://a.example.com/cb', 'https://b.example.com/cb?x=1'],
    );
  });

  test('sandbox: http://localhost and http://127.0.0.1 (any port or path) → accepted', () => {
    const uris = ['http://localhost/cb', 'http://localhost:3000/callback', 'http://127.0.0.1:9/callback'];
    assert.deepEqual(checkRedirectUris(uris, 'sandbox'), uris);
  });

  test('production: http://localhost and http://127.0.0.1 → InvalidField redirect_uris "must use https"', () => {
    for (const uri of ['http://localhost:3000/callback', 'http://127.0.0.1:9/callback']) {
      assert.throws(() => checkRedirectUris([uri], 'production'), isError(InvalidField, 'redirect_uris', /must use https$/), uri);
    }
  });

  test('sandbox: http to any other host, or a look-alike of localhost → InvalidField redirect_uris', () => {
    for (const uri of ['http://budget.example.com/cb', 'http://localhost.example.com/cb', 'http://127.0.0.2/cb', 'http://[::1]/cb']) {
      assert.throws(
        () => checkRedirectUris([uri], 'sandbox'),
        isError(InvalidField, 'redirect_uris', /localhost and 127\.0\.0\.1 in the sandbox/),
        uri,
      );
    }
  });

  test('another scheme, a relative or malformed URI → InvalidField redirect_uris', () => {
    for (const uri of ['javascript:alert(1)', 'com.example.app:/cb', '/callback', 'budget.example.com/cb', 'https://']) {
      assert.throws(() => checkRedirectUris([uri], 'sandbox'), isError(InvalidField, 'redirect_uris'), uri);
    }
  });

  test('a fragment, even an empty one → InvalidField redirect_uris', () => {
    for (const uri of ['https://budget.example.com/cb#section', 'https://budget.example.com/cb#']) {
      assert.throws(() => checkRedirectUris([uri], 'sandbox'), isError(InvalidField, 'redirect_uris', /fragment/), uri);
    }
  });

  test('a user name or password in the URI → InvalidField redirect_uris', () => {
    assert.throws(
      () => checkRedirectUris(['https://user:secret@budget.example.com/cb'], 'sandbox'),
      isError(InvalidField, 'redirect_uris', /user name or password/),
    );
  });

  test('none, or only blanks → InvalidField redirect_uris', () => {
    assert.throws(() => checkRedirectUris([], 'sandbox'), isError(InvalidField, 'redirect_uris', /At least one/));
    assert.throws(() => checkRedirectUris(['  ', ''], 'sandbox'), isError(InvalidField, 'redirect_uris', /At least one/));
  });

  test('10 distinct URIs → accepted; 11 → InvalidField redirect_uris; 11 with a duplicate → accepted', () => {
    const ten = Array.from({ length: 10 }, (_, index) => `https://budget.example.com/cb${index}`);
    assert.equal(checkRedirectUris(ten, 'production').length, 10);
    assert.throws(
      () => checkRedirectUris([...ten, 'https://budget.example.com/cb10'], 'production'),
      isError(InvalidField, 'redirect_uris', /At most 10/),
    );
    assert.equal(checkRedirectUris([...ten, ten[0] as string], 'production').length, 10);
  });
});

describe('checkPublicJwks and checkPublicJwk', () => {
  test('a key with a member nested 20,000 levels deep (the portal, the CLI, a JWKS) → InvalidField jwks before anything stores or copies it', () => {
    const deep = JSON.parse(`{"nested":${'['.repeat(20_000)}${']'.repeat(20_000)}}`) as Record<string, unknown>;
    const key = { ...PAYMENT_SIGNING_JWK, kid: 'deep-key', ext: deep };
    assert.throws(() => checkPublicJwks({ keys: [key] }), isError(InvalidField, 'jwks', /nests objects and arrays more than 32 levels deep/));
    assert.throws(() => checkPublicJwk(key), isError(InvalidField, 'jwks', /more than 32 levels deep/));
  });

  test('keys that cannot sign what FAPI allows → InvalidField jwks: RSA under 2048 bits, EC not on P-256, OKP not Ed25519, "use": "enc"', () => {
    const jwk = (key: KeyObject, kid: string) => ({ ...(key.export({ format: 'jwk' }) as Record<string, unknown>), kid });
    const refused: Array<[string, Record<string, unknown>, RegExp]> = [
      ['RSA-1024', jwk(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, 'rsa-1024'), /at least 2048 bits/],
      ['EC P-384', jwk(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey, 'p-384'), /P-256/],
      ['X25519', jwk(generateKeyPairSync('x25519').publicKey, 'x25519'), /Ed25519/],
      ['use enc', { ...PAYMENT_SIGNING_JWK, use: 'enc' }, /signing keys/],
    ];
    for (const [name, key, message] of refused) assert.throws(() => checkPublicJwks({ keys: [key] }), isError(InvalidField, 'jwks', message), name);
    const accepted = [
      jwk(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'rsa-2048'),
      jwk(generateKeyPairSync('ed25519').publicKey, 'ed25519'),
      ecJwk('p-256'),
    ];
    assert.equal(checkPublicJwks({ keys: accepted }).keys.length, 3);
  });

  test('EC, RSA and OKP public keys with distinct kids and FAPI algorithms (or none) → accepted', () => {
    const jwks = {
      keys: [
        ecJwk('ec', { alg: 'ES256' }),
        { ...RSA_PUBLIC.public, kid: 'rsa', alg: 'PS256' },
        { ...OKP_PUBLIC, kid: 'okp', alg: 'EdDSA' },
        ecJwk('no-alg'),
      ],
    };
    assert.deepEqual(checkPublicJwks(jwks), jwks);
  });

  test('a private key (EC d, RSA d/p) or a symmetric key (k) → InvalidField jwks "public keys only"', () => {
    const privateEc = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    for (const key of [
      { ...privateEc, kid: 'ec' },
      { ...RSA_PUBLIC.private, kid: 'rsa' },
      { kty: 'RSA', n: 'x', e: 'AQAB', p: 'y', kid: 'p' },
      { kty: 'oct', k: 'c2VjcmV0', kid: 'oct' },
    ]) {
      assert.throws(() => checkPublicJwks({ keys: [key] }), isError(InvalidField, 'jwks', /public keys only/), String(key.kid));
    }
  });

  test('an unsupported key type → InvalidField jwks', () => {
    assert.throws(() => checkPublicJwk({ kty: 'oct', kid: 'x' }), isError(InvalidField, 'jwks', /Key type oct/));
    assert.throws(() => checkPublicJwk({ kid: 'x' }), isError(InvalidField, 'jwks'));
  });

  test('an algorithm FAPI does not allow (RS256, HS256, none, ES384) → InvalidField jwks', () => {
    for (const alg of ['RS256', 'HS256', 'none', 'ES384', 'es256']) {
      assert.throws(() => checkPublicJwk(ecJwk('k', { alg })), isError(InvalidField, 'jwks', /not allowed/), alg);
    }
  });

  test('a missing, empty, non-string or 101-character kid → InvalidField jwks; 100 characters → accepted', () => {
    for (const kid of [undefined, '', 42, 'k'.repeat(101)]) {
      assert.throws(() => checkPublicJwk(ecJwk('x', { kid })), isError(InvalidField, 'jwks', /kid/), String(kid));
    }
    assert.doesNotThrow(() => checkPublicJwk(ecJwk('k'.repeat(100))));
  });

  test('a kid used twice → InvalidField jwks "appears twice"', () => {
    assert.throws(() => checkPublicJwks({ keys: [ecJwk('same'), ecJwk('same')] }), isError(InvalidField, 'jwks', /same appears twice/));
  });

  test('10 keys → accepted; 11 → InvalidField jwks', () => {
    const keys = Array.from({ length: 11 }, (_, index) => ecJwk(`k${index}`));
    assert.equal(checkPublicJwks({ keys: keys.slice(0, 10) }).keys.length, 10);
    assert.throws(() => checkPublicJwks({ keys }), isError(InvalidField, 'jwks', /at most 10/));
  });

  test('not a JWKS (null, an array, no keys, no key, a key that is not an object) → InvalidField jwks', () => {
    for (const jwks of [null, undefined, [ecJwk('k')], {}, { keys: [] }, { keys: 'k' }, { keys: ['k'] }, { keys: [[ecJwk('k')]] }]) {
      assert.throws(() => checkPublicJwks(jwks), isError(InvalidField, 'jwks'), JSON.stringify(jwks));
    }
  });
});

describe('checkKeys', () => {
  test('a https jwksUri → normalised URL; loopback http in the sandbox only; fragments refused (path jwks_uri)', () => {
    assert.deepEqual(checkKeys({ jwksUri: 'https://Budget.Example.com/jwks.json' }, 'production'), {
      jwksUri: 'https://budget.example.com/jwks.json',
    });
    assert.deepEqual(checkKeys({ jwksUri: 'http://127.0.0.1:8080/jwks' }, 'sandbox'), { jwksUri: 'http://127.0.0.1:8080/jwks' });
    assert.throws(() => checkKeys({ jwksUri: 'http://127.0.0.1:8080/jwks' }, 'production'), isError(InvalidField, 'jwks_uri'));
    assert.throws(() => checkKeys({ jwksUri: 'https://budget.example.com/jwks#k1' }, 'production'), isError(InvalidField, 'jwks_uri', /fragment/));
    assert.throws(() => checkKeys({ jwksUri: 'not a url' }, 'sandbox'), isError(InvalidField, 'jwks_uri'));
  });

  test('a jwks → checked as a public key set', () => {
    assert.throws(() => checkKeys({ jwks: { keys: [ecJwk('k', { alg: 'RS256' })] } }, 'sandbox'), isError(InvalidField, 'jwks'));
  });
});

describe('checkRoles and scopeOfRoles', () => {
  test('roles in any case, padded, repeated → upper case, de-duplicated, in the order given', () => {
    assert.deepEqual(checkRoles([' pisp', 'AISP ', 'Pisp', 'cbpii']), ['PISP', 'AISP', 'CBPII']);
  });

  test('none, only blanks, or an unknown role → InvalidField roles', () => {
    assert.throws(() => checkRoles([]), isError(InvalidField, 'roles', /At least one role/));
    assert.throws(() => checkRoles([' ', '']), isError(InvalidField, 'roles', /At least one role/));
    assert.throws(() => checkRoles(['AISP', 'ASPSP']), isError(InvalidField, 'roles', /Unknown role ASPSP/));
    assert.throws(() => checkRoles(['constructor']), isError(InvalidField, 'roles'));
    assert.throws(() => checkRoles(['__PROTO__']), isError(InvalidField, 'roles'));
  });

  test('scopes → openid then one per role', () => {
    assert.equal(scopeOfRoles(['AISP']), 'openid accounts');
    assert.equal(scopeOfRoles(['CBPII', 'PISP', 'AISP']), 'openid fundsconfirmations payments accounts');
  });
});

describe('checkName and checkDescription', () => {
  test('names → trimmed; blank, 141 characters or control characters → InvalidField name', () => {
    assert.equal(checkName('  Budget Buddy  '), 'Budget Buddy');
    assert.equal(checkName('n'.repeat(140)).length, 140);
    for (const bad of ['', '   ', 'n'.repeat(141), 'Budget\nBuddy', 'Budget\u0000', 'Budget\u007f']) {
      assert.throws(() => checkName(bad), isError(InvalidField, 'name'), JSON.stringify(bad));
    }
  });

  test('descriptions → trimmed, may be empty; 501 characters → InvalidField description', () => {
    assert.equal(checkDescription('  '), '');
    assert.equal(checkDescription('d'.repeat(500)).length, 500);
    assert.throws(() => checkDescription('d'.repeat(501)), isError(InvalidField, 'description'));
  });
});

describe('fapiClientMetadata', () => {
  test('keys as a set → jwks; keys at a URL → jwks_uri; never both', () => {
    const base = { clientId: 'cli_x', name: 'X', redirectUris: [REDIRECT], roles: ['AISP'] as const };
    const withSet = fapiClientMetadata({ ...base, keys: { jwks: { keys: [ecJwk('k')] } } });
    assert.ok('jwks' in withSet && !('jwks_uri' in withSet));
    const withUrl = fapiClientMetadata({ ...base, keys: { jwksUri: 'https://x.example.com/jwks' } });
    assert.ok('jwks_uri' in withUrl && !('jwks' in withUrl));
  });
});
