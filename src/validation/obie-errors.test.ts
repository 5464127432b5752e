// Proves that schema issues become the OBIE error codes, paths and plain-English messages of NOTES §14, and that the result is itself a valid OBErrorResponse1.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { obieErrorForUnparseableBody, toObieErrors } from './obie-errors.js';
import { SchemaRegistry, type SchemaIssue } from './schema-registry.js';

const registry = SchemaRegistry.load();

const consent = (data: Record<string, unknown>, risk?: unknown) => ({
  Data: { Permissions: ['ReadAccountsBasic'], ...data },
  ...(risk === undefined ? {} : { Risk: risk }),
});

describe('toObieErrors', () => {
  test('OBReadConsent1 without Risk → U004 at Risk', () => {
    assert.deepEqual(toObieErrors(registry.validateRequest('OBReadConsent1', consent({}))), [
      { ErrorCode: 'U004', Message: 'Risk is required', Path: 'Risk' },
    ]);
  });

  test('OBWriteDomesticConsent4 without InstructedAmount → U004 at Data.Initiation.InstructedAmount', () => {
    const body = { Data: { Initiation: { InstructionIdentification: 'a', EndToEndIdentification: 'b' } }, Risk: {} };
    const errors = toObieErrors(registry.validateRequest('OBWriteDomesticConsent4', body));
    assert.deepEqual(
      errors.find((e) => e.Path === 'Data.Initiation.InstructedAmount'),
      {
        ErrorCode: 'U004',
        Message: 'Data.Initiation.InstructedAmount is required',
        Path: 'Data.Initiation.InstructedAmount',
      },
    );
  });

  test('OBReadConsent1 with empty Permissions → U002 at Data.Permissions', () => {
    assert.deepEqual(toObieErrors(registry.validateRequest('OBReadConsent1', consent({ Permissions: [] }, {}))), [
      { ErrorCode: 'U002', Message: 'Data.Permissions must have at least 1 item', Path: 'Data.Permissions' },
    ]);
  });

  test('OBReadConsent1 with an unknown permission → U002 at Data.Permissions[0]', () => {
    const [error, ...rest] = toObieErrors(registry.validateRequest('OBReadConsent1', consent({ Permissions: ['ReadAll'] }, {})));
    assert.equal(rest.length, 0);
    assert.equal(error?.ErrorCode, 'U002');
    assert.equal(error?.Path, 'Data.Permissions[0]');
    assert.match(error?.Message ?? '', /^Data\.Permissions\[0\] must be one of: .*ReadTransactionsDetail$/);
  });

  test('OBReadConsent1 with Risk.Foo → U002 at Risk.Foo', () => {
    assert.deepEqual(toObieErrors(registry.validateRequest('OBReadConsent1', consent({}, { Foo: 1 }))), [
      { ErrorCode: 'U002', Message: 'Risk.Foo is not allowed here', Path: 'Risk.Foo' },
    ]);
  });

  test('OBReadConsent1 with a malformed ExpirationDateTime → U003 at Data.ExpirationDateTime', () => {
    const errors = toObieErrors(registry.validateRequest('OBReadConsent1', consent({ ExpirationDateTime: '31/01/2030' }, {})));
    assert.deepEqual(
      errors.map(({ ErrorCode, Path }) => ({ ErrorCode, Path })),
      [{ ErrorCode: 'U003', Path: 'Data.ExpirationDateTime' }],
    );
  });

  test('a non-date format failure → U002', () => {
    const issue: SchemaIssue = { keyword: 'format', path: 'Links.Self', message: 'Links.Self must be an absolute URI', format: 'uri' };
    assert.equal(toObieErrors([issue])[0]?.ErrorCode, 'U002');
  });

  test('a body that is not an object → U010 without Path', () => {
    assert.deepEqual(toObieErrors(registry.validateRequest('OBReadConsent1', 'hello')), [
      { ErrorCode: 'U010', Message: 'The request body must be an object' },
    ]);
  });

  test('identical issues are reported once', () => {
    const issue: SchemaIssue = { keyword: 'required', path: 'Risk', message: 'Risk is required' };
    assert.equal(toObieErrors([issue, { ...issue }]).length, 1);
  });

  test('a message quoting a 600-character field → the quote cut to 128 characters with an ellipsis, the sentence kept; the path cut to 500', () => {
    const path = `Risk.${'X'.repeat(600)}`;
    const [error] = toObieErrors([{ keyword: 'additionalProperties', path, message: `${path} is not allowed here` }]);
    assert.equal(error?.Message, `${path.slice(0, 127)}… is not allowed here`);
    assert.equal(error?.Path, `${path.slice(0, 499)}…`);
  });

  test('a message of many words longer than 500 characters → cut to 500, ending in an ellipsis', () => {
    const [error] = toObieErrors([{ keyword: 'enum', path: 'Risk', message: 'word '.repeat(200) }]);
    assert.equal(error?.Message.length, 500);
    assert.ok(error?.Message.endsWith('…'));
  });

  test('a cut that would split an emoji (a surrogate pair) → the emoji left out whole', () => {
    const path = `${'X'.repeat(498)}😀tail`;
    const [error] = toObieErrors([{ keyword: 'additionalProperties', path, message: 'x' }]);
    assert.equal(error?.Path, `${'X'.repeat(498)}…`);
  });

  test('the errors form a valid OBErrorResponse1', () => {
    const body = { Data: { Permissions: [], Foo: 1, ExpirationDateTime: 'soon' }, Risk: { Bar: 2 } };
    const errors = toObieErrors(registry.validateRequest('OBReadConsent1', body));
    assert.ok(errors.length >= 3);
    assert.deepEqual(registry.validateResponse('OBErrorResponse1', { Errors: errors }), []);
  });
});

describe('obieErrorForUnparseableBody', () => {
  test('unparseable body → U010 without Path', () => {
    const error = obieErrorForUnparseableBody();
    assert.deepEqual(error, { ErrorCode: 'U010', Message: 'Request body is not valid JSON' });
    assert.deepEqual(registry.validateResponse('OBErrorResponse1', { Errors: [error] }), []);
  });
});
