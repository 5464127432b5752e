// Proves the account-access-consents resource as a partner sees it: creation rules (permission sets, dates),
// ownership (another partner's consent → 403, unknown → 400 U011), the header and body rules of the API
// (406, 415, U006, U010, U004, 404, 405), and that every error is a schema-valid OBErrorResponse1 carrying
// the interaction id.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API, registerPartner, type Partner, type ApiResponse } from '../../../test/support/partner.js';
import { startTestServer, type TestServer } from '../../../test/support/test-server.js';
import { SchemaRegistry } from '../../validation/schema-registry.js';

const schemas = SchemaRegistry.load();
const CONSENTS = `${API}/account-access-consents`;

describe('account-access-consents', () => {
  let server: TestServer;
  let partner: Partner;
  let token: string;

  before(async () => {
    server = await startTestServer();
    partner = await registerPartner(server);
    token = await partner.clientCredentialsToken();
  });
  after(async () => server.close());

  function assertError(response: ApiResponse, status: number, errorCode: string, path?: string) {
    assert.equal(response.status, status, JSON.stringify(response.body));
    assert.deepEqual(schemas.validateResponse('OBErrorResponse1', response.body), []);
    assert.ok(
      response.body.Errors.some(
        (error: { ErrorCode: string; Path?: string }) => error.ErrorCode === errorCode && (path === undefined || error.Path === path),
      ),
      JSON.stringify(response.body),
    );
    assert.equal(response.body.Id, response.headers.get('x-fapi-interaction-id'));
  }

  test('POST without Risk → 201 (OBIE examples omit the empty Risk)', async () => {
    const response = await partner.call(token, 'POST', CONSENTS, { Data: { Permissions: ['ReadAccountsBasic'] } });
    assert.equal(response.status, 201);
    assert.deepEqual(schemas.validateResponse('OBReadConsentResponse1', response.body), []);
  });

  test('POST with an ExpirationDateTime without zone → 201, read as UTC and returned with a zone', async () => {
    const response = await partner.call(token, 'POST', CONSENTS, {
      Data: { Permissions: ['ReadAccountsBasic'], ExpirationDateTime: '2099-05-01T10:00:00' },
      Risk: {},
    });
    assert.equal(response.status, 201);
    assert.equal(response.body.Data.ExpirationDateTime, '2099-05-01T10:00:00.000Z');
  });

  test('POST with no accounts permission → 400 U002 at Data.Permissions', async () => {
    assertError(await partner.call(token, 'POST', CONSENTS, { Data: { Permissions: ['ReadBalances'] }, Risk: {} }), 400, 'U002', 'Data.Permissions');
  });

  test('POST with ReadTransactionsBasic but no Credits/Debits → 400 U002 at Data.Permissions', async () => {
    const body = { Data: { Permissions: ['ReadAccountsBasic', 'ReadTransactionsBasic'] }, Risk: {} };
    assertError(await partner.call(token, 'POST', CONSENTS, body), 400, 'U002', 'Data.Permissions');
  });

  test('POST with an unknown permission → 400 U002', async () => {
    assertError(await partner.call(token, 'POST', CONSENTS, { Data: { Permissions: ['ReadEverything'] }, Risk: {} }), 400, 'U002');
  });

  test('POST without Permissions → 400 U004 at Data.Permissions', async () => {
    assertError(await partner.call(token, 'POST', CONSENTS, { Data: {}, Risk: {} }), 400, 'U004', 'Data.Permissions');
  });

  test('POST with an ExpirationDateTime in the past → 400 U003', async () => {
    const body = { Data: { Permissions: ['ReadAccountsBasic'], ExpirationDateTime: '2020-01-01T00:00:00Z' }, Risk: {} };
    assertError(await partner.call(token, 'POST', CONSENTS, body), 400, 'U003', 'Data.ExpirationDateTime');
  });

  test('POST with TransactionToDateTime before TransactionFromDateTime → 400 U003', async () => {
    const body = {
      Data: { Permissions: ['ReadAccountsBasic'], TransactionFromDateTime: '2026-02-01T00:00:00Z', TransactionToDateTime: '2026-01-01T00:00:00Z' },
      Risk: {},
    };
    assertError(await partner.call(token, 'POST', CONSENTS, body), 400, 'U003', 'Data.TransactionToDateTime');
  });

  test('POST with a body that is not JSON → 400 U010', async () => {
    const response = await partner.call(token, 'POST', CONSENTS, undefined, { 'content-type': 'application/json' });
    assertError(response, 400, 'U010');
  });

  test('POST with Content-Type text/plain → 415', async () => {
    const response = await partner.call(
      token,
      'POST',
      CONSENTS,
      { Data: { Permissions: ['ReadAccountsBasic'] }, Risk: {} },
      { 'content-type': 'text/plain' },
    );
    assertError(response, 415, 'U006', 'Content-Type');
  });

  test('GET with Accept: application/xml → 406', async () => {
    const id = await partner.createConsent(['ReadAccountsBasic']);
    assertError(await partner.call(token, 'GET', `${CONSENTS}/${id}`, undefined, { accept: 'application/xml' }), 406, 'U006', 'Accept');
  });

  test('GET with a malformed x-fapi-interaction-id → 400 U006 and a fresh interaction id', async () => {
    const id = await partner.createConsent(['ReadAccountsBasic']);
    const response = await partner.call(token, 'GET', `${CONSENTS}/${id}`, undefined, { 'x-fapi-interaction-id': 'not-a-uuid' });
    assertError(response, 400, 'U006', 'x-fapi-interaction-id');
    assert.notEqual(response.headers.get('x-fapi-interaction-id'), 'not-a-uuid');
  });

  test('GET an unknown ConsentId → 400 U011', async () => {
    assertError(await partner.call(token, 'GET', `${CONSENTS}/aac_doesnotexist`), 400, 'U011');
  });

  test("GET another partner's consent → 403, and DELETE of it → 403 with the consent untouched", async () => {
    const other = await registerPartner(server, 'Other App');
    const foreign = await other.createConsent(['ReadAccountsBasic']);
    assertError(await partner.call(token, 'GET', `${CONSENTS}/${foreign}`), 403, 'U011');
    assertError(await partner.call(token, 'DELETE', `${CONSENTS}/${foreign}`), 403, 'U011');
    const still = await other.call(await other.clientCredentialsToken(), 'GET', `${CONSENTS}/${foreign}`);
    assert.equal(still.body.Data.Status, 'AWAU');
  });

  test('DELETE an AWAU consent → 204 and CANC; DELETE again → 204, still CANC', async () => {
    const id = await partner.createConsent(['ReadAccountsBasic']);
    assert.equal((await partner.call(token, 'DELETE', `${CONSENTS}/${id}`)).status, 204);
    assert.equal((await partner.call(token, 'DELETE', `${CONSENTS}/${id}`)).status, 204);
    assert.equal((await partner.call(token, 'GET', `${CONSENTS}/${id}`)).body.Data.Status, 'CANC');
  });

  test('an unknown path → 404 OBIE error with an interaction id; PUT on a consent → 405', async () => {
    assertError(await partner.call(token, 'GET', `${API}/foobar`), 404, 'U011');
    const id = await partner.createConsent(['ReadAccountsBasic']);
    const response = await partner.call(token, 'PUT', `${CONSENTS}/${id}`, { Data: {} });
    assertError(response, 405, 'U011');
    assert.match(response.headers.get('allow') ?? '', /GET/);
  });

  test('POST without an access token → 401 U007 with a DPoP challenge', async () => {
    const response = await fetch(`${server.issuer}${CONSENTS}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const body = await response.json();
    assertError({ status: response.status, headers: response.headers, body }, 401, 'U007', 'Authorization');
    assert.match(response.headers.get('www-authenticate') ?? '', /^DPoP /);
  });
});
