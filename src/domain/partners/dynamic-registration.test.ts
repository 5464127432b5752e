// Proves Dynamic Client Registration (RFC 7591/7592) against an in-memory store: statements of this bank's directory register clients with the portal software's keys only while it is active, other directories' organisations become partners with the statement's key URL, and registration access tokens are single-use, checked on every read, update and deletion.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { PAYMENT_SIGNING_JWK } from '../../../test/support/sample-keys.js';
import { approveApp } from './app-lifecycle.js';
import { InMemoryPartnerStore } from '../../../test/support/in-memory-partner-store.js';
import { addAppKeys } from './app-settings.js';
import { registerPartnerApp, type AppRegistrationServices, type ClientMetadataValidator, type PlatformMode } from './app-registration.js';
import {
  deregisterClient,
  MAX_CLIENTS_PER_SOFTWARE,
  externalPartnerId,
  findRegistration,
  readRegistration,
  registerBySoftwareStatement,
  RegistrationTokenInvalid,
  updateRegistration,
  type ManagedRegistration,
} from './dynamic-registration.js';
import { keysOf, type Partner, type PartnerApp } from './partner-app.js';
import {
  readSoftwareStatement,
  RegistrationRefused,
  softwareStatementClaimsFor,
  type OwnDirectory,
  type RegistrationErrorCode,
  type SoftwareStatement,
} from './software-statement.js';

const CREATED = new Date('2030-06-01T12:00:00.000Z');
const NOW = new Date('2030-06-02T09:30:00.000Z');
const LATER = new Date('2030-06-02T10:00:00.000Z');
const PARTNER: Partner = { id: 'ptn_budget_buddy', name: 'Budget Buddy Ltd', status: 'active', createdAt: CREATED };
const OTHER_PARTNER: Partner = { id: 'ptn_other', name: 'Other Ltd', status: 'active', createdAt: CREATED };
const OWN: OwnDirectory = {
  issuer: 'https://bank.example.com/directory',
  softwareJwksEndpoint: (softwareId) => `https://bank.example.com/directory/${softwareId}/jwks`,
};
const EXTERNAL = 'https://directory.example.org';
const REDIRECTS = ['https://budget.example.com/cb', 'https://budget.example.com/cb2'];

/** Checks a RegistrationRefused and its RFC 7591 error code. */
function isRefused(code: RegistrationErrorCode, message?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof RegistrationRefused, `expected RegistrationRefused ${code}, got ${String(error)}`);
    assert.equal(error.error, code);
    if (message) assert.match(error.message, message);
    return true;
  };
}

function isTokenInvalid(error: unknown): boolean {
  assert.ok(error instanceof RegistrationTokenInvalid, `expected RegistrationTokenInvalid, got ${String(error)}`);
  return true;
}

function publicJwk(kid: string): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
}

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

type Services = AppRegistrationServices & { partners: InMemoryPartnerStore };

function newServices(validateClientMetadata: ClientMetadataValidator = async () => {}, mode: PlatformMode = 'sandbox'): Services {
  const partners = new InMemoryPartnerStore();
  partners.putPartner(PARTNER);
  partners.putPartner(OTHER_PARTNER);
  return { partners, validateClientMetadata, mode };
}

/** PARTNER's portal app (AISP + PISP, key k1 and an RSA key for payment messages), registered through the domain. */
function newPortalApp(services: Services, owner: Partner = PARTNER): Promise<PartnerApp> {
  return registerPartnerApp(
    { ...services, validateClientMetadata: async () => {} },
    owner,
    {
      name: 'Budget Buddy',
      description: 'Budgets',
      redirectUris: REDIRECTS,
      keys: { jwks: { keys: [publicJwk('k1'), PAYMENT_SIGNING_JWK] } },
      roles: ['AISP', 'PISP'],
      origin: 'portal',
    },
    CREATED,
  );
}

/** The statement this bank's directory signs for a portal app, as registration reads it. */
function ownStatement(app: PartnerApp, partner: Partner = PARTNER, overrides: Record<string, unknown> = {}): SoftwareStatement {
  const claims = { ...softwareStatementClaimsFor(app, partner, OWN, NOW), ...overrides };
  return readSoftwareStatement({ jwt: `own.${app.softwareId}.sig`, claims }, { issuer: OWN.issuer, own: true });
}

/** A statement of another directory for organisation `orgId`. */
function externalStatement(overrides: Record<string, unknown> = {}): SoftwareStatement {
  const claims = {
    iss: EXTERNAL,
    iat: NOW.getTime() / 1000,
    software_id: 'ExternalSoftware01',
    software_client_name: 'Pocket Ledger',
    software_redirect_uris: ['https://pocket.example.net/cb'],
    software_roles: ['AISP'],
    software_jwks_endpoint: 'https://keystore.directory.example.org/org-42/ExternalSoftware01.jwks',
    org_id: 'org-42',
    org_name: 'Pocket Ledger plc',
    org_status: 'Active',
    ...overrides,
  };
  return readSoftwareStatement({ jwt: 'ext.jwt.sig', claims }, { issuer: EXTERNAL, own: false });
}

/** A DCR client of PARTNER's portal app, registered through the domain. */
async function registered(services: Services): Promise<{ portal: PartnerApp; registration: ManagedRegistration }> {
  const portal = await newPortalApp(services);
  return { portal, registration: await registerBySoftwareStatement(services, ownStatement(portal), {}, NOW) };
}

/** A fake `endConsents` that remembers its calls. */
function consentEnder(): ((clientId: string, now: Date) => Promise<void>) & { calls: Array<[string, Date]> } {
  const calls: Array<[string, Date]> = [];
  return Object.assign(
    async (clientId: string, now: Date) => {
      calls.push([clientId, now]);
    },
    { calls },
  );
}

describe('registerBySoftwareStatement', () => {
  test('own-directory statement of an active portal app → a DCR client of its software with its keys and a registration token', async () => {
    const services = newServices();
    const portal = await newPortalApp(services);
    const statement = ownStatement(portal);
    const { app, registrationToken } = await registerBySoftwareStatement(services, statement, {}, NOW);

    assert.notEqual(app.clientId, portal.clientId);
    assert.equal(app.origin, 'dcr');
    assert.equal(app.softwareId, portal.softwareId);
    assert.equal(app.partnerId, PARTNER.id);
    assert.equal(app.status, 'active');
    assert.equal(app.environment, 'sandbox');
    assert.deepEqual(keysOf(app), keysOf(portal));
    assert.deepEqual(app.clientMetadata.redirect_uris, REDIRECTS);
    assert.equal(app.clientMetadata.scope, 'openid accounts payments');
    assert.equal(app.clientMetadata.token_endpoint_auth_method, 'private_key_jwt');
    assert.deepEqual(app.softwareStatement, { jwt: statement.jwt, claims: statement.claims });
    assert.match(registrationToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(app.registrationTokenHash, sha256(registrationToken));
    assert.deepEqual(await findRegistration(services.partners, app.clientId, registrationToken), app);
    assert.deepEqual(services.partners.size, { apps: 2, partners: 2 });
  });

  test("own-directory statement of a portal app the bank approved for live use → the DCR client is live too; an external directory's → sandbox", async () => {
    const services = newServices();
    const portal = await newPortalApp(services);
    await approveApp(services.partners, portal.clientId, NOW);
    const live = await services.partners.findApp(portal.clientId);
    const { app } = await registerBySoftwareStatement(services, ownStatement(live as PartnerApp), {}, NOW);
    assert.equal(app.environment, 'live');
    const external = await registerBySoftwareStatement(services, externalStatement(), {}, NOW);
    assert.equal(external.app.environment, 'sandbox');
  });

  test('a software with 20 registered clients → the 21st is refused with invalid_client_metadata; after one is deleted → accepted', async () => {
    const services = newServices();
    const portal = await newPortalApp(services);
    const registrations = [];
    for (let count = 0; count < MAX_CLIENTS_PER_SOFTWARE; count += 1)
      registrations.push(await registerBySoftwareStatement(services, ownStatement(portal), {}, NOW));
    await assert.rejects(
      registerBySoftwareStatement(services, ownStatement(portal), {}, NOW),
      isRefused('invalid_client_metadata', /already has 20 registered clients/),
    );
    const [first] = registrations as [ManagedRegistration];
    await deregisterClient(services.partners, consentEnder(), first.app.clientId, first.registrationToken, NOW);
    assert.ok((await registerBySoftwareStatement(services, ownStatement(portal), {}, NOW)).app.clientId);
  });

  test('asking for a subset of redirect URIs, a scope and a signing alg → exactly those', async () => {
    const services = newServices();
    const portal = await newPortalApp(services);
    const { app } = await registerBySoftwareStatement(
      services,
      ownStatement(portal),
      { redirect_uris: ['https://budget.example.com/cb2'], scope: 'openid accounts', token_endpoint_auth_signing_alg: 'ES256' },
      NOW,
    );
    assert.deepEqual(app.clientMetadata.redirect_uris, ['https://budget.example.com/cb2']);
    assert.deepEqual(app.roles, ['AISP']);
    assert.equal(app.clientMetadata.scope, 'openid accounts');
    assert.equal(app.clientMetadata.token_endpoint_auth_signing_alg, 'ES256');
  });

  test('own-directory statement of a disabled or suspended portal app → unapproved_software_statement, nothing stored', async () => {
    for (const status of ['disabled', 'suspended'] as const) {
      const services = newServices();
      const portal = await newPortalApp(services);
      const statement = ownStatement(portal);
      services.partners.putApp({ ...portal, status });
      await assert.rejects(registerBySoftwareStatement(services, statement, {}, NOW), isRefused('unapproved_software_statement', /software/), status);
      assert.equal(services.partners.size.apps, 1, status);
    }
  });

  test('own-directory statement of a suspended organisation → unapproved_software_statement', async () => {
    const services = newServices();
    const portal = await newPortalApp(services);
    const statement = ownStatement(portal);
    services.partners.putPartner({ ...PARTNER, status: 'suspended' });
    await assert.rejects(registerBySoftwareStatement(services, statement, {}, NOW), isRefused('unapproved_software_statement', /organisation/));
  });

  test("own-directory statement naming another organisation than the software's → unapproved_software_statement (no client on someone else's keys)", async () => {
    const services = newServices();
    const portal = await newPortalApp(services);
    const forged = ownStatement(portal, PARTNER, { org_id: OTHER_PARTNER.id, org_name: OTHER_PARTNER.name });
    await assert.rejects(registerBySoftwareStatement(services, forged, {}, NOW), isRefused('unapproved_software_statement'));
    assert.deepEqual(await services.partners.listApps(OTHER_PARTNER.id), []);
  });

  test("external-directory statement → its organisation becomes a partner with a derived id, the client gets the statement's key URL", async () => {
    const services = newServices();
    const statement = externalStatement();
    const { app } = await registerBySoftwareStatement(services, statement, {}, NOW);
    const partnerId = externalPartnerId(EXTERNAL, 'org-42');
    assert.equal(app.partnerId, partnerId);
    assert.equal(app.partnerName, 'Pocket Ledger plc');
    assert.deepEqual(await services.partners.findPartner(partnerId), { id: partnerId, name: 'Pocket Ledger plc', status: 'active', createdAt: NOW });
    assert.deepEqual(keysOf(app), { jwksUri: 'https://keystore.directory.example.org/org-42/ExternalSoftware01.jwks' });
    assert.equal(app.clientMetadata.jwks, undefined);
    assert.equal(app.softwareId, 'ExternalSoftware01');
    assert.equal(app.name, 'Pocket Ledger');
  });

  test('two registrations of one external organisation → one partner, two clients', async () => {
    const services = newServices();
    const first = await registerBySoftwareStatement(services, externalStatement(), {}, NOW);
    const second = await registerBySoftwareStatement(services, externalStatement({ org_name: 'Renamed plc' }), {}, LATER);
    assert.equal(first.app.partnerId, second.app.partnerId);
    assert.equal(services.partners.size.partners, 3);
    assert.equal((await services.partners.findPartner(first.app.partnerId))?.name, 'Pocket Ledger plc');
    assert.deepEqual(
      (await services.partners.listApps(first.app.partnerId)).map((app) => app.clientId),
      [second.app.clientId, first.app.clientId],
    );
  });

  test('external statement without software_jwks_endpoint → invalid_software_statement', async () => {
    const services = newServices();
    await assert.rejects(
      registerBySoftwareStatement(services, externalStatement({ software_jwks_endpoint: undefined }), {}, NOW),
      isRefused('invalid_software_statement', /software_jwks_endpoint/),
    );
    assert.equal(services.partners.size.apps, 0);
  });

  test('external organisation suspended at this bank → unapproved_software_statement', async () => {
    const services = newServices();
    services.partners.putPartner({ id: externalPartnerId(EXTERNAL, 'org-42'), name: 'Pocket Ledger plc', status: 'suspended', createdAt: CREATED });
    await assert.rejects(
      registerBySoftwareStatement(services, externalStatement(), {}, NOW),
      isRefused('unapproved_software_statement', /suspended/),
    );
    assert.equal(services.partners.size.apps, 0);
  });

  test('a redirect URI outside the statement → invalid_redirect_uri', async () => {
    const services = newServices();
    await assert.rejects(
      registerBySoftwareStatement(services, externalStatement(), { redirect_uris: ['https://evil.example.com/cb'] }, NOW),
      isRefused('invalid_redirect_uri'),
    );
  });

  test('statement redirect URIs over plain http in production → invalid_redirect_uri', async () => {
    const services = newServices(async () => {}, 'production');
    await assert.rejects(
      registerBySoftwareStatement(services, externalStatement({ software_redirect_uris: ['http://pocket.example.net/cb'] }), {}, NOW),
      isRefused('invalid_redirect_uri', /https/),
    );
  });

  test('a key URL over plain http in production → invalid_client_metadata', async () => {
    const services = newServices(async () => {}, 'production');
    await assert.rejects(
      registerBySoftwareStatement(services, externalStatement({ software_jwks_endpoint: 'http://keystore.directory.example.org/k.jwks' }), {}, NOW),
      isRefused('invalid_client_metadata'),
    );
  });

  test('metadata the authorization server refuses → invalid_client_metadata, nothing stored', async () => {
    const services = newServices(async () => {
      throw Object.assign(new Error('invalid'), { error_description: 'no signing key' });
    });
    await assert.rejects(registerBySoftwareStatement(services, externalStatement(), {}, NOW), isRefused('invalid_client_metadata', /no signing key/));
    assert.equal(services.partners.size.apps, 0);
  });

  test('keys the partner adds in the portal later → reach the DCR client too', async () => {
    const services = newServices();
    const { portal, registration } = await registered(services);
    await addAppKeys(services, PARTNER.id, portal.clientId, publicJwk('k2'), LATER);
    assert.deepEqual(
      keysOf(services.partners.stored(registration.app.clientId) as PartnerApp),
      keysOf(services.partners.stored(portal.clientId) as PartnerApp),
    );
  });
});

describe('findRegistration', () => {
  test('the right token → the client; a wrong, empty or over-long token → RegistrationTokenInvalid', async () => {
    const services = newServices();
    const { registration } = await registered(services);
    const { clientId } = registration.app;
    assert.equal((await findRegistration(services.partners, clientId, registration.registrationToken)).clientId, clientId);
    for (const token of ['', 'wrong', `${registration.registrationToken}x`, registration.registrationToken.toUpperCase()]) {
      await assert.rejects(findRegistration(services.partners, clientId, token), isTokenInvalid, token);
    }
  });

  test('an unknown client → RegistrationTokenInvalid', async () => {
    await assert.rejects(findRegistration(newServices().partners, 'cli_unknown', 'x'.repeat(43)), isTokenInvalid);
  });

  test('a portal app (no registration token) → RegistrationTokenInvalid whatever the token', async () => {
    const services = newServices();
    const portal = await newPortalApp(services);
    await assert.rejects(findRegistration(services.partners, portal.clientId, ''), isTokenInvalid);
    await assert.rejects(findRegistration(services.partners, portal.clientId, 'x'.repeat(43)), isTokenInvalid);
  });

  test("a DCR client's token used for another DCR client → RegistrationTokenInvalid", async () => {
    const services = newServices();
    const { portal, registration } = await registered(services);
    const other = await registerBySoftwareStatement(services, ownStatement(portal), {}, NOW);
    await assert.rejects(findRegistration(services.partners, other.app.clientId, registration.registrationToken), isTokenInvalid);
  });
});

describe('readRegistration', () => {
  test('the right token → the client and a new token; the old token stops working, the new one works', async () => {
    const services = newServices();
    const { registration } = await registered(services);
    const { clientId } = registration.app;
    const read = await readRegistration(services.partners, clientId, registration.registrationToken, LATER);
    assert.equal(read.app.clientId, clientId);
    assert.notEqual(read.registrationToken, registration.registrationToken);
    assert.equal(read.app.registrationTokenHash, sha256(read.registrationToken));
    assert.equal(read.app.version, registration.app.version + 1);
    assert.deepEqual(read.app.updatedAt, LATER);
    await assert.rejects(findRegistration(services.partners, clientId, registration.registrationToken), isTokenInvalid);
    await assert.rejects(readRegistration(services.partners, clientId, registration.registrationToken, LATER), isTokenInvalid);
    assert.equal((await findRegistration(services.partners, clientId, read.registrationToken)).clientId, clientId);
  });

  test('a wrong token → RegistrationTokenInvalid, the right one still works', async () => {
    const services = newServices();
    const { registration } = await registered(services);
    await assert.rejects(readRegistration(services.partners, registration.app.clientId, 'w'.repeat(43), LATER), isTokenInvalid);
    assert.deepEqual(services.partners.stored(registration.app.clientId)?.registrationTokenHash, sha256(registration.registrationToken));
  });

  test('an unknown client → RegistrationTokenInvalid', async () => {
    await assert.rejects(readRegistration(newServices().partners, 'cli_unknown', 'x'.repeat(43), LATER), isTokenInvalid);
  });

  test('two concurrent reads with one token → exactly one gets the next token (a token is spent once)', async () => {
    const services = newServices();
    const { registration } = await registered(services);
    const { clientId } = registration.app;
    const results = await Promise.allSettled([
      readRegistration(services.partners, clientId, registration.registrationToken, LATER),
      readRegistration(services.partners, clientId, registration.registrationToken, LATER),
    ]);
    const succeeded = results.filter((result): result is PromiseFulfilledResult<ManagedRegistration> => result.status === 'fulfilled');
    assert.equal(succeeded.length, 1);
    const failed = results.find((result) => result.status === 'rejected');
    assert.ok(failed && isTokenInvalid(failed.reason));
    assert.equal(
      services.partners.stored(clientId)?.registrationTokenHash,
      sha256((succeeded[0] as PromiseFulfilledResult<ManagedRegistration>).value.registrationToken),
    );
  });
});

describe('updateRegistration', () => {
  test('the right token and new metadata → same client id, metadata replaced, token rotated', async () => {
    const services = newServices();
    const { portal, registration } = await registered(services);
    const { clientId } = registration.app;
    const updated = await updateRegistration(
      services,
      clientId,
      registration.registrationToken,
      ownStatement(portal),
      { redirect_uris: ['https://budget.example.com/cb'], scope: 'payments', token_endpoint_auth_signing_alg: 'PS256' },
      LATER,
    );
    assert.equal(updated.app.clientId, clientId);
    assert.deepEqual(updated.app.clientMetadata.redirect_uris, ['https://budget.example.com/cb']);
    assert.deepEqual(updated.app.roles, ['PISP']);
    assert.equal(updated.app.clientMetadata.scope, 'openid payments');
    assert.equal(updated.app.clientMetadata.client_id, clientId);
    assert.equal(updated.app.clientMetadata.token_endpoint_auth_signing_alg, 'PS256');
    assert.equal(updated.app.version, registration.app.version + 1);
    assert.notEqual(updated.registrationToken, registration.registrationToken);
    await assert.rejects(findRegistration(services.partners, clientId, registration.registrationToken), isTokenInvalid);
    assert.equal((await findRegistration(services.partners, clientId, updated.registrationToken)).clientId, clientId);
    assert.deepEqual(services.partners.stored(clientId)?.clientMetadata, updated.app.clientMetadata);
  });

  test('the wrong token → RegistrationTokenInvalid, nothing written', async () => {
    const services = newServices();
    const { portal, registration } = await registered(services);
    await assert.rejects(
      updateRegistration(services, registration.app.clientId, 'w'.repeat(43), ownStatement(portal), { scope: 'payments' }, LATER),
      isTokenInvalid,
    );
    assert.deepEqual(services.partners.stored(registration.app.clientId)?.roles, ['AISP', 'PISP']);
    assert.equal(services.partners.stored(registration.app.clientId)?.registrationTokenHash, sha256(registration.registrationToken));
  });

  test('an unknown client → RegistrationTokenInvalid (as for a wrong token)', async () => {
    const services = newServices();
    const portal = await newPortalApp(services);
    await assert.rejects(updateRegistration(services, 'cli_unknown', 'x'.repeat(43), ownStatement(portal), {}, LATER), isTokenInvalid);
  });

  test('a statement of other software → invalid_software_statement', async () => {
    const services = newServices();
    const { registration } = await registered(services);
    const otherPortal = await newPortalApp(services);
    await assert.rejects(
      updateRegistration(services, registration.app.clientId, registration.registrationToken, ownStatement(otherPortal), {}, LATER),
      isRefused('invalid_software_statement', /other software/),
    );
  });

  test('a statement of the same software id from another organisation → invalid_software_statement', async () => {
    const services = newServices();
    const registration = await registerBySoftwareStatement(services, externalStatement(), {}, NOW);
    await assert.rejects(
      updateRegistration(services, registration.app.clientId, registration.registrationToken, externalStatement({ org_id: 'org-43' }), {}, LATER),
      isRefused('invalid_software_statement', /another organisation/),
    );
  });

  test('a client suspended by the bank → invalid_client_metadata', async () => {
    const services = newServices();
    const { portal, registration } = await registered(services);
    services.partners.putApp({ ...(services.partners.stored(registration.app.clientId) as PartnerApp), status: 'suspended' });
    await assert.rejects(
      updateRegistration(services, registration.app.clientId, registration.registrationToken, ownStatement(portal), {}, LATER),
      isRefused('invalid_client_metadata', /suspended/),
    );
  });

  test('a redirect URI outside the statement → invalid_redirect_uri, token unchanged', async () => {
    const services = newServices();
    const { portal, registration } = await registered(services);
    await assert.rejects(
      updateRegistration(
        services,
        registration.app.clientId,
        registration.registrationToken,
        ownStatement(portal),
        { redirect_uris: ['https://evil.example.com/cb'] },
        LATER,
      ),
      isRefused('invalid_redirect_uri'),
    );
    assert.equal(services.partners.stored(registration.app.clientId)?.registrationTokenHash, sha256(registration.registrationToken));
  });
});

describe('deregisterClient', () => {
  test('the right token → deregistered, token cleared, consents ended before and again after (for any authorised in between)', async () => {
    const services = newServices();
    const { registration } = await registered(services);
    const { clientId } = registration.app;
    const endConsents = consentEnder();
    await deregisterClient(services.partners, endConsents, clientId, registration.registrationToken, LATER);
    const stored = services.partners.stored(clientId);
    assert.equal(stored?.status, 'deregistered');
    assert.equal(stored?.registrationTokenHash, null);
    assert.deepEqual(stored?.updatedAt, LATER);
    assert.deepEqual(endConsents.calls, [
      [clientId, LATER],
      [clientId, LATER],
    ]);
  });

  test('ending the consents fails → the client stays registered with its token, and the partner can delete it again', async () => {
    const services = newServices();
    const { registration } = await registered(services);
    const { clientId } = registration.app;
    await assert.rejects(
      deregisterClient(
        services.partners,
        async () => {
          throw new Error('database gone');
        },
        clientId,
        registration.registrationToken,
        LATER,
      ),
      /database gone/,
    );
    assert.equal(services.partners.stored(clientId)?.status, 'active');
    await deregisterClient(services.partners, consentEnder(), clientId, registration.registrationToken, LATER);
    assert.equal(services.partners.stored(clientId)?.status, 'deregistered');
  });

  test('after deregistration → the token is invalid for find, read, update and a second deletion', async () => {
    const services = newServices();
    const { portal, registration } = await registered(services);
    const { clientId } = registration.app;
    const token = registration.registrationToken;
    const endConsents = consentEnder();
    await deregisterClient(services.partners, endConsents, clientId, token, LATER);
    await assert.rejects(findRegistration(services.partners, clientId, token), isTokenInvalid);
    await assert.rejects(readRegistration(services.partners, clientId, token, LATER), isTokenInvalid);
    await assert.rejects(updateRegistration(services, clientId, token, ownStatement(portal), {}, LATER), isTokenInvalid);
    await assert.rejects(deregisterClient(services.partners, endConsents, clientId, token, LATER), isTokenInvalid);
    assert.equal(endConsents.calls.length, 2, 'only the deletion itself ended consents');
    assert.equal(services.partners.stored(clientId)?.status, 'deregistered');
  });

  test('the wrong token → RegistrationTokenInvalid, client still active, no consent ended', async () => {
    const services = newServices();
    const { registration } = await registered(services);
    const endConsents = consentEnder();
    await assert.rejects(deregisterClient(services.partners, endConsents, registration.app.clientId, 'w'.repeat(43), LATER), isTokenInvalid);
    assert.equal(services.partners.stored(registration.app.clientId)?.status, 'active');
    assert.deepEqual(endConsents.calls, []);
  });

  test('a portal app, whatever the token → RegistrationTokenInvalid, still active', async () => {
    const services = newServices();
    const portal = await newPortalApp(services);
    const endConsents = consentEnder();
    await assert.rejects(deregisterClient(services.partners, endConsents, portal.clientId, 'x'.repeat(43), LATER), isTokenInvalid);
    assert.equal(services.partners.stored(portal.clientId)?.status, 'active');
    assert.deepEqual(endConsents.calls, []);
  });

  test('an unknown client → RegistrationTokenInvalid (as for a wrong token), no consent ended', async () => {
    const endConsents = consentEnder();
    await assert.rejects(deregisterClient(newServices().partners, endConsents, 'cli_unknown', 'x'.repeat(43), LATER), isTokenInvalid);
    assert.deepEqual(endConsents.calls, []);
  });
});

describe('externalPartnerId', () => {
  test('the same directory and org_id → the same ptn_ id of 22 base64url characters', () => {
    const id = externalPartnerId(EXTERNAL, 'org-42');
    assert.match(id, /^ptn_[A-Za-z0-9_-]{22}$/);
    assert.equal(externalPartnerId(EXTERNAL, 'org-42'), id);
  });

  test('another org_id or another directory → another id', () => {
    const id = externalPartnerId(EXTERNAL, 'org-42');
    assert.notEqual(externalPartnerId(EXTERNAL, 'org-43'), id);
    assert.notEqual(externalPartnerId('https://other-directory.example.org', 'org-42'), id);
  });
});
