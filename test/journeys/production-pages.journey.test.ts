// Proves what changes for the portal and the connected-apps pages in production mode, behind the TLS proxy: every
// cookie they set is Secure (as well as HttpOnly and SameSite), pages carry HSTS, and the sandbox mailbox does not
// exist.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { createOpenTeller, type OpenTeller } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { hashPassword } from '../../src/domain/auth/password-hash.js';
import { createLogger } from '../../src/logging/logger.js';
import { migrateDatabase, openDatabase, type Database } from '../../src/persistence/data-source.js';
import { csrfOf } from '../support/portal-client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('portal and connected apps in production mode', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let openTeller: OpenTeller;

  before(async () => {
    const { privateKey } = await generateKeyPair('PS256', { modulusLength: 2048, extractable: true });
    const keysFile = join(tmpdir(), `openteller-production-keys-${process.pid}.json`);
    writeFileSync(keysFile, JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'production-ps256-1', alg: 'PS256' }] }));
    testDatabase = await createTestDatabase();
    const config = loadConfig({
      OPENTELLER_MODE: 'production',
      ISSUER: 'https://bank.example',
      TRUST_PROXY: 'true',
      SIGNING_KEYS_FILE: keysFile,
      COOKIE_SECRETS: 'a-production-cookie-secret-of-enough-length',
      DATABASE_URL: 'sqlite::memory:',
      LOG_LEVEL: 'silent',
    });
    database = await openDatabase(testDatabase.config);
    await migrateDatabase(database);
    await database.dataSource.getRepository('Customer').insert({
      id: 'cus_prod',
      username: 'paula',
      displayName: 'Paula Prod',
      passwordHash: await hashPassword('paula-password-1'),
      failedLoginCount: 0,
      lockedUntil: null,
      environment: 'live',
      createdAt: new Date(),
    });
    openTeller = await createOpenTeller({ ...config, database: testDatabase.config }, database, createLogger('silent'));
  });
  after(async () => {
    await database?.dataSource.destroy();
    await testDatabase?.drop();
  });

  /**
   * A browser behind the TLS proxy: requests carry the proxy's headers, and the cookies are kept here (a cookie jar
   * would not send Secure cookies over the test's plain HTTP).
   */
  function browserViaProxy() {
    const http = request(openTeller.app.callback());
    const cookies = new Map<string, string>();
    const keep = (response: request.Response) => {
      for (const cookie of (response.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
        const [pair] = cookie.split(';');
        const [name, value] = (pair as string).split('=') as [string, string];
        cookies.set(name, value);
      }
      return response;
    };
    const send = (test: request.Test) =>
      test
        .set('X-Forwarded-Proto', 'https')
        .set('Host', 'bank.example')
        .set('Cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    return {
      get: async (path: string) => keep(await send(http.get(path))),
      post: async (path: string, form: Record<string, string>) => keep(await send(http.post(path)).type('form').send(form)),
    };
  }

  function assertStrictCookie(cookie: string | undefined, name: string, path: string): void {
    assert.ok(cookie, `${name} is set`);
    assert.match(cookie, /; secure/);
    assert.match(cookie, /; httponly/);
    assert.match(cookie, /; samesite=lax/);
    assert.match(cookie, new RegExp(`; path=${path.replace('/', '\\/')}`));
  }

  test('partner sign-up over the proxy → the form cookie and the session cookie are Secure, HttpOnly, SameSite=Lax; pages send HSTS', async () => {
    const browser = browserViaProxy();
    const form = await browser.get('/portal/signup');
    assert.equal(form.status, 200);
    assert.match(form.headers['strict-transport-security'] ?? '', /max-age=31536000/);
    assertStrictCookie(
      (form.headers['set-cookie'] as unknown as string[]).find((cookie) => cookie.startsWith('ot_csrf=')),
      'ot_csrf',
      '/portal',
    );
    const signUp = await browser.post('/portal/signup', {
      csrf: csrfOf(form.text, '/portal/signup'),
      organisationName: 'Prod Partner',
      email: 'ops@prod.example',
      password: 'a long production password',
    });
    assert.equal(signUp.status, 303, signUp.text.slice(0, 300));
    assertStrictCookie(
      (signUp.headers['set-cookie'] as unknown as string[]).find((cookie) => cookie.startsWith('ot_portal=')),
      'ot_portal',
      '/portal',
    );
  });

  test('the sandbox mailbox → 404 in production', async () => {
    const browser = browserViaProxy();
    const form = await browser.get('/portal/signup');
    await browser.post('/portal/signup', {
      csrf: csrfOf(form.text, '/portal/signup'),
      organisationName: 'Mail Seeker',
      email: 'mail@prod.example',
      password: 'a long production password',
    });
    assert.match((await browser.get('/portal')).text, /Your apps/);
    const mailbox = await browser.get('/portal/mailbox');
    assert.equal(mailbox.status, 404);
    assert.doesNotMatch(mailbox.text, /Sandbox mailbox<\/a>/);
  });

  test('a customer logs in to connected apps over the proxy → the session cookie is Secure, HttpOnly, SameSite=Lax, path /account', async () => {
    const browser = browserViaProxy();
    const form = await browser.get('/account');
    const login = await browser.post('/account/login', {
      csrf: csrfOf(form.text, '/account/login'),
      username: 'paula',
      password: 'paula-password-1',
    });
    assert.equal(login.status, 303);
    assertStrictCookie(
      (login.headers['set-cookie'] as unknown as string[]).find((cookie) => cookie.startsWith('ot_account=')),
      'ot_account',
      '/account',
    );
    const page = await browser.get('/account');
    assert.match(page.text, /Paula Prod/);
  });
});
