// Proves that no hostile request gets a 5xx from any resource endpoint and that every error body is a valid official
// OBErrorResponse1 (every success a valid body of its schema, every payment and subscription response signed): each route of
// AISP_ROUTES, PISP_ROUTES (VRP consents included), CBPII_ROUTES and EVENT_ROUTES — read from the tables, so a new route is covered as soon as it is declared — gets odd and huge path
// ids and query parameters, odd headers, and, when it takes a body, hostile bodies (deep nesting, huge strings and bodies,
// unicode with lone surrogates, RTL marks and NUL, wrong types), with valid tokens, signatures and idempotency keys.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { AISP_ROUTES, API_BASE_PATH, CBPII_ROUTES, EVENT_ROUTES, PISP_ROUTES } from '../../src/http/resource-api.js';
import { authoriseFundsConsent, registerFundsPartner } from '../support/funds-partner.js';
import type { RouteDeclaration } from '../../src/http/route.js';
import { customerToken } from '../support/authorise.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { registerPartner } from '../support/partner.js';
import {
  ACCOUNTS,
  consentRequest,
  paymentRequest,
  PISP,
  registerPaymentPartner,
  VRP_CONSENTS,
  vrpConsentRequest,
  type PaymentPartner,
} from '../support/payment-partner.js';
import { internationalConsentRequest } from '../support/international-partner.js';
import { assertResponseSchema } from '../support/response-schemas.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

type Json = null | boolean | number | string | Json[] | { [member: string]: Json };

/** Path ids: huge, percent-encoded oddities (NUL, a lone surrogate's bytes, invalid UTF-8, a bare %), RTL, emoji, injections. */
const HOSTILE_IDS = [
  'a'.repeat(4_100),
  '%00',
  '%ED%A0%80',
  '%FF%FE',
  '%',
  '%zz',
  '%2F',
  '%E2%80%8B',
  encodeURIComponent('\u202Eacc_alice_current'),
  encodeURIComponent('مرحبا'),
  encodeURIComponent('😀'.repeat(40)),
  encodeURIComponent("' OR '1'='1"),
  encodeURIComponent('{"$gt":""}'),
  '__proto__',
  'constructor',
  '-1',
  '1e309',
];

/** Query strings: bad and huge page sizes, dates and cursors, repeated and odd names. */
const HOSTILE_QUERIES = [
  'pageSize=abc',
  `pageSize=${'9'.repeat(400)}`,
  'pageSize=25&pageSize=26',
  `fromBookingDateTime=${'9'.repeat(5_000)}`,
  'fromBookingDateTime=%00',
  'fromBookingDateTime=%ED%A0%80',
  'toBookingDateTime=2026-02-30T25:61:61',
  'fromBookingDateTime=2026-01-01T00:00:00&toBookingDateTime=1970-01-01T00:00:00',
  `cursor=${'x'.repeat(4_000)}`,
  'cursor=%FF',
  'cursor[a]=b',
  `${'k'.repeat(2_000)}=v`,
  '%ED%A0%80=1&a=%',
];

/** Odd headers any endpoint may get. */
const HOSTILE_HEADERS: Array<Record<string, string>> = [
  { 'x-fapi-interaction-id': 'x'.repeat(300) },
  { accept: 'application/xml' },
  { 'x-fapi-customer-ip-address': '\u00ff'.repeat(100) },
];

/** Text that systems stumble over: lone surrogates (as JSON escapes), NUL, RTL overrides, combining marks, emoji, separators. */
const ODD_TEXTS = [
  '\uD800',
  '\uDFFFx',
  'a\u0000b',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  '😀👩‍👩‍👧',
  'e\u0301\u0301\u0301',
  '\uFEFF',
  '\u2028\u2029',
  '\u0085',
];
const WRONG_TYPES: Json[] = [null, 12, true, [], {}, -1e308];
const DEEP = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;

/** Every member of a document, by its path of keys, depth first. */
function memberPaths(document: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (document === null || typeof document !== 'object') return [];
  const members: Array<[string | number, Json]> = Array.isArray(document) ? document.map((item, index) => [index, item]) : Object.entries(document);
  return members.flatMap(([key, value]) => [[...prefix, key], ...memberPaths(value, [...prefix, key])]);
}

/** A copy of `document` with the member at `path` replaced by `value`. */
function replaced(document: Json, path: ReadonlyArray<string | number>, value: Json): Json {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(document)) return document.map((item, index) => (index === head ? replaced(item, rest, value) : item));
  if (document !== null && typeof document === 'object') return { ...document, [head]: replaced(document[head] ?? null, rest, value) };
  return document;
}

/** A copy of `document` with every string (member values and array items) replaced by `value`. */
function replacedStrings(document: Json, value: Json): Json {
  return JSON.parse(JSON.stringify(document, (_key, member: unknown) => (typeof member === 'string' ? value : member))) as Json;
}

/** Hostile bodies built around a valid `sample` of the route's body, each with a label. */
function hostileBodies(sample: Json): Array<[string, string]> {
  const text = JSON.stringify(sample);
  const withMembers = (members: string) => text.replace(/^\{/, `{${members},`);
  const bodies: Array<[string, string]> = [
    ['an empty body', ''],
    ['a body that is not JSON', '{"Data":'],
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"Data"'],
    ['a number too large for a double', '1e309'],
    ['NUL', '\u0000'],
    ['a byte order mark before the body', `\uFEFF${text}`],
    ['duplicate members', withMembers('"Data":{}')],
    ['prototype members', withMembers('"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}')],
    ['20,000 levels at the root', DEEP],
    ['20,000 levels in a member', withMembers(`"Deep":${DEEP}`)],
    ['a body of 200 KB', withMembers(`"Padding":"${'x'.repeat(200_000)}"`)],
    ['5,000 array items', withMembers(`"Items":[${Array.from({ length: 5_000 }, () => '{}').join(',')}]`)],
    ['odd member names', withMembers(`"\\ud800":1,"${'k'.repeat(4_000)}":2,"\\u0000":3,"\\u202e":4`)],
  ];
  for (const value of [...ODD_TEXTS, ...WRONG_TYPES])
    bodies.push([`every string ${JSON.stringify(value)}`, JSON.stringify(replacedStrings(sample, value))]);
  memberPaths(sample).forEach((path, index) => {
    const where = path.join('.');
    const wrongType = WRONG_TYPES[index % WRONG_TYPES.length] ?? null;
    const oddText = ODD_TEXTS[index % ODD_TEXTS.length] ?? '';
    bodies.push([`${where} a string of 20,000 characters`, JSON.stringify(replaced(sample, path, 'Z'.repeat(20_000)))]);
    bodies.push([`${where} nested 20,000 levels`, JSON.stringify(replaced(sample, path, 'DEEP')).replace('"DEEP"', DEEP)]);
    bodies.push([`${where} ${JSON.stringify(wrongType)}`, JSON.stringify(replaced(sample, path, wrongType))]);
    bodies.push([`${where} ${JSON.stringify(oddText)}`, JSON.stringify(replaced(sample, path, oddText))]);
  });
  return bodies;
}

/** A payment body as JSON, with a free-form `SupplementaryData` in its Initiation (where the schema lets anything nest). */
function withFreeFormMembers(request: { Data: { Initiation: object }; Risk: object }): Json {
  const body = JSON.parse(JSON.stringify(request)) as { Data: { Initiation: Record<string, Json> } };
  body.Data.Initiation.SupplementaryData = { Note: 'free form' };
  return body;
}

/** Who calls a route: a partner client (its configuration and DPoP key) and the token the route takes. */
interface Caller {
  readonly config: client.Configuration;
  readonly dpop: client.DPoPHandle;
  readonly token: string;
}

describe('hostile input on every resource endpoint', () => {
  let server: TestServer;
  let payer: PaymentPartner;
  /** The caller of each route, by scope and token kind. */
  const callers = new Map<string, Caller>();
  /** A valid body of each request schema, around which hostile bodies are built. */
  const samples = new Map<string, Json>();
  /** What partners must never see, found by the test running. */
  let failures: string[] = [];
  let requests = 0;

  before(async () => {
    server = await startTestServer();
    const reader = await registerPartner(server, 'Hostile Reader');
    payer = await registerPaymentPartner(server, 'Hostile Payer');
    const { accessToken: readerToken } = await customerToken(
      server,
      reader,
      ['ReadAccountsDetail', 'ReadBalances', 'ReadTransactionsDetail', 'ReadTransactionsCredits', 'ReadTransactionsDebits'],
      {
        username: 'alice',
        password: 'alice-sandbox-1',
        accountIds: ['acc_alice_current'],
      },
    );
    const consent = consentRequest({ amount: '1.00', payee: ACCOUNTS.elsewhere });
    const created = await payer.createConsent(consent);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const consentId = created.body.Data.ConsentId as string;
    const { accessToken: payerToken } = await authorisePayment(server, payer, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    callers.set('accounts client-credentials', { ...reader, token: await reader.clientCredentialsToken() });
    callers.set('accounts authorization-code', { ...reader, token: readerToken });
    callers.set('payments client-credentials', { ...payer, token: await payer.paymentsToken() });
    callers.set('payments authorization-code', { ...payer, token: payerToken });
    const mandate = await payer.signedPost(await payer.paymentsToken(), VRP_CONSENTS, vrpConsentRequest());
    assert.equal(mandate.status, 201, JSON.stringify(mandate.body));
    const mandateId = mandate.body.Data.ConsentId as string;
    const { accessToken: mandateToken } = await authorisePayment(server, payer, mandateId, {
      username: 'alice',
      debtorAccountId: 'acc_alice_current',
    });
    callers.set('payments authorization-code domestic-vrp', { ...payer, token: mandateToken });
    const international = internationalConsentRequest({}, { UnitCurrency: 'GBP', RateType: 'Indicative' });
    const internationalConsent = await payer.signedPost(await payer.paymentsToken(), `${PISP}/international-payment-consents`, international);
    assert.equal(internationalConsent.status, 201, JSON.stringify(internationalConsent.body));
    const internationalId = internationalConsent.body.Data.ConsentId as string;
    const { accessToken: internationalToken } = await authorisePayment(server, payer, internationalId, {
      username: 'alice',
      debtorAccountId: 'acc_alice_current',
    });
    callers.set('payments authorization-code international-payment', { ...payer, token: internationalToken });
    samples.set('OBWriteInternationalConsent5', withFreeFormMembers(international));
    samples.set('OBWriteInternational3', withFreeFormMembers(paymentRequest(internationalId, international)));
    callers.set('accounts,payments,fundsconfirmations client-credentials', { ...payer, token: await payer.paymentsToken() });
    const issuer = await registerFundsPartner(server, 'Hostile Card Issuer');
    const fundsConsentId = await issuer.createFundsConsent();
    const fundsTokens = await authoriseFundsConsent(server, issuer, fundsConsentId);
    callers.set('fundsconfirmations client-credentials', { ...issuer, token: await issuer.clientCredentialsToken() });
    callers.set('fundsconfirmations authorization-code', { ...issuer, token: fundsTokens.access_token });
    samples.set('OBFundsConfirmationConsent1', {
      Data: {
        DebtorAccount: { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030131926819', Name: 'Alice Thompson' },
        ExpirationDateTime: '2099-01-01T00:00:00+00:00',
      },
    });
    samples.set('OBFundsConfirmation1', {
      Data: { ConsentId: fundsConsentId, Reference: 'CARD-AUTH-1', InstructedAmount: { Amount: '1.00', Currency: 'GBP' } },
    });
    samples.set('OBReadConsent1', {
      Data: { Permissions: ['ReadAccountsBasic', 'ReadBalances'], ExpirationDateTime: '2099-01-01T00:00:00+00:00' },
      Risk: {},
    });
    samples.set(
      'OBWriteDomesticConsent4',
      withFreeFormMembers(consentRequest({ amount: '1.00', payee: ACCOUNTS.elsewhere, localInstrument: 'UK.OBIE.FPS' })),
    );
    samples.set('OBWriteDomestic2', withFreeFormMembers(paymentRequest(consentId, consent)));
    samples.set(
      'OBDomesticVRPConsentRequest',
      JSON.parse(JSON.stringify(vrpConsentRequest({ controlParameters: { SupplementaryData: {} } }))) as Json,
    );
    const mandateRequest = vrpConsentRequest();
    samples.set(
      'OBDomesticVRPRequest',
      JSON.parse(
        JSON.stringify({
          Data: {
            ConsentId: mandateId,
            PSUAuthenticationMethod: 'UK.OBIE.SCANotRequired',
            VRPType: 'UK.OBIE.VRPType.Sweeping',
            Initiation: mandateRequest.Data.Initiation,
            Instruction: {
              InstructionIdentification: 'HOSTILE-1',
              EndToEndIdentification: 'E2E',
              InstructedAmount: { Amount: '1.00', Currency: 'GBP' },
              CreditorAccount: mandateRequest.Data.Initiation.CreditorAccount,
            },
          },
          Risk: mandateRequest.Risk,
        }),
      ) as Json,
    );
    samples.set('OBVRPFundsConfirmationRequest', {
      Data: { ConsentId: mandateId, Reference: 'SWEEP', InstructedAmount: { Amount: '1.00', Currency: 'GBP' } },
    });
    const subscription = {
      Version: '4.0',
      CallbackUrl: 'https://partner.example/open-banking/v4.0/event-notifications',
      EventTypes: ['UK.OBIE.Resource-Update'],
    };
    samples.set('OBEventSubscription1', { Data: subscription });
    samples.set('OBEventSubscriptionResponse1', { Data: { EventSubscriptionId: 'evs_unknown', ...subscription } });
    samples.set('OBEventPolling1', {
      maxEvents: 1,
      returnImmediately: true,
      ack: ['evt_a'],
      setErrs: { evt_b: { err: 'invalid_key', description: 'x' } },
    });
  });
  after(async () => server?.close());

  /** Sends one request as `caller` (payment POSTs signed, with a fresh idempotency key) and records what a partner must never see. */
  async function probe(
    route: RouteDeclaration<unknown>,
    family: string,
    label: string,
    path: string,
    body?: string,
    extraHeaders: Record<string, string> = {},
  ) {
    const kind = `${String(route.scope)} ${route.token}${route.consentKind ? ` ${route.consentKind}` : ''}`;
    const caller = callers.get(kind);
    assert.ok(caller, `no token for ${kind}: add one to the test`);
    const headers = new Headers(extraHeaders);
    if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    if (route.idempotent && !headers.has('x-idempotency-key')) headers.set('x-idempotency-key', randomUUID());
    if (route.signedRequest && body !== undefined) headers.set('x-jws-signature', await payer.sign(body));
    const url = new URL(`${API_BASE_PATH}${family}${path}`, server.issuer);
    let response: Response;
    try {
      response = await client.fetchProtectedResource(caller.config, caller.token, url, route.method, body, headers, { DPoP: caller.dpop });
    } catch (error) {
      if (!(error instanceof client.WWWAuthenticateChallengeError)) throw error;
      response = error.response;
    }
    requests += 1;
    const what = `${route.method} ${family}${route.path} with ${label} → ${response.status}`;
    const text = await response.text();
    if (response.status >= 500) failures.push(`${what}: ${text.slice(0, 200)}`);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
      assertResponseSchema(route.method, url.pathname, response.status, parsed);
    } catch (error) {
      failures.push(`${what}: ${String(error).slice(0, 300)}`);
    }
    if ((family === '/pisp' || route.path.startsWith('/event-subscriptions')) && text && !response.headers.get('x-jws-signature')) {
      failures.push(`${what}: not signed`);
    }
  }

  const routes = [
    ...AISP_ROUTES.map((route) => ['/aisp', route] as const),
    ...PISP_ROUTES.map((route) => ['/pisp', route] as const),
    ...CBPII_ROUTES.map((route) => ['/cbpii', route] as const),
    ...EVENT_ROUTES.map((route) => ['', route] as const),
  ] as Array<readonly [string, RouteDeclaration<unknown>]>;

  test('every route × hostile path ids, query parameters and headers → no 5xx, every error an OBErrorResponse1', async () => {
    failures = [];
    for (const [family, route] of routes) {
      const parameters = route.path.match(/:[A-Za-z]+/g) ?? [];
      const withId = (id: string) => parameters.reduce((path, parameter) => path.replace(parameter, id), route.path);
      const body = route.requestSchema ? JSON.stringify(samples.get(route.requestSchema) ?? { Data: {}, Risk: {} }) : undefined;
      for (const id of parameters.length > 0 ? HOSTILE_IDS : []) await probe(route, family, `id ${id.slice(0, 30)}`, withId(id), body);
      for (const query of route.method === 'GET' ? HOSTILE_QUERIES : [])
        await probe(route, family, `?${query.slice(0, 40)}`, `${withId('acc_alice_current')}?${query}`);
      for (const headers of HOSTILE_HEADERS)
        await probe(route, family, JSON.stringify(headers).slice(0, 40), withId('acc_alice_current'), body, headers);
      if (body !== undefined) {
        await probe(route, family, 'text/plain', route.path, body, { 'content-type': 'text/plain' });
        await probe(route, family, 'a 41-character idempotency key', route.path, body, { 'x-idempotency-key': 'k'.repeat(41) });
      }
    }
    assert.deepEqual(failures, []);
  });

  test('every route taking a body × hostile bodies (signed, fresh idempotency keys) → no 5xx, every error an OBErrorResponse1', async () => {
    failures = [];
    requests = 0;
    for (const [family, route] of routes) {
      if (!route.requestSchema) continue;
      for (const [label, body] of hostileBodies(samples.get(route.requestSchema) ?? { Data: {}, Risk: {} }))
        await probe(route, family, label, route.path, body);
    }
    assert.deepEqual(failures, []);
    assert.ok(requests > 150, `${requests} requests sent`);
  });
});
