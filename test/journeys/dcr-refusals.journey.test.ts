// Proves that Dynamic Client Registration refuses every bad request the way RFC 7591 says — 400 with
// {error, error_description}, never a 500 — and registers nothing when it does, and that RFC 7592 management
// without the right registration access token is 401 invalid_token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CompactSign, type CryptoKey } from 'jose';
import { disableApp } from '../../src/domain/partners/app-lifecycle.js';
import { REDIRECT_URI } from '../support/partner.js';
import {
  callRegistration,
  claimsOf,
  countSoftware,
  externalStatementClaims,
  issueOwnStatement,
  newExternalDirectory,
  newSigningKey,
  ownDirectoryOf,
  registerPortalSoftware,
  registrationRequestClaims,
  signJwt,
  signWithOwnDirectoryKey,
  unsignedJwt,
  writeTrustedDirectoriesFile,
  type ExternalDirectory,
  type PortalSoftware,
  type RegistrationAnswer,
} from '../support/software-statements.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const EXTERNAL_DIRECTORY = 'https://directory.trusted.example';
const DAY_SECONDS = 24 * 3600;

/** `levels` arrays nested in one another, as JSON text (JSON.stringify cannot write 20,000 levels). */
function nested(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

/** A JWT of these claims, given as text, signed with `key`. */
function signClaimsText(key: { alg: string; kid: string; privateKey: CryptoKey | Uint8Array }, claims: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(claims)).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

describe('dynamic client registration refusals', () => {
  let server: TestServer;
  let external: ExternalDirectory;
  let removeTrustedFile: () => void;
  /** AISP-only portal software with one redirect URI, and a fresh own-directory statement for it. */
  let software: PortalSoftware;
  let statement: string;
  /** A client registered by DCR, for the RFC 7592 refusals. */
  let registered: { clientId: string; token: string };

  before(async () => {
    external = await newExternalDirectory(EXTERNAL_DIRECTORY);
    const trusted = writeTrustedDirectoriesFile([{ issuer: EXTERNAL_DIRECTORY, jwks: { keys: [external.key.publicJwk] } }]);
    removeTrustedFile = () => trusted.remove();
    server = await startTestServer({ env: { TRUSTED_DIRECTORIES_FILE: trusted.path } });
    software = await registerPortalSoftware(server, { roles: ['AISP'], redirectUris: [REDIRECT_URI] });
    statement = await issueOwnStatement(server, software.app.clientId);
    const answer = await callRegistration(server, 'POST', { body: { software_statement: statement } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    registered = { clientId: answer.body.client_id, token: answer.body.registration_access_token };
  });
  after(async () => {
    await server?.close();
    removeTrustedFile?.();
  });

  /** Sends the request and checks the RFC 7591 refusal: 400, {error, error_description} only, no-store, nothing registered. */
  async function expectRefusal(send: () => Promise<RegistrationAnswer>, error: string): Promise<RegistrationAnswer> {
    const before = await countSoftware(server);
    const answer = await send();
    assert.equal(answer.status, 400, `expected 400 ${error}, got ${answer.status} ${JSON.stringify(answer.body)}`);
    assert.deepEqual(Object.keys(answer.body).sort(), ['error', 'error_description']);
    assert.equal(answer.body.error, error, answer.body.error_description);
    assert.equal(typeof answer.body.error_description, 'string');
    assert.ok(answer.body.error_description.length > 0);
    assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.equal(await countSoftware(server), before, 'a refused registration registers nothing');
    return answer;
  }

  const postJson =
    (body: unknown, contentType = 'application/json') =>
    () =>
      callRegistration(server, 'POST', { body: typeof body === 'string' ? body : JSON.stringify(body), contentType });
  const postSigned = (jwt: string) => () => callRegistration(server, 'POST', { body: jwt, contentType: 'application/jwt' });
  const requestClaims = (overrides: Record<string, unknown> = {}) => registrationRequestClaims(server, software.app.softwareId, statement, overrides);

  describe('software statements', () => {
    test('POST /register with an unsigned statement (alg none) → 400 invalid_software_statement', async () => {
      await expectRefusal(postJson({ software_statement: unsignedJwt(claimsOf(statement)) }), 'invalid_software_statement');
    });

    test('POST /register with a statement of an unknown directory → 400 unapproved_software_statement', async () => {
      const rogue = await newSigningKey('rogue-directory-1', 'PS256');
      const forged = await signJwt(rogue, { ...claimsOf(statement), iss: 'https://rogue-directory.example' });
      await expectRefusal(postJson({ software_statement: forged }), 'unapproved_software_statement');
    });

    test('POST /register with a statement naming the own directory but signed by another key (its kid or another) → 400 invalid_software_statement', async () => {
      const { key } = await ownDirectoryOf(server);
      for (const kid of [key.kid, 'another-kid']) {
        const impostor = await newSigningKey(kid, 'PS256');
        await expectRefusal(postJson({ software_statement: await signJwt(impostor, claimsOf(statement)) }), 'invalid_software_statement');
      }
    });

    test('POST /register with a statement of the own directory whose signature was tampered with → 400 invalid_software_statement', async () => {
      const [header, , signature] = statement.split('.');
      const payload = Buffer.from(JSON.stringify({ ...claimsOf(statement), software_roles: ['AISP', 'PISP'] })).toString('base64url');
      await expectRefusal(postJson({ software_statement: `${header}.${payload}.${signature}` }), 'invalid_software_statement');
    });

    test('POST /register with an expired statement (exp in the past) → 400 invalid_software_statement', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = await signWithOwnDirectoryKey(server, { ...claimsOf(statement), iat: now - 2 * 3600, exp: now - 3600 });
      await expectRefusal(postJson({ software_statement: expired }), 'invalid_software_statement');
    });

    test('POST /register with a statement issued 8 days ago (exp still ahead, or absent) → 400 invalid_software_statement', async () => {
      const now = Math.floor(Date.now() / 1000);
      for (const exp of [now + DAY_SECONDS, undefined]) {
        const claims: Record<string, unknown> = { ...claimsOf(statement), iat: now - 8 * DAY_SECONDS, exp };
        if (exp === undefined) delete claims.exp;
        const stale = await signWithOwnDirectoryKey(server, claims);
        await expectRefusal(postJson({ software_statement: stale }), 'invalid_software_statement');
      }
    });

    test('POST /register with a statement issued in the future → 400 invalid_software_statement', async () => {
      const now = Math.floor(Date.now() / 1000);
      const early = await signWithOwnDirectoryKey(server, { ...claimsOf(statement), iat: now + 3600, exp: now + 2 * 3600 });
      await expectRefusal(postJson({ software_statement: early }), 'invalid_software_statement');
    });

    test('POST /register with a statement of a trusted directory for an organisation with org_status Revoked → 400 unapproved_software_statement', async () => {
      const revoked = await external.sign(
        externalStatementClaims('RevokedSoftware1', 'revoked-org-1', {
          org_status: 'Revoked',
          software_jwks_endpoint: 'https://keys.revoked.example/jwks',
        }),
      );
      await expectRefusal(postJson({ software_statement: revoked }), 'unapproved_software_statement');
    });

    test('POST /register as JSON with a valid statement of another trusted directory → 400 invalid_client_metadata: such statements need the signed form (proof of the key)', async () => {
      const copied = await external.sign(
        externalStatementClaims('CopiedSoftware1', 'copied-org-1', { software_jwks_endpoint: 'https://keys.copied.example/jwks' }),
      );
      await expectRefusal(postJson({ software_statement: copied }), 'invalid_client_metadata');
    });

    test('POST /register with a statement of a trusted directory without software_jwks_endpoint → 400 invalid_software_statement', async () => {
      const keyless = await external.sign(externalStatementClaims('KeylessSoftware1', 'keyless-org-1'));
      await expectRefusal(postJson({ software_statement: keyless }), 'invalid_software_statement');
    });

    test('POST /register with the statement of a portal app its partner has since disabled (JSON or signed JWT) → 400 unapproved_software_statement', async () => {
      const disabled = await registerPortalSoftware(server, { name: 'Switched Off', roles: ['AISP'] });
      const disabledStatement = await issueOwnStatement(server, disabled.app.clientId);
      await disableApp(server.instance.partners, disabled.app.partnerId, disabled.app.clientId, new Date());
      await expectRefusal(postJson({ software_statement: disabledStatement }), 'unapproved_software_statement');
      const signed = await signJwt(disabled.key, registrationRequestClaims(server, disabled.app.softwareId, disabledStatement));
      await expectRefusal(postSigned(signed), 'unapproved_software_statement');
    });
  });

  describe('client metadata', () => {
    test('POST /register with a redirect URI outside the statement → 400 invalid_redirect_uri', async () => {
      await expectRefusal(
        postJson({ software_statement: statement, redirect_uris: [REDIRECT_URI, 'https://evil.example/callback'] }),
        'invalid_redirect_uri',
      );
      await expectRefusal(postJson({ software_statement: statement, redirect_uris: [] }), 'invalid_redirect_uri');
    });

    test('POST /register with a scope outside the statement roles → 400 invalid_client_metadata', async () => {
      await expectRefusal(postJson({ software_statement: statement, scope: 'openid accounts payments' }), 'invalid_client_metadata');
      await expectRefusal(postJson({ software_statement: statement, scope: 'openid fundsconfirmations' }), 'invalid_client_metadata');
    });

    test('POST /register with a software_id other than the statement’s → 400 invalid_client_metadata', async () => {
      await expectRefusal(postJson({ software_statement: statement, software_id: 'SomeOtherSoftware' }), 'invalid_client_metadata');
    });
  });

  describe('signed registration requests (OB DCR)', () => {
    test('POST /register with a request JWT signed by a key that is not the software’s → 400 invalid_client_metadata', async () => {
      const foreign = await newSigningKey(software.key.kid);
      await expectRefusal(postSigned(await signJwt(foreign, requestClaims())), 'invalid_client_metadata');
    });

    test('POST /register with a request JWT whose iss is not the software_id → 400 invalid_client_metadata', async () => {
      await expectRefusal(postSigned(await signJwt(software.key, requestClaims({ iss: 'SomebodyElse' }))), 'invalid_client_metadata');
    });

    test('POST /register with a request JWT for another audience → 400 invalid_client_metadata', async () => {
      await expectRefusal(postSigned(await signJwt(software.key, requestClaims({ aud: 'https://another-bank.example' }))), 'invalid_client_metadata');
    });

    test('POST /register with a request JWT without jti → 400 invalid_client_metadata', async () => {
      await expectRefusal(postSigned(await signJwt(software.key, requestClaims({ jti: undefined }))), 'invalid_client_metadata');
    });

    test('POST /register with a request JWT living more than an hour (exp − iat) → 400 invalid_client_metadata', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefusal(postSigned(await signJwt(software.key, requestClaims({ iat: now, exp: now + 3600 + 120 }))), 'invalid_client_metadata');
    });

    test('POST /register with a request JWT issued in the future (iat a day ahead, exp an hour later) → 400 invalid_client_metadata', async () => {
      const later = Math.floor(Date.now() / 1000) + DAY_SECONDS;
      await expectRefusal(postSigned(await signJwt(software.key, requestClaims({ iat: later, exp: later + 600 }))), 'invalid_client_metadata');
    });

    test('POST /register with an expired request JWT → 400 invalid_client_metadata', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefusal(postSigned(await signJwt(software.key, requestClaims({ iat: now - 900, exp: now - 600 }))), 'invalid_client_metadata');
    });

    test('POST /register replaying a request JWT (same jti) → the first 201, the replay 400 invalid_client_metadata', async () => {
      const request = await signJwt(software.key, requestClaims());
      const first = await postSigned(request)();
      assert.equal(first.status, 201, JSON.stringify(first.body));
      await expectRefusal(postSigned(request), 'invalid_client_metadata');
    });

    test('POST /register with a request JWT whose statement is unsigned → 400 invalid_software_statement', async () => {
      await expectRefusal(
        postSigned(await signJwt(software.key, requestClaims({ software_statement: unsignedJwt(claimsOf(statement)) }))),
        'invalid_software_statement',
      );
    });
  });

  describe('malformed requests', () => {
    test('POST /register without software_statement → 400 invalid_software_statement', async () => {
      await expectRefusal(postJson({ redirect_uris: [REDIRECT_URI], scope: 'openid accounts' }), 'invalid_software_statement');
      await expectRefusal(postJson({ software_statement: 42 }), 'invalid_software_statement');
    });

    test('POST /register with a body that is not JSON, or not a JSON object → 400 invalid_client_metadata', async () => {
      await expectRefusal(postJson('{"software_statement": '), 'invalid_client_metadata');
      await expectRefusal(postJson('[1, 2, 3]'), 'invalid_client_metadata');
      await expectRefusal(postJson('null'), 'invalid_client_metadata');
    });

    test('POST /register with a JWT body that is not a JWT → 400 invalid_client_metadata', async () => {
      await expectRefusal(postSigned('not-a-jwt'), 'invalid_client_metadata');
      await expectRefusal(postSigned(''), 'invalid_client_metadata');
    });

    test('POST /register as text/plain, or without a Content-Type → 400 invalid_client_metadata', async () => {
      const request = await signJwt(software.key, requestClaims());
      await expectRefusal(postJson(request, 'text/plain'), 'invalid_client_metadata');
      await expectRefusal(
        postJson(JSON.stringify({ software_statement: statement }), 'application/x-www-form-urlencoded'),
        'invalid_client_metadata',
      );
      await expectRefusal(async () => {
        const response = await fetch(`${server.issuer}/register`, {
          method: 'POST',
          body: new Uint8Array(Buffer.from(JSON.stringify({ software_statement: statement }))),
        });
        return { status: response.status, headers: response.headers, body: await response.json() };
      }, 'invalid_client_metadata');
    });

    test('POST /register (JSON) whose metadata nests 20,000 levels → 400 invalid_client_metadata naming where it passes 32 levels', async () => {
      const answer = await expectRefusal(
        postJson(`{"software_statement":"${statement}","client_name":${nested(20_000)}}`),
        'invalid_client_metadata',
      );
      assert.match(answer.body.error_description, /more than 32 levels deep \(at client_name(\[0\]){31}\)$/);
    });

    test('PUT /register/{client_id} (JSON) whose metadata nests 20,000 levels → 400 invalid_client_metadata', async () => {
      const body = `{"client_id":"${registered.clientId}","redirect_uris":${nested(20_000)}}`;
      await expectRefusal(
        () => callRegistration(server, 'PUT', { clientId: registered.clientId, token: registered.token, body, contentType: 'application/json' }),
        'invalid_client_metadata',
      );
    });

    test('POST /register with a request JWT, signed by the software, whose claims nest 20,000 levels → 400 invalid_client_metadata', async () => {
      const claims = JSON.stringify(requestClaims()).replace(/}$/, `,"client_name":${nested(20_000)}}`);
      await expectRefusal(postSigned(await signClaimsText(software.key, claims)), 'invalid_client_metadata');
    });

    test('POST /register with a statement whose claims nest 20,000 levels (its iss, or another claim) → 400 invalid_software_statement, not 500', async () => {
      const { key } = await ownDirectoryOf(server);
      const directoryKey = { alg: key.alg, kid: key.kid, privateKey: key.key };
      for (const claims of [
        `{"iss":${nested(20_000)}}`,
        JSON.stringify(claimsOf(statement)).replace(/}$/, `,"software_logo_uri":${nested(20_000)}}`),
      ]) {
        await expectRefusal(postJson({ software_statement: await signClaimsText(directoryKey, claims) }), 'invalid_software_statement');
      }
    });

    test('POST /register with a 70 KB body (JSON or JWT) → 400 invalid_client_metadata', async () => {
      const padding = 'x'.repeat(70 * 1024);
      await expectRefusal(postJson({ software_statement: statement, client_name: padding }), 'invalid_client_metadata');
      await expectRefusal(postSigned(`${padding}.${padding}.${padding}`), 'invalid_client_metadata');
    });
  });

  describe('RFC 7592 management without the right token', () => {
    const methods = ['GET', 'PUT', 'DELETE'] as const;

    function assertInvalidToken(answer: RegistrationAnswer, what: string): void {
      assert.equal(answer.status, 401, `${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error, 'invalid_token', what);
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/, what);
      assert.equal(answer.headers.get('cache-control'), 'no-store', what);
    }

    const body = () => ({ client_id: registered.clientId, software_statement: statement, redirect_uris: [REDIRECT_URI] });
    /** The token with its last character changed (to another one: a token ending in "A" must not stay the same). */
    const altered = (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

    for (const method of methods) {
      test(`${method} /register/{client_id} without a token, with a Basic or malformed Authorization → 401 invalid_token`, async () => {
        const options = method === 'PUT' ? { body: body() } : {};
        assertInvalidToken(await callRegistration(server, method, { clientId: registered.clientId, ...options }), 'no token');
        for (const authorization of [`Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer', `Bearer ${registered.token} extra`]) {
          const response = await fetch(`${server.issuer}/register/${registered.clientId}`, {
            method,
            headers: { authorization, ...(method === 'PUT' ? { 'content-type': 'application/json' } : {}) },
            ...(method === 'PUT' ? { body: JSON.stringify(body()) } : {}),
          });
          const answer = { status: response.status, headers: response.headers, body: await response.json() };
          assertInvalidToken(answer, authorization);
        }
      });

      test(`${method} /register/{client_id} with a wrong token → 401 invalid_token`, async () => {
        const options = method === 'PUT' ? { body: body() } : {};
        assertInvalidToken(
          await callRegistration(server, method, { clientId: registered.clientId, token: 'wrong-token', ...options }),
          'wrong token',
        );
        assertInvalidToken(
          await callRegistration(server, method, { clientId: registered.clientId, token: altered(registered.token), ...options }),
          'altered token',
        );
      });

      test(`${method} /register/{client_id} for an unknown client or a portal app, even with a live token → 401 invalid_token`, async () => {
        const options = method === 'PUT' ? { body: body() } : {};
        assertInvalidToken(
          await callRegistration(server, method, { clientId: 'cli_unknown', token: registered.token, ...options }),
          'unknown client',
        );
        assertInvalidToken(
          await callRegistration(server, method, { clientId: software.app.clientId, token: registered.token, ...options }),
          'portal app',
        );
      });
    }

    test('after every refused attempt the client is intact and its token still works (GET → 200)', async () => {
      const rows = await server.database.dataSource.query<Array<{ status: string }>>('SELECT status FROM software WHERE client_id = ?', [
        registered.clientId,
      ]);
      assert.equal(rows[0]?.status, 'active');
      const read = await callRegistration(server, 'GET', { clientId: registered.clientId, token: registered.token });
      assert.equal(read.status, 200, JSON.stringify(read.body));
      assert.equal(read.body.client_id, registered.clientId);
      registered = { ...registered, token: read.body.registration_access_token };
    });

    test('two GETs at once with the same registration token → exactly one 200 (the token is spent once), the other 401', async () => {
      const answers = await Promise.all(
        [0, 1].map(() => callRegistration(server, 'GET', { clientId: registered.clientId, token: registered.token })),
      );
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 401]);
      const winner = answers.find((answer) => answer.status === 200) as RegistrationAnswer;
      const next = await callRegistration(server, 'GET', { clientId: registered.clientId, token: winner.body.registration_access_token });
      assert.equal(next.status, 200, 'the token the winner got is the live one');
    });
  });
});
