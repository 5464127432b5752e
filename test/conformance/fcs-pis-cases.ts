// The OB Functional Conformance Suite v1.9.1 as its PIS test cases send and check requests (`buildTestCase`, the
// assertions of `assertions.json`, `schemaCheck`), shared by the files that port `ob_4.0_payment_fca.json`.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SchemaRegistry } from '../../src/validation/schema-registry.js';
import { ACCOUNTS, PISP, type PaymentPartner, type PisResponse, type SignatureOptions } from '../support/payment-partner.js';

const schemas = SchemaRegistry.load();

/** The suite's configured `x-fapi-financial-id` (any non-empty value). */
export const FINANCIAL_ID = '0015800001041RHAAY';
export const USER_AGENT = 'OpenBankingFCS/v1.9.1';
/** `$instructedAmountValue` / `$instructedAmountCurrency` / `$creditor…` of the suite's configuration: 1.00 GBP to bob. */
export const AMOUNT = { Amount: '1.00', Currency: 'GBP' };
export const CREDITOR = ACCOUNTS.bobCurrent;
/** `OBWriteDomesticResponse5.Data.Status` in the suite's bundled (older) v4.0.0 spec: no `RCVD`. */
export const FCS_PAYMENT_STATUSES = ['PDNG', 'ACTC', 'PATC', 'ACCP', 'ACFC', 'ACSP', 'ACWC', 'ACSC', 'ACWP', 'ACCC', 'BLCK', 'RJCT'];

/** `$fn:instructionIdentificationID()`: a UUID without its dashes, 32 hex characters. */
export function instructionIdentificationId(): string {
  return randomUUID().replace(/-/g, '');
}

/** A case's response, with the x-fapi-interaction-id its request carried. */
export interface CaseResponse extends PisResponse {
  readonly interactionId: string;
}

/** OB3GLOFAPIHeader: the response carries an `x-fapi-interaction-id` (presence only). */
export function assertInteractionIdPresent(response: CaseResponse): void {
  assert.ok(response.headers.get('x-fapi-interaction-id'), 'x-fapi-interaction-id present');
}

/**
 * `schemaCheck` (kin-openapi with IncludeResponseStatus): the status is declared, the content type is a declared
 * one and the body satisfies the operation's schema. (`validateSignature` is checked by the partner client on
 * every response: present, PS256, kid in the AS jwks_uri, crit, iat, iss, tan, valid over the exact bytes.)
 */
export function assertSchema(response: CaseResponse, status: number, schema: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.match(response.headers.get('content-type') ?? '', /^application\/json(; charset=utf-8)?$/);
  assert.deepEqual(schemas.validateResponse(schema, response.body), [], `${schema}: ${JSON.stringify(response.body)}`);
}

/** 400 with one of these codes in `Errors[]` (`Errors.#[ErrorCode="…"]`). */
export function assertErrorCodeOneOf(response: CaseResponse, codes: readonly string[]): void {
  assert.equal(response.status, 400, JSON.stringify(response.body));
  const found = (response.body.Errors as Array<{ ErrorCode: string }>).map((error) => error.ErrorCode);
  assert.ok(
    found.some((code) => codes.includes(code)),
    `expected one of ${codes.join(', ')}, got ${found.join(', ')}`,
  );
}

/** What a POST case sends: its body, and its signature bent as the case says (null: none). */
export interface CaseOptions {
  readonly body?: unknown;
  readonly signature?: SignatureOptions | null;
}

/**
 * Sends one test case as the suite's `buildTestCase` does: its standard headers (x-fapi-financial-id, a fresh
 * x-fapi-interaction-id, x-fapi-customer-ip-address, x-fcs-testcase-id, its User-Agent), and for POSTs
 * Content-Type, a fresh `<case id>-<epoch ms>` idempotency key and the detached JWS of the body.
 */
export async function sendCase(
  partner: PaymentPartner,
  token: string | undefined,
  caseId: string,
  method: 'GET' | 'POST',
  path: string,
  options: CaseOptions = {},
): Promise<CaseResponse> {
  const interactionId = randomUUID();
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    'x-fapi-financial-id': FINANCIAL_ID,
    'x-fapi-interaction-id': interactionId,
    'x-fapi-customer-ip-address': '10.1.1.10',
    'x-fcs-testcase-id': caseId,
  };
  assert.ok(token, `no token for ${caseId}`);
  if (method === 'GET') return { ...(await partner.call(token, 'GET', `${PISP}${path}`, { headers })), interactionId };
  const response = await partner.signedPost(token, `${PISP}${path}`, options.body, {
    idempotencyKey: `${caseId}-${Date.now()}`,
    signature: options.signature,
    headers,
  });
  return { ...response, interactionId };
}
