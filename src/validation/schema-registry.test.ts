// Proves that the checked-in OBIE schemas compile under Ajv strict mode and that the registry reports the right issues, with OBIE dotted paths, for requests and responses.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Ajv, type AnySchemaObject } from 'ajv';
import { SchemaRegistry } from './schema-registry.js';

const registry = SchemaRegistry.load();

const validConsent = () => ({
  Data: { Permissions: ['ReadAccountsBasic', 'ReadBalances'], ExpirationDateTime: '2030-01-01T00:00:00+00:00' },
  Risk: {},
});

const validConsentResponse = () => ({
  Data: {
    ConsentId: 'aac-123',
    CreationDateTime: '2025-01-31T10:43:07+00:00',
    Status: 'AWAU',
    StatusUpdateDateTime: '2025-01-31T10:43:07Z',
    Permissions: ['ReadAccountsBasic'],
  },
  Risk: {},
  Links: { Self: 'https://api.openteller.dev/open-banking/v4.0/aisp/account-access-consents/aac-123' },
  Meta: {},
});

const validDomesticConsent = () => ({
  Data: {
    Initiation: {
      InstructionIdentification: 'ACME412',
      EndToEndIdentification: 'FRESCO.21302.GFX.20',
      InstructedAmount: { Amount: '165.88', Currency: 'GBP' },
      CreditorAccount: { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '08080021325698', Name: 'ACME Inc' },
    },
  },
  Risk: { PaymentContextCode: 'EcommerceMerchantInitiatedPayment' },
});

describe('SchemaRegistry', () => {
  test('every file in schemas/obie compiles under strict mode on both sides', () => {
    const names = readdirSync(new URL('../../schemas/obie/', import.meta.url)).filter((f) => f.endsWith('.json'));
    assert.ok(names.length >= 12);
    for (const name of names.map((f) => f.replace(/\.json$/, ''))) {
      assert.ok(Array.isArray(registry.validateRequest(name, {})), name);
      assert.ok(Array.isArray(registry.validateResponse(name, {})), name);
    }
  });

  test('every file under schemas/ is valid against its meta-schema (the registry does not check this at start-up)', () => {
    const dir = new URL('../../schemas/', import.meta.url);
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.json'));
    assert.ok(files.length >= 30);
    const checker = new Ajv({ strict: true });
    for (const file of files) {
      const schema = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as AnySchemaObject;
      assert.equal(checker.validateSchema(schema), true, `${file}: ${checker.errorsText(checker.errors)}`);
    }
    assert.equal(checker.validateSchema({ type: 'strnig' }), false, 'the check catches a misspelt type');
  });

  test('a schema can be named by its $id or its short name', () => {
    const id = 'https://openteller.dev/schemas/obie/OBReadConsent1.json';
    assert.deepEqual(registry.validateRequest(id, validConsent()), []);
    assert.deepEqual(registry.validateRequest(id, {}), registry.validateRequest('OBReadConsent1', {}));
  });

  test('an unknown schema name throws', () => {
    assert.throws(() => registry.validateRequest('OBNoSuchThing1', {}), /Unknown schema OBNoSuchThing1/);
  });

  test('a valid OBReadConsent1 passes', () => {
    assert.deepEqual(registry.validateRequest('OBReadConsent1', validConsent()), []);
  });

  test('a valid OBWriteDomesticConsent4 passes', () => {
    assert.deepEqual(registry.validateRequest('OBWriteDomesticConsent4', validDomesticConsent()), []);
  });

  test('OBReadConsent1 without Risk → required at Risk', () => {
    const { Data } = validConsent();
    assert.deepEqual(registry.validateRequest('OBReadConsent1', { Data }), [{ keyword: 'required', path: 'Risk', message: 'Risk is required' }]);
  });

  test('OBReadConsent1 with empty Permissions → minItems at Data.Permissions', () => {
    const body = validConsent();
    body.Data.Permissions = [];
    assert.deepEqual(registry.validateRequest('OBReadConsent1', body), [
      { keyword: 'minItems', path: 'Data.Permissions', message: 'Data.Permissions must have at least 1 item' },
    ]);
  });

  test('OBReadConsent1 with an unknown permission → enum at Data.Permissions[1]', () => {
    const body = validConsent();
    body.Data.Permissions = ['ReadBalances', 'ReadEverything'];
    const [issue, ...rest] = registry.validateRequest('OBReadConsent1', body);
    assert.equal(rest.length, 0);
    assert.equal(issue?.keyword, 'enum');
    assert.equal(issue?.path, 'Data.Permissions[1]');
    assert.match(issue?.message ?? '', /^Data\.Permissions\[1\] must be one of: ReadAccountsBasic, /);
  });

  test('request ExpirationDateTime without timezone is accepted', () => {
    const body = validConsent();
    body.Data.ExpirationDateTime = '2030-01-01T00:00:00';
    assert.deepEqual(registry.validateRequest('OBReadConsent1', body), []);
  });

  test('request ExpirationDateTime that is not a date-time → format at Data.ExpirationDateTime', () => {
    const body = validConsent();
    body.Data.ExpirationDateTime = 'next Tuesday';
    const issues = registry.validateRequest('OBReadConsent1', body);
    assert.deepEqual(
      issues.map(({ keyword, path, format }) => ({ keyword, path, format })),
      [{ keyword: 'format', path: 'Data.ExpirationDateTime', format: 'date-time' }],
    );
  });

  test('response date-time with a timezone is accepted', () => {
    assert.deepEqual(registry.validateResponse('OBReadConsentResponse1', validConsentResponse()), []);
  });

  test('response CreationDateTime without timezone → format at Data.CreationDateTime', () => {
    const body = validConsentResponse();
    body.Data.CreationDateTime = '2025-01-31T10:43:07';
    const issues = registry.validateResponse('OBReadConsentResponse1', body);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.keyword, 'format');
    assert.equal(issues[0]?.path, 'Data.CreationDateTime');
    assert.match(issues[0]?.message ?? '', /^Data\.CreationDateTime must be an RFC 3339 date-time with a timezone/);
  });

  test('OBReadConsent1 with Risk.Foo → additionalProperties at Risk.Foo', () => {
    const body = { ...validConsent(), Risk: { Foo: 'bar' } };
    assert.deepEqual(registry.validateRequest('OBReadConsent1', body), [
      { keyword: 'additionalProperties', path: 'Risk.Foo', message: 'Risk.Foo is not allowed here' },
    ]);
  });

  test('OBWriteDomesticConsent4 reports every issue at its full dotted path', () => {
    const body = validDomesticConsent();
    body.Data.Initiation.InstructedAmount = { Amount: '12.3456789', Currency: 'gbp' };
    const paths = registry.validateRequest('OBWriteDomesticConsent4', body).map((i) => `${i.keyword} ${i.path}`);
    assert.deepEqual(paths.sort(), ['pattern Data.Initiation.InstructedAmount.Amount', 'pattern Data.Initiation.InstructedAmount.Currency']);
  });

  test('a body that is not an object → type at the root with an empty path', () => {
    assert.deepEqual(registry.validateRequest('OBReadConsent1', [1, 2]), [
      { keyword: 'type', path: '', message: 'The request body must be an object' },
    ]);
  });

  test('a valid OBErrorResponse1 passes', () => {
    const body = {
      Id: 'f1d1',
      Code: '400 BadRequest',
      Message: 'Bad request',
      Errors: [{ ErrorCode: 'U004', Message: 'Risk is required', Path: 'Risk' }],
    };
    assert.deepEqual(registry.validateResponse('OBErrorResponse1', body), []);
  });

  test('OBErrorResponse1 with a 5-character ErrorCode → maxLength at Errors[0].ErrorCode', () => {
    const body = { Errors: [{ ErrorCode: 'U0041', Message: 'Risk is required' }] };
    assert.deepEqual(registry.validateResponse('OBErrorResponse1', body), [
      { keyword: 'maxLength', path: 'Errors[0].ErrorCode', message: 'Errors[0].ErrorCode must be at most 4 characters long' },
    ]);
  });
});
