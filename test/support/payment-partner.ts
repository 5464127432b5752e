import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { base64url, compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { messageSigningIssuer } from '../../src/domain/partners/partner-app.js';
import { OB_IAT, OB_ISS, OB_TAN } from '../../src/http/jws/detached-jws.js';
import { partnerClient, pushIntentAuthorizationRequest, registerTestApp, type AuthorizationStart, type Partner } from './partner.js';
import { assertResponseSchema } from './response-schemas.js';
import type { Bank } from './test-server.js';

export const PISP = '/open-banking/v4.0/pisp';
/** The `kid` of the partner's RSA message-signing key in its registered JWKS. */
export const SIGNING_KID = 'partner-sign-1';
/** The `kid` of the partner's ES256 client-authentication key (private_key_jwt). */
export const CLIENT_AUTH_KID = 'partner-key-1';
const OB_CRIT = [OB_IAT, OB_ISS, OB_TAN];

/** A PIS response: status, headers, the exact body bytes and the parsed body. */
export interface PisResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly raw: Uint8Array;
  readonly body: any;
}

/** How a test bends the request signature: another header, members removed, another key or body, or none at all. */
export interface SignatureOptions {
  /** Protected-header members to set (or override), e.g. `{ kid: 'unknown' }`. */
  readonly header?: Record<string, unknown>;
  /** Protected-header members to leave out, e.g. `[OB_ISS]`. */
  readonly omit?: readonly string[];
  /** Sign these bytes instead of the body sent (a tampered body). */
  readonly signedBody?: string;
  readonly key?: CryptoKey;
}

export interface SignedPostOptions {
  /** The `x-idempotency-key`; a fresh UUID when undefined, no header when null. */
  readonly idempotencyKey?: string | null;
  /** The `x-jws-signature`: the partner's valid signature when undefined, no header when null, this exact value when a string. */
  readonly signature?: string | null | SignatureOptions;
  readonly headers?: Record<string, string>;
}

/** What a response signature of the bank must carry. */
export interface BankSignatureExpectations {
  readonly issuer: string;
  readonly trustAnchor: string;
}

/**
 * A payment institution's backend as a real relying party: openid-client with private_key_jwt (ES256) and DPoP,
 * signing payment requests with its registered PS256 key, and checking the bank's signature on every response.
 */
export interface PaymentPartner {
  readonly clientId: string;
  readonly partnerId: string;
  /** `http://openbanking.org.uk/iss` of its signatures: `{partnerId}/{clientId}`. */
  readonly signingIssuer: string;
  readonly config: client.Configuration;
  readonly dpop: client.DPoPHandle;
  /** The same app as an account-information partner (it holds both roles): to read balances. */
  readonly ais: Partner;
  /** A client-credentials access token with scope `payments`. */
  paymentsToken(): Promise<string>;
  /** Any PIS call (DPoP-bound token); asserts the response is schema-valid and signed by the bank. */
  call(token: string, method: string, path: string, options?: CallOptions): Promise<PisResponse>;
  /** A POST whose exact body bytes are signed as a detached JWS, with an idempotency key (see {@link SignedPostOptions}). */
  signedPost(token: string, path: string, body: unknown, options?: SignedPostOptions): Promise<PisResponse>;
  /** The detached JWS of `body` with the partner's key and identity, bent as `options` says. */
  sign(body: string, options?: SignatureOptions): Promise<string>;
  /** POST /domestic-payment-consents with a fresh client-credentials token. */
  createConsent(request: PaymentConsentRequest, options?: SignedPostOptions): Promise<PisResponse>;
  /** PAR for a payment consent: `scope=openid payments` and the intent claim, PKCE, DPoP. */
  pushAuthorizationRequest(consentId: string): Promise<AuthorizationStart>;
  exchangeCode(callback: URL, start: AuthorizationStart): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers>;
}

/** A consent request: `Data` (with `Initiation`) and `Risk`. */
export interface PaymentConsentRequest {
  readonly Data: { readonly Initiation: Record<string, unknown>; readonly [member: string]: unknown };
  readonly Risk: Record<string, unknown>;
}

/**
 * Registers a partner app with roles AISP and PISP and a JWKS holding its ES256 client-authentication key and
 * its RSA PS256 message-signing key ({@link SIGNING_KID}); returns a payment partner client for it.
 */
export async function registerPaymentPartner(server: Bank, name = 'Pay Pal of Mine'): Promise<PaymentPartner> {
  const authKeys = await generateKeyPair('ES256', { extractable: true });
  const signingKeys = await generateKeyPair('PS256', { modulusLength: 2048, extractable: true });
  const jwks = {
    keys: [
      { ...(await exportJWK(authKeys.publicKey)), kid: CLIENT_AUTH_KID, alg: 'ES256', use: 'sig' },
      { ...(await exportJWK(signingKeys.publicKey)), kid: SIGNING_KID, alg: 'PS256', use: 'sig' },
    ],
  };
  const app = await registerTestApp(server, { name, jwks, roles: ['AISP', 'PISP'] });
  const config = await client.discovery(
    new URL(server.issuer),
    app.clientId,
    {},
    client.PrivateKeyJwt({ key: authKeys.privateKey, kid: CLIENT_AUTH_KID }),
    {
      execute: [client.allowInsecureRequests],
    },
  );
  const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
  const ais = partnerClient(server, app.clientId, config, dpop);
  const signingIssuer = messageSigningIssuer(app);
  const trustAnchor = server.config.payments.trustAnchor;
  const bankKeys = await bankSigningKeys(config);
  const expectations: BankSignatureExpectations = { issuer: server.config.payments.bankOrganisationId, trustAnchor };

  const partner: PaymentPartner = {
    clientId: app.clientId,
    partnerId: app.partnerId,
    signingIssuer,
    config,
    dpop,
    ais,
    async paymentsToken() {
      return (await client.clientCredentialsGrant(config, { scope: 'payments' }, { DPoP: dpop })).access_token;
    },
    async call(token, method, path, options = {}) {
      const headers = new Headers(options.headers);
      if (options.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      let response: Response;
      try {
        response = await client.fetchProtectedResource(config, token, new URL(path, server.issuer), method, options.body, headers, { DPoP: dpop });
      } catch (error) {
        if (error instanceof client.WWWAuthenticateChallengeError) response = error.response;
        else throw error;
      }
      const raw = new Uint8Array(await response.arrayBuffer());
      const text = new TextDecoder().decode(raw);
      const body = text ? JSON.parse(text) : undefined;
      assertResponseSchema(method, path, response.status, body);
      if (response.status === 204) assert.equal(raw.length, 0, `${method} ${path}: 204 without a body, so nothing to sign`);
      else if (options.unsignedResponse) assert.equal(response.headers.get('x-jws-signature'), null, `${method} ${path}: not signed`);
      else await assertBankSignature(response.headers.get('x-jws-signature'), raw, bankKeys, expectations, `${method} ${path} → ${response.status}`);
      return { status: response.status, headers: response.headers, raw, body };
    },
    async sign(body, options = {}) {
      const protectedHeader: Record<string, unknown> = {
        alg: 'PS256',
        kid: SIGNING_KID,
        typ: 'JOSE',
        cty: 'application/json',
        [OB_IAT]: Math.floor(Date.now() / 1000) - 1,
        [OB_ISS]: signingIssuer,
        [OB_TAN]: trustAnchor,
        crit: OB_CRIT,
        ...options.header,
      };
      for (const member of options.omit ?? []) delete protectedHeader[member];
      // Signed by hand (RSASSA-PSS, SHA-256, 32-byte salt = PS256): jose would refuse the deliberately broken headers.
      const encodedHeader = base64url.encode(JSON.stringify(protectedHeader));
      const signingInput = `${encodedHeader}.${base64url.encode(options.signedBody ?? body)}`;
      const signature = base64url.encode(
        new Uint8Array(
          await crypto.subtle.sign(
            { name: 'RSA-PSS', saltLength: 32 },
            options.key ?? signingKeys.privateKey,
            new TextEncoder().encode(signingInput),
          ),
        ),
      );
      return `${encodedHeader}..${signature}`;
    },
    async signedPost(token, path, body, options = {}) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
      if (options.idempotencyKey !== null) headers['x-idempotency-key'] = options.idempotencyKey ?? randomUUID();
      if (typeof options.signature === 'string') headers['x-jws-signature'] = options.signature;
      else if (options.signature !== null) headers['x-jws-signature'] = await partner.sign(text, options.signature);
      return partner.call(token, 'POST', path, { body: text, headers });
    },
    async createConsent(request, options) {
      return partner.signedPost(await partner.paymentsToken(), `${PISP}/domestic-payment-consents`, request, options);
    },
    pushAuthorizationRequest: (consentId) => pushIntentAuthorizationRequest(config, dpop, consentId, 'openid payments'),
    exchangeCode: (callback, start) => ais.exchangeCode(callback, start),
  };
  return partner;
}

/** The bank's public keys, read as a partner would: from the `jwks_uri` of the authorization server's metadata. */
async function bankSigningKeys(config: client.Configuration): Promise<JWK[]> {
  const jwksUri = config.serverMetadata().jwks_uri;
  assert.ok(jwksUri, 'the authorization server publishes a jwks_uri');
  const response = await fetch(jwksUri);
  assert.equal(response.status, 200);
  return ((await response.json()) as { keys: JWK[] }).keys;
}

/**
 * The checks the OB conformance suite applies to a response signature (FCS `validateSignature`), with our trust
 * anchor instead of the OB directory: present; a detached JWS; `alg` PS256; `kid` naming a PS256 key in the
 * bank's JWKS; `typ` JOSE and `cty` json if present; no `b64`; `crit` exactly the three OB claims; `iat` a
 * non-zero NumericDate not in the future; `iss` the bank's organisation id; `tan` our trust anchor; and the
 * signature valid over the exact body bytes received.
 */
export async function assertBankSignature(
  header: string | null,
  body: Uint8Array,
  keys: readonly JWK[],
  expected: BankSignatureExpectations,
  what = 'response',
): Promise<void> {
  assert.ok(header, `${what}: x-jws-signature response header present`);
  const [encodedHeader, payload, signature] = header.split('.');
  assert.equal(header.split('.').length, 3, `${what}: a compact JWS`);
  assert.equal(payload, '', `${what}: the JWS is detached`);
  const protectedHeader = decodeProtectedHeader(header) as Record<string, unknown>;
  assert.equal(protectedHeader.alg, 'PS256', `${what}: alg PS256`);
  assert.equal(typeof protectedHeader.kid, 'string', `${what}: kid present`);
  if ('typ' in protectedHeader) assert.equal(protectedHeader.typ, 'JOSE', `${what}: typ`);
  if ('cty' in protectedHeader) assert.ok(['json', 'application/json'].includes(String(protectedHeader.cty)), `${what}: cty`);
  assert.equal('b64' in protectedHeader, false, `${what}: no b64`);
  assert.deepEqual([...(protectedHeader.crit as string[])].sort(), [...OB_CRIT].sort(), `${what}: crit lists exactly the OB claims`);
  const iat = protectedHeader[OB_IAT];
  assert.ok(typeof iat === 'number' && iat > 0 && iat <= Date.now() / 1000 + 5, `${what}: iat is a NumericDate, not in the future`);
  assert.equal(protectedHeader[OB_ISS], expected.issuer, `${what}: iss is the bank's organisation id`);
  assert.equal(protectedHeader[OB_TAN], expected.trustAnchor, `${what}: tan is the trust anchor`);
  const jwk = keys.find((key) => key.kid === protectedHeader.kid);
  assert.ok(jwk, `${what}: kid ${String(protectedHeader.kid)} is in the bank's JWKS`);
  assert.equal(jwk.kty, 'RSA', `${what}: the bank's signing key is RSA`);
  const key = await importJWK({ kty: 'RSA', n: jwk.n, e: jwk.e }, 'PS256');
  const crit = Object.fromEntries(OB_CRIT.map((name) => [name, true]));
  await assert.doesNotReject(
    compactVerify(`${encodedHeader}.${base64url.encode(body)}.${signature}`, key, { algorithms: ['PS256'], crit }),
    `${what}: the signature verifies over the exact body bytes`,
  );
}

/** Asserts a 4xx refusal with exactly one error of this code (and Path, when given). */
export function assertRefusal(response: PisResponse, status: number, errorCode: string, path?: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  const errors = response.body.Errors as Array<{ ErrorCode: string; Path?: string }>;
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.equal(errors[0]?.ErrorCode, errorCode, JSON.stringify(errors));
  if (path !== undefined) assert.equal(errors[0]?.Path, path, JSON.stringify(errors));
}

/** An account as a payment names it (`CreditorAccount` / `DebtorAccount`). */
export interface NamedAccount {
  readonly SchemeName: string;
  readonly Identification: string;
  readonly Name: string;
}

const SORT_CODE = 'UK.OBIE.SortCodeAccountNumber';

/** Payees and debtors of the sandbox: current accounts at this bank (sort code 990301), and accounts elsewhere. */
export const ACCOUNTS = {
  aliceCurrent: { SchemeName: SORT_CODE, Identification: '99030131926819', Name: 'Alice Thompson' },
  bobCurrent: { SchemeName: SORT_CODE, Identification: '99030141873205', Name: 'Bob Patel' },
  carolCurrent: { SchemeName: SORT_CODE, Identification: '99030152014476', Name: 'Carol Hughes' },
  daveCurrent: { SchemeName: SORT_CODE, Identification: '99030163390158', Name: 'Dave Okafor' },
  /** A payee at another bank, which the sandbox scheme settles. */
  elsewhere: { SchemeName: SORT_CODE, Identification: '40051269871234', Name: 'Foxtons Lettings' },
  /** A payee at another bank whose account the sandbox scheme reports closed (`AC04`). */
  closedElsewhere: { SchemeName: SORT_CODE, Identification: '99039911111111', Name: 'Closed Account Ltd' },
} as const satisfies Record<string, NamedAccount>;

/** A call's body and headers; `unsignedResponse` for the endpoints whose responses the bank does not sign (`POST /events`). */
export interface CallOptions {
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly unsignedResponse?: boolean;
}

/** What a test varies in a domestic payment consent; the rest is a plain Faster Payment. */
export interface ConsentRequestOptions {
  readonly amount: string;
  readonly payee: NamedAccount;
  readonly currency?: string;
  readonly localInstrument?: string;
  readonly debtor?: NamedAccount;
  readonly reference?: string;
  readonly risk?: Record<string, unknown>;
}

/** An `OBWriteDomesticConsent4` body with fresh identifications. */
export function consentRequest(options: ConsentRequestOptions): PaymentConsentRequest {
  const initiation: Record<string, unknown> = {
    InstructionIdentification: randomUUID().replace(/-/g, ''),
    EndToEndIdentification: `e2e-${randomUUID().slice(0, 8)}`,
    ...(options.localInstrument ? { LocalInstrument: options.localInstrument } : {}),
    InstructedAmount: { Amount: options.amount, Currency: options.currency ?? 'GBP' },
    ...(options.debtor ? { DebtorAccount: options.debtor } : {}),
    CreditorAccount: options.payee,
    RemittanceInformation: { Unstructured: [options.reference ?? 'OPENTELLER TEST'] },
  };
  return { Data: { Initiation: initiation }, Risk: options.risk ?? { PaymentContextCode: 'TransferToThirdParty' } };
}

/** The `OBWriteDomestic2` body that repeats a consent exactly, as the spec requires. */
export function paymentRequest(consentId: string, consent: PaymentConsentRequest) {
  return { Data: { ConsentId: consentId, Initiation: structuredClone(consent.Data.Initiation) }, Risk: structuredClone(consent.Risk) };
}

/** Where domestic VRP consents are created. */
export const VRP_CONSENTS = `${PISP}/domestic-vrp-consents`;

/** What a test varies in a domestic VRP consent: members of `ControlParameters` and `Initiation` replaced or added. */
export interface VrpConsentRequestOptions {
  readonly controlParameters?: Record<string, unknown>;
  readonly initiation?: Record<string, unknown>;
  readonly risk?: Record<string, unknown>;
}

/** A day `days` from today as an OBIE date-time at midnight UTC, e.g. `2026-12-07T00:00:00+00:00`. */
export function dayFromToday(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  return `${date.toISOString().slice(0, 10)}T00:00:00+00:00`;
}

/**
 * An `OBDomesticVRPConsentRequest`: by default a sweeping mandate into alice's savings account, up to 10.00 GBP a
 * payment and 50.00 GBP a week (Consent-aligned), valid from today for a year, without SCA per payment.
 */
export function vrpConsentRequest(options: VrpConsentRequestOptions = {}) {
  return {
    Data: {
      ControlParameters: {
        VRPType: ['UK.OBIE.VRPType.Sweeping'],
        PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
        ValidFromDateTime: dayFromToday(0),
        ValidToDateTime: dayFromToday(365),
        MaximumIndividualAmount: { Amount: '10.00', Currency: 'GBP' },
        PeriodicLimits: [{ PeriodType: 'Week', PeriodAlignment: 'Consent', Amount: '50.00', Currency: 'GBP' }],
        ...options.controlParameters,
      },
      Initiation: {
        CreditorAccount: { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030131926827', Name: 'Alice Thompson' },
        RemittanceInformation: { Structured: [{ CreditorReferenceInformation: { Reference: 'SWEEP TO SAVINGS' } }], Unstructured: [] },
        ...options.initiation,
      },
    },
    Risk: options.risk ?? { PaymentContextCode: 'TransferToSelf' },
  };
}
