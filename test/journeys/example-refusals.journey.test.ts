// Proves that every example of the partner docs answers a refusal the way a partner needs: it prints the bank's error
// (error and error_description, or the OBIE error body) and what to check, exits non-zero and shows no stack trace;
// and that a run that fails midway leaves nothing confusing behind: the account-information example deletes its
// consent, the payment example says what became of its consent, which ends by itself 10 minutes later.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CustomerBrowser, readForm } from '../support/customer-browser.js';
import { logIn } from '../support/authorise.js';
import { assertRefusal, ExampleProcess, freeLoopbackPort, REPOSITORY_ROOT, runExample } from '../support/example-process.js';
import { PortalClient } from '../support/portal-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ACCOUNTS = 'partner-portal-docs/examples/getting-started.mjs';
const PAYMENT = 'partner-portal-docs/examples/make-a-payment.mjs';
const DCR = 'partner-portal-docs/examples/register-by-dcr.mjs';
const KEYS = 'partner-portal-docs/examples/generate-keys.mjs';

describe('refusals in the examples of the partner docs', () => {
  let server: TestServer;
  let keys: string;
  let otherKeys: string;
  let directory: string;
  /** The app the examples run as, created in the portal: its client id and partner id. */
  let app: { clientId: string; partnerId: string };
  /** The app's redirect URI: a free loopback port, where the examples catch the callback. */
  let callbackUri: string;
  let unregisteredRedirectUri: string;

  /** The status of each consent of the app, by id. */
  async function consentStatuses(): Promise<Map<string, string>> {
    const rows: { id: string; status: string }[] = await server.database.dataSource.query('SELECT id, status FROM consent WHERE client_id = ?', [
      app.clientId,
    ]);
    return new Map(rows.map((row) => [row.id, row.status]));
  }

  function accountsEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { ISSUER: server.issuer, CLIENT_ID: app.clientId, PRIVATE_JWK_FILE: join(keys, 'private-jwk.json'), REDIRECT_URI: callbackUri, ...extra };
  }

  function paymentEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { ...accountsEnv(), PARTNER_ID: app.partnerId, SIGNING_JWK_FILE: join(keys, 'signing-private-jwk.json'), ...extra };
  }

  before(async () => {
    server = await startTestServer();
    directory = mkdtempSync(join(tmpdir(), 'openteller-refusals-'));
    keys = join(directory, 'keys');
    otherKeys = join(directory, 'other-keys');
    await promisify(execFile)(process.execPath, [KEYS, keys], { cwd: REPOSITORY_ROOT });
    await promisify(execFile)(process.execPath, [KEYS, otherKeys], { cwd: REPOSITORY_ROOT });
    callbackUri = `http://127.0.0.1:${await freeLoopbackPort()}/callback`;
    const portal = await PortalClient.signedUp(server, 'Refused Ltd', 'dev@refused.example');
    const created = await portal.submit('/portal/apps/new', '/portal/apps', {
      name: 'Refused App',
      redirect_uris: callbackUri,
      roles: ['AISP', 'PISP'],
      keys_source: 'jwks',
      jwks: readFileSync(join(keys, 'public-jwks.json'), 'utf8'),
    });
    const [, partnerId = '', clientId = ''] = /id="signing-iss">([^/<]+)\/([^<]+)</.exec(created.html) ?? [];
    app = { clientId, partnerId };
    const statement = await portal.browser.request(`/portal/apps/${clientId}/software-statement`);
    assert.equal(statement.status, 200);
    writeFileSync(join(directory, 'ssa.jwt'), await statement.text());
    unregisteredRedirectUri = `http://127.0.0.1:${await freeLoopbackPort()}/not-registered`;
  });
  after(async () => server.close());

  test('getting-started.mjs with a CLIENT_ID the bank does not know → invalid_client and what to check; exit 1, no stack trace', async () => {
    const result = await runExample(ACCOUNTS, accountsEnv({ CLIENT_ID: 'cli_unknown' }));
    assertRefusal(
      result,
      /The bank refused POST http:\/\/127\.0\.0\.1:\d+\/token \(401\)/,
      /invalid_client: client authentication failed/,
      /What to check: CLIENT_ID must be your app's client id/,
    );
  });

  test('getting-started.mjs with a REDIRECT_URI the app has not registered → the redirect_uri error and what to check; its consent is deleted, not left AWAU', async () => {
    const before = await consentStatuses();
    const result = await runExample(ACCOUNTS, accountsEnv({ REDIRECT_URI: unregisteredRedirectUri }));
    assertRefusal(
      result,
      /invalid_request: redirect_uri did not match any of the client's registered redirect_uris/,
      /What to check: Set REDIRECT_URI to one of the app's registered redirect URIs/,
      /Consent aac_\S+ is now CANC: it cannot be used or authorised any more/,
    );
    const created = [...(await consentStatuses())].filter(([id]) => !before.has(id));
    assert.deepEqual(
      created.map(([, status]) => status),
      ['CANC'],
    );
  });

  test('getting-started.mjs with PERMISSIONS the bank refuses → the OBIE error (code, path, message, interaction id) and the setting to check', async () => {
    const result = await runExample(ACCOUNTS, accountsEnv({ PERMISSIONS: 'ReadBalances' }));
    assertRefusal(
      result,
      /The bank refused POST \S+\/open-banking\/v4\.0\/aisp\/account-access-consents \(400\)/,
      /U002 \(Data\.Permissions\): Permissions must include ReadAccountsBasic or ReadAccountsDetail/,
      /x-fapi-interaction-id [0-9a-f-]{36}/,
      /What to check: PERMISSIONS: the message says what is allowed/,
    );
  });

  test('getting-started.mjs, the customer denies → access_denied and what to check; the consent is RJCT, as the example says', async () => {
    const before = await consentStatuses();
    const example = ExampleProcess.node(ACCOUNTS, accountsEnv());
    try {
      const [, url] = await example.waitFor(/^ {2}(http:\/\/\S+\/auth\?\S+)$/m);
      const browser = new CustomerBrowser(server.issuer);
      const page = await logIn(browser, await browser.follow(url ?? '', 'never:'), 'alice', 'alice-sandbox-1');
      const form = readForm(page.html);
      await browser.follow(form.action, 'never:', { form: { ...form.hidden, decision: 'deny', accounts: form.accountIds } });
      assertRefusal(
        await example.finished(),
        /The bank refused the authorization:\n {2}access_denied: The customer denied access/,
        /What to check: The customer did not approve/,
        /Consent aac_\S+ is now RJCT/,
      );
      const created = [...(await consentStatuses())].filter(([id]) => !before.has(id));
      assert.deepEqual(
        created.map(([, status]) => status),
        ['RJCT'],
      );
    } finally {
      example.stop();
    }
  });

  test('make-a-payment.mjs with a CLIENT_ID the bank does not know → invalid_client and what to check', async () => {
    assertRefusal(
      await runExample(PAYMENT, paymentEnv({ CLIENT_ID: 'cli_unknown' })),
      /invalid_client: client authentication failed/,
      /What to check: CLIENT_ID must be/,
    );
  });

  test('make-a-payment.mjs with a REDIRECT_URI the app has not registered → the redirect_uri error; its consent stays AWAU until the 10 minutes it gave the customer, as the example says', async () => {
    const before = await consentStatuses();
    const result = await runExample(PAYMENT, paymentEnv({ REDIRECT_URI: unregisteredRedirectUri }));
    assertRefusal(
      result,
      /invalid_request: redirect_uri did not match/,
      /What to check: Set REDIRECT_URI/,
      /Consent pmc_\S+ is AWAU: nothing can be paid with it unless a customer approves it, and it ends \(RJCT, U036\) at \d{4}-\d\d-\d\dT/,
    );
    const created = [...(await consentStatuses())].filter(([id]) => !before.has(id));
    assert.deepEqual(
      created.map(([, status]) => status),
      ['AWAU'],
    );
    const [{ expires_at: deadline }] = await server.database.dataSource.query('SELECT expires_at FROM consent WHERE id = ?', [created[0]?.[0]]);
    const minutes = (new Date(deadline).getTime() - Date.now()) / 60_000;
    assert.ok(minutes > 8 && minutes <= 10, `the consent ends in ${minutes} minutes`);
  });

  test('make-a-payment.mjs signing as another PARTNER_ID → the OBIE signature error (U016) and the signing settings to check', async () => {
    assertRefusal(
      await runExample(PAYMENT, paymentEnv({ PARTNER_ID: 'ptn_someone_else' })),
      /U016 \(http:\/\/openbanking\.org\.uk\/iss\): The x-jws-signature "http:\/\/openbanking\.org\.uk\/iss" must be/,
      /What to check: SIGNING_JWK_FILE must be the private half of an RSA key registered for the app, and PARTNER_ID and JWS_TRUST_ANCHOR/,
    );
  });

  test('register-by-dcr.mjs with a REDIRECT_URI the statement does not list → the DCR 400 invalid_redirect_uri and what to check; nothing registered', async () => {
    const [before] = await server.database.dataSource.query('SELECT COUNT(*) AS n FROM software');
    const result = await runExample(DCR, {
      ISSUER: server.issuer,
      SSA_FILE: join(directory, 'ssa.jwt'),
      PRIVATE_JWK_FILE: join(keys, 'private-jwk.json'),
      REDIRECT_URI: unregisteredRedirectUri,
    });
    assertRefusal(
      result,
      /The bank refused POST \S+\/register \(400\):\n {2}invalid_redirect_uri: Redirect URI \S+ is not among the software statement's software_redirect_uris/,
      /What to check: REDIRECT_URI must be one of the software statement's software_redirect_uris/,
    );
    const [afterwards] = await server.database.dataSource.query('SELECT COUNT(*) AS n FROM software');
    assert.equal(Number(afterwards.n), Number(before.n));
  });

  test("register-by-dcr.mjs signed with a key that is not the app's → invalid_client_metadata and what to check", async () => {
    assertRefusal(
      await runExample(DCR, {
        ISSUER: server.issuer,
        SSA_FILE: join(directory, 'ssa.jwt'),
        PRIVATE_JWK_FILE: join(otherKeys, 'private-jwk.json'),
        REDIRECT_URI: callbackUri,
      }),
      /invalid_client_metadata: The registration request is not signed by a key of the software in the software statement/,
      /What to check: .*PRIVATE_JWK_FILE, a private key of the app the statement is for/,
    );
  });

  test('an ISSUER where no bank answers, a key file that does not exist, a file that is no statement → what failed and what to check', async () => {
    const closedPort = await freeLoopbackPort();
    assertRefusal(
      await runExample(ACCOUNTS, accountsEnv({ ISSUER: `http://127.0.0.1:${closedPort}` })),
      /Could not reach the bank \(ECONNREFUSED\)/,
      new RegExp(`What to check: Is the bank running at ISSUER \\(http://127\\.0\\.0\\.1:${closedPort}\\)\\?`),
    );
    assertRefusal(
      await runExample(PAYMENT, paymentEnv({ SIGNING_JWK_FILE: join(directory, 'missing.json') })),
      /Cannot read SIGNING_JWK_FILE \S+missing\.json \(ENOENT\)/,
      /What to check: Set SIGNING_JWK_FILE to the path of an existing file/,
    );
    assertRefusal(
      await runExample(DCR, { ISSUER: server.issuer, SSA_FILE: join(keys, 'public-jwks.json'), PRIVATE_JWK_FILE: join(keys, 'private-jwk.json') }),
      /SSA_FILE \S+ holds no software statement/,
      /What to check: Download the software statement/,
    );
  });

  test("an ISSUER that is not the bank's issuer (another host name, a path, no scheme, a trailing slash) → what to check, never a stack trace", async () => {
    const { port } = new URL(server.issuer);
    const issuerHint = /What to check: ISSUER \(.+\) must be the bank's issuer exactly as ISSUER\/\.well-known\/openid-configuration names it/;
    assertRefusal(
      await runExample(ACCOUNTS, accountsEnv({ ISSUER: `http://localhost:${port}` })),
      /discovery document at ISSUER could not be used: discovered metadata issuer does not match the expected issuer/,
      issuerHint,
    );
    assertRefusal(
      await runExample(ACCOUNTS, accountsEnv({ ISSUER: `${server.issuer}/portal` })),
      /discovery document at ISSUER could not be used/,
      issuerHint,
    );
    const schemeless = await runExample(ACCOUNTS, accountsEnv({ ISSUER: `127.0.0.1:${port}` }));
    assert.equal(schemeless.code, 2, schemeless.stderr);
    assert.match(schemeless.stderr, /Set ISSUER to the bank's issuer, an http\(s\) URL/);
    assertRefusal(
      await runExample(ACCOUNTS, accountsEnv({ ISSUER: `${server.issuer}/`, CLIENT_ID: 'cli_unknown' })),
      /invalid_client: client authentication failed/,
    );
  });

  test('generate-keys.mjs into a directory that holds keys → refuses to overwrite them and says what to do', async () => {
    assertRefusal(
      await runExample(KEYS, {}, [keys]),
      /private-jwk\.json already exists: keys are never overwritten/,
      /What to check: Pass another directory/,
    );
  });
});
