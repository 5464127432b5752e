// Proves the software statement rules of Dynamic Client Registration — freshness, the claims registration needs, what a registration may ask for against its statement, and the claims this bank's directory signs for a portal app — with their RFC 7591 error codes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActionNotAllowed } from '../errors.js';
import type { Partner, PartnerApp, PartnerRole } from './partner-app.js';
import {
  assertFreshSoftwareStatement,
  decideRegistration,
  readSoftwareStatement,
  RegistrationRefused,
  SOFTWARE_STATEMENT_MAX_AGE_MS,
  softwareStatementClaimsFor,
  type OwnDirectory,
  type RegistrationErrorCode,
  type SoftwareStatement,
} from './software-statement.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;
const DIRECTORY = { issuer: 'https://directory.example.com', own: false };
const REDIRECTS = ['https://budget.example.com/cb', 'https://budget.example.com/cb2'];

/** Checks a RegistrationRefused and its RFC 7591 error code (and message when given). */
function isRefused(code: RegistrationErrorCode, message?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof RegistrationRefused, `expected RegistrationRefused, got ${String(error)}`);
    assert.equal(error.error, code);
    if (message) assert.match(error.message, message);
    return true;
  };
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: DIRECTORY.issuer,
    iat: NOW_S - 60,
    exp: NOW_S + 3600,
    software_id: 'Sw0ftware1d',
    software_client_name: 'Budget Buddy',
    software_client_description: 'Budgets for everyone',
    software_redirect_uris: REDIRECTS,
    software_roles: ['AISP', 'PISP'],
    software_jwks_endpoint: 'https://keys.directory.example.com/Sw0ftware1d.jwks',
    org_id: 'org-0001',
    org_name: 'Budget Buddy Ltd',
    org_status: 'Active',
    ...overrides,
  };
}

function read(overrides: Record<string, unknown> = {}, directory = DIRECTORY): SoftwareStatement {
  return readSoftwareStatement({ jwt: 'header.payload.signature', claims: claims(overrides) }, directory);
}

function statement(overrides: Partial<SoftwareStatement> = {}): SoftwareStatement {
  return { ...read(), ...overrides };
}

describe('assertFreshSoftwareStatement', () => {
  test('issued a minute ago, exp an hour ahead → accepted', () => {
    assert.doesNotThrow(() => assertFreshSoftwareStatement(claims(), NOW));
  });

  test('no exp → accepted while iat is within 7 days', () => {
    const { exp: _exp, ...withoutExp } = claims();
    assert.doesNotThrow(() => assertFreshSoftwareStatement(withoutExp, NOW));
  });

  test('iat up to 60 s ahead (clock skew) → accepted; 61 s ahead → invalid_software_statement "in the future"', () => {
    assert.doesNotThrow(() => assertFreshSoftwareStatement(claims({ iat: NOW_S + 60 }), NOW));
    assert.throws(() => assertFreshSoftwareStatement(claims({ iat: NOW_S + 61 }), NOW), isRefused('invalid_software_statement', /in the future/));
  });

  test('issued exactly 7 days ago → accepted; a second more → invalid_software_statement "more than 7 days old"', () => {
    const sevenDays = SOFTWARE_STATEMENT_MAX_AGE_MS / 1000;
    assert.equal(sevenDays, 7 * 24 * 3600);
    assert.doesNotThrow(() => assertFreshSoftwareStatement(claims({ iat: NOW_S - sevenDays, exp: undefined }), NOW));
    assert.throws(
      () => assertFreshSoftwareStatement(claims({ iat: NOW_S - sevenDays - 1, exp: undefined }), NOW),
      isRefused('invalid_software_statement', /more than 7 days old/),
    );
  });

  test('exp now or past → invalid_software_statement "expired"', () => {
    assert.throws(() => assertFreshSoftwareStatement(claims({ exp: NOW_S }), NOW), isRefused('invalid_software_statement', /expired/));
    assert.throws(() => assertFreshSoftwareStatement(claims({ exp: NOW_S - 1 }), NOW), isRefused('invalid_software_statement', /expired/));
  });

  test('exp not a number → invalid_software_statement', () => {
    assert.throws(() => assertFreshSoftwareStatement(claims({ exp: String(NOW_S + 3600) }), NOW), isRefused('invalid_software_statement'));
  });

  test('no iat, or an iat that is not a number → invalid_software_statement "no iat"', () => {
    const { iat: _iat, ...withoutIat } = claims();
    assert.throws(() => assertFreshSoftwareStatement(withoutIat, NOW), isRefused('invalid_software_statement', /no iat/));
    assert.throws(() => assertFreshSoftwareStatement(claims({ iat: String(NOW_S) }), NOW), isRefused('invalid_software_statement', /no iat/));
  });
});

describe('readSoftwareStatement', () => {
  test('a complete statement → what registration needs, claims and jwt kept as sent', () => {
    const signed = { jwt: 'header.payload.signature', claims: claims() };
    const read = readSoftwareStatement(signed, DIRECTORY);
    assert.deepEqual(read, {
      directory: DIRECTORY.issuer,
      ownDirectory: false,
      softwareId: 'Sw0ftware1d',
      orgId: 'org-0001',
      orgName: 'Budget Buddy Ltd',
      clientName: 'Budget Buddy',
      description: 'Budgets for everyone',
      redirectUris: REDIRECTS,
      roles: ['AISP', 'PISP'],
      jwksEndpoint: 'https://keys.directory.example.com/Sw0ftware1d.jwks',
      claims: signed.claims,
      jwt: 'header.payload.signature',
    });
  });

  test('the own directory → ownDirectory true', () => {
    assert.equal(read({}, { issuer: 'https://bank.example.com/directory', own: true }).ownDirectory, true);
  });

  test('no names or description → client name is the software id, organisation name the org id, description empty', () => {
    const read_ = read({ software_client_name: undefined, org_name: '   ', software_client_description: 42 });
    assert.equal(read_.clientName, 'Sw0ftware1d');
    assert.equal(read_.orgName, 'org-0001');
    assert.equal(read_.description, '');
  });

  test('over-long names and description → cut to 140 and 500 characters', () => {
    const read_ = read({ software_client_name: 'n'.repeat(200), org_name: 'o'.repeat(200), software_client_description: 'd'.repeat(600) });
    assert.equal(read_.clientName.length, 140);
    assert.equal(read_.orgName.length, 140);
    assert.equal(read_.description.length, 500);
  });

  test('unknown roles → dropped (only AISP, PISP, CBPII kept)', () => {
    assert.deepEqual(read({ software_roles: ['ASPSP', 'AISP', 'CBPII', 'aisp'] }).roles, ['AISP', 'CBPII']);
    assert.deepEqual(read({ software_roles: ['ASPSP'] }).roles, []);
  });

  test('a missing, empty, non-string, non-printable or 65-character software_id → invalid_software_statement', () => {
    for (const softwareId of [undefined, '', 42, 'has space', 'é', 's'.repeat(65)]) {
      assert.throws(() => read({ software_id: softwareId }), isRefused('invalid_software_statement', /software_id/), String(softwareId));
    }
  });

  test('a missing or malformed org_id → invalid_software_statement', () => {
    for (const orgId of [undefined, '', 7, 'org 1']) {
      assert.throws(() => read({ org_id: orgId }), isRefused('invalid_software_statement', /org_id/), String(orgId));
    }
  });

  test('no software_redirect_uris, an empty list or non-strings → invalid_software_statement', () => {
    for (const uris of [undefined, [], 'https://budget.example.com/cb', [42]]) {
      assert.throws(
        () => read({ software_redirect_uris: uris }),
        isRefused('invalid_software_statement', /software_redirect_uris/),
        JSON.stringify(uris),
      );
    }
  });

  test('no software_roles or not a list of strings → invalid_software_statement', () => {
    for (const roles of [undefined, 'AISP', [1]]) {
      assert.throws(() => read({ software_roles: roles }), isRefused('invalid_software_statement', /software_roles/), JSON.stringify(roles));
    }
  });

  test('org_status other than Active → unapproved_software_statement; missing or any case of active → accepted', () => {
    for (const status of ['Revoked', 'Withdrawn', 'Suspended', '']) {
      assert.throws(() => read({ org_status: status }), isRefused('unapproved_software_statement', /not Active/), status);
    }
    assert.doesNotThrow(() => read({ org_status: undefined }));
    assert.doesNotThrow(() => read({ org_status: 'ACTIVE' }));
  });

  test('no software_jwks_endpoint → jwksEndpoint null', () => {
    assert.equal(read({ software_jwks_endpoint: undefined }).jwksEndpoint, null);
  });
});

describe('decideRegistration', () => {
  test('nothing asked → every redirect URI and role of the statement, no extra metadata', () => {
    assert.deepEqual(decideRegistration(statement(), {}), { redirectUris: REDIRECTS, roles: ['AISP', 'PISP'], extraMetadata: {} });
  });

  test('a subset of the redirect URIs → exactly those', () => {
    assert.deepEqual(decideRegistration(statement(), { redirect_uris: ['https://budget.example.com/cb2'] }).redirectUris, [
      'https://budget.example.com/cb2',
    ]);
  });

  test('a redirect URI outside the statement → invalid_redirect_uri naming it', () => {
    assert.throws(
      () => decideRegistration(statement(), { redirect_uris: ['https://budget.example.com/cb', 'https://evil.example.com/cb'] }),
      isRefused('invalid_redirect_uri', /evil\.example\.com/),
    );
  });

  test('redirect_uris empty or not a list of strings → invalid_redirect_uri', () => {
    for (const uris of [[], 'https://budget.example.com/cb', [1], null]) {
      assert.throws(() => decideRegistration(statement(), { redirect_uris: uris }), isRefused('invalid_redirect_uri'), JSON.stringify(uris));
    }
  });

  test("a scope among the roles' → only those roles (openid ignored, duplicates merged)", () => {
    assert.deepEqual(decideRegistration(statement(), { scope: 'openid payments  payments' }).roles, ['PISP']);
    assert.deepEqual(decideRegistration(statement(), { scope: 'accounts payments' }).roles, ['AISP', 'PISP']);
  });

  test('a scope beyond the roles → invalid_client_metadata naming it', () => {
    assert.throws(
      () => decideRegistration(statement(), { scope: 'accounts fundsconfirmations' }),
      isRefused('invalid_client_metadata', /fundsconfirmations/),
    );
    assert.throws(() => decideRegistration(statement(), { scope: 'openid admin' }), isRefused('invalid_client_metadata', /admin/));
  });

  test('scope not a string → invalid_client_metadata', () => {
    assert.throws(() => decideRegistration(statement(), { scope: ['accounts'] }), isRefused('invalid_client_metadata'));
  });

  test('a statement with no known role → invalid_client_metadata "grants no scope"', () => {
    assert.throws(() => decideRegistration(statement({ roles: [] }), {}), isRefused('invalid_client_metadata', /grants no scope/));
  });

  test("software_id other than the statement's → invalid_client_metadata; the same → accepted", () => {
    assert.throws(() => decideRegistration(statement(), { software_id: 'OtherSoftware' }), isRefused('invalid_client_metadata', /software_id/));
    assert.doesNotThrow(() => decideRegistration(statement(), { software_id: 'Sw0ftware1d' }));
  });

  test('token_endpoint_auth_signing_alg PS256, ES256 or EdDSA → kept as extra metadata', () => {
    for (const alg of ['PS256', 'ES256', 'EdDSA']) {
      assert.deepEqual(decideRegistration(statement(), { token_endpoint_auth_signing_alg: alg }).extraMetadata, {
        token_endpoint_auth_signing_alg: alg,
      });
    }
  });

  test('token_endpoint_auth_signing_alg RS256, HS256, none or not a string → invalid_client_metadata', () => {
    for (const alg of ['RS256', 'HS256', 'none', 'ps256', 256]) {
      assert.throws(
        () => decideRegistration(statement(), { token_endpoint_auth_signing_alg: alg }),
        isRefused('invalid_client_metadata', /token_endpoint_auth_signing_alg/),
        String(alg),
      );
    }
  });

  test('other metadata asked (auth method, grant types, jwks_uri) → not carried into the decision', () => {
    const decision = decideRegistration(statement(), {
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['implicit'],
      jwks_uri: 'https://evil.example.com/jwks',
      response_types: ['token'],
    });
    assert.deepEqual(decision.extraMetadata, {});
  });
});

describe('softwareStatementClaimsFor', () => {
  const PARTNER: Partner = { id: 'ptn_budget_buddy', name: 'Budget Buddy Ltd', status: 'active', createdAt: NOW };
  const OWN: OwnDirectory = {
    issuer: 'https://bank.example.com/directory',
    softwareJwksEndpoint: (softwareId) => `https://bank.example.com/directory/software/${softwareId}/jwks`,
  };

  function portalApp(overrides: Partial<PartnerApp> = {}): PartnerApp {
    return {
      clientId: 'cli_budget',
      partnerId: PARTNER.id,
      partnerName: PARTNER.name,
      softwareId: 'AbCdEfGhIjKlMnOpQrStUv',
      name: 'Budget Buddy',
      description: 'Budgets',
      roles: ['AISP', 'PISP'] as PartnerRole[],
      environment: 'sandbox',
      status: 'active',
      origin: 'portal',
      clientMetadata: {
        client_id: 'cli_budget',
        client_name: 'Budget Buddy',
        redirect_uris: REDIRECTS,
        scope: 'openid accounts payments',
        jwks: { keys: [] },
      },
      softwareStatement: null,
      registrationTokenHash: null,
      version: 3,
      createdAt: NOW,
      updatedAt: NOW,
      ...overrides,
    };
  }

  test("an active portal app → the directory's claims for it, valid 7 days, with the directory's key URL", () => {
    const claims = softwareStatementClaimsFor(portalApp(), PARTNER, OWN, NOW);
    const { jti, ...rest } = claims;
    assert.match(String(jti), /^[0-9a-f-]{36}$/);
    assert.deepEqual(rest, {
      iss: OWN.issuer,
      iat: NOW_S,
      exp: NOW_S + 7 * 24 * 3600,
      software_id: 'AbCdEfGhIjKlMnOpQrStUv',
      software_client_id: 'cli_budget',
      software_client_name: 'Budget Buddy',
      software_client_description: 'Budgets',
      software_version: '3',
      software_environment: 'sandbox',
      software_mode: 'Test',
      software_redirect_uris: REDIRECTS,
      software_roles: ['AISP', 'PISP'],
      software_jwks_endpoint: 'https://bank.example.com/directory/software/AbCdEfGhIjKlMnOpQrStUv/jwks',
      org_id: PARTNER.id,
      org_name: PARTNER.name,
      org_status: 'Active',
    });
  });

  test('the claims → read back by readSoftwareStatement and fresh', () => {
    const claims = softwareStatementClaimsFor(portalApp(), PARTNER, OWN, NOW);
    assert.doesNotThrow(() => assertFreshSoftwareStatement(claims, NOW));
    const read_ = readSoftwareStatement({ jwt: 'x.y.z', claims }, { issuer: OWN.issuer, own: true });
    assert.equal(read_.softwareId, 'AbCdEfGhIjKlMnOpQrStUv');
    assert.equal(read_.orgId, PARTNER.id);
    assert.deepEqual(read_.roles, ['AISP', 'PISP']);
  });

  test('two statements → distinct jti', () => {
    assert.notEqual(softwareStatementClaimsFor(portalApp(), PARTNER, OWN, NOW).jti, softwareStatementClaimsFor(portalApp(), PARTNER, OWN, NOW).jti);
  });

  test('a live app → software_environment live, software_mode Live', () => {
    const claims = softwareStatementClaimsFor(portalApp({ environment: 'live' }), PARTNER, OWN, NOW);
    assert.equal(claims.software_environment, 'live');
    assert.equal(claims.software_mode, 'Live');
  });

  test('an app keyed by URL → software_jwks_endpoint is its jwks_uri', () => {
    const app = portalApp({
      clientMetadata: {
        client_id: 'cli_budget',
        client_name: 'Budget Buddy',
        redirect_uris: REDIRECTS,
        scope: 'openid accounts',
        jwks_uri: 'https://budget.example.com/jwks.json',
      },
    });
    assert.equal(softwareStatementClaimsFor(app, PARTNER, OWN, NOW).software_jwks_endpoint, 'https://budget.example.com/jwks.json');
  });

  test('a CLI app → claims too', () => {
    assert.equal(softwareStatementClaimsFor(portalApp({ origin: 'cli' }), PARTNER, OWN, NOW).software_client_id, 'cli_budget');
  });

  test('an app registered by DCR → ActionNotAllowed', () => {
    assert.throws(
      () => softwareStatementClaimsFor(portalApp({ origin: 'dcr' }), PARTNER, OWN, NOW),
      (error: unknown) => error instanceof ActionNotAllowed && /software statement/.test(error.message),
    );
  });

  test('a disabled, suspended or deregistered app → ActionNotAllowed naming the status', () => {
    for (const status of ['disabled', 'suspended', 'deregistered'] as const) {
      assert.throws(
        () => softwareStatementClaimsFor(portalApp({ status }), PARTNER, OWN, NOW),
        (error: unknown) => error instanceof ActionNotAllowed && error.message.includes(`is ${status}`),
        status,
      );
    }
  });

  test('a suspended organisation → ActionNotAllowed', () => {
    assert.throws(
      () => softwareStatementClaimsFor(portalApp(), { ...PARTNER, status: 'suspended' }, OWN, NOW),
      (error: unknown) => error instanceof ActionNotAllowed && /suspended/.test(error.message),
    );
  });
});
