/**
 * What `npm run bench -- pisp` needs before it can time payments: payers with money, a PISP partner whose keys
 * the bench holds, authorised payment consents in bulk, and the customer access tokens the authorization server
 * would issue for them. See bench/README.md ("pisp": what is skipped and why).
 */
import { constants, createPrivateKey, KeyObject, randomBytes, sign, type JsonWebKey } from 'node:crypto';
import * as client from 'openid-client';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { Account } from '../../src/domain/accounts/account.js';
import { grantReference } from '../../src/domain/consents/account-access-consents.js';
import type { TransferDraft } from '../../src/domain/ledger/ledger.js';
import { registerPartnerApp } from '../../src/domain/partners/app-registration.js';
import { messageSigningIssuer } from '../../src/domain/partners/partner-app.js';
import { externalAccountId } from '../../src/domain/payments/payee.js';
import { OB_IAT, OB_ISS, OB_TAN } from '../../src/http/jws/detached-jws.js';
import { validateClientMetadata } from '../../src/oauth/client-metadata.js';
import { loadKeyMaterial } from '../../src/oauth/key-material.js';
import { ACCESS_TOKEN_TTL_SECONDS, resourceIndicator } from '../../src/oauth/resource-server.js';
import type { Database } from '../../src/persistence/data-source.js';
import type { ConsentAccountRow, ConsentRow } from '../../src/persistence/entities/consent.entity.js';
import { insertAccounts } from '../../src/persistence/stores/account-store.js';
import { TypeOrmLedgerStore } from '../../src/persistence/stores/ledger-store.js';
import { TypeOrmPartnerStore } from '../../src/persistence/stores/partner-store.js';
import { PAYMENT_CONSENT_KIND } from '../../src/persistence/stores/payment-consent-store.js';
import { TypeOrmServerKeyStore } from '../../src/persistence/stores/server-key-store.js';
import { createDpopKey, type DpopKey } from './dpop.js';

export const SORT_CODE_SCHEME = 'UK.OBIE.SortCodeAccountNumber';
/** Our sort code: a payee on it is an account of this bank (internal payment, ACSC at once). */
const OUR_SORT_CODE = '990301';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/**
 * The server settings of the payment benchmarks: risk limits made non-binding for the load (every limit stays in the
 * path: the reads and checks still run), and external payments (BENCH_PISP_EXTERNAL=1) kept ACSP during the bench (no
 * settlement worker traffic).
 */
export const PAYMENT_SERVER_ENV: Readonly<Record<string, string>> = {
  PAYMENT_MAX_AMOUNT: '1000000.00',
  PAYMENT_DAILY_LIMIT: '1000000000.00',
  PAYMENT_CUSTOMER_VELOCITY: '100000000/1',
  PAYMENT_PARTNER_VELOCITY: '100000000/1',
  SETTLEMENT_DELAY_SECONDS: '86400',
};

/** A bench customer and their one current account. */
export interface Payer {
  readonly customerId: string;
  readonly accountId: string;
  readonly identification: string;
  readonly name: string;
}

/**
 * `count` customers (`cus_bench_0001`…), each with one GBP current account on our sort code (`99030166000001`…),
 * funded from the bank's external-funding account by one booked `opening` transfer each (through the ledger
 * store, so balances and entries agree). They never log in: their password hash is a placeholder.
 */
export async function seedPayers(database: Database, count: number, fundingMinor: bigint): Promise<Payer[]> {
  const now = new Date();
  const payers: Payer[] = Array.from({ length: count }, (_, index) => {
    const serial = String(index + 1).padStart(4, '0');
    return {
      customerId: `cus_bench_${serial}`,
      accountId: `acc_bench_${serial}`,
      identification: `${OUR_SORT_CODE}66${String(index + 1).padStart(6, '0')}`,
      name: `Bench Payer ${serial}`,
    };
  });
  const { dataSource } = database;
  const values = payers.map(() => '(?, ?, ?, ?, 0, NULL, ?)').join(', ');
  await dataSource.query(
    `INSERT INTO customer (id, username, display_name, password_hash, failed_login_count, locked_until, created_at) VALUES ${values}`,
    payers.flatMap((payer) => [payer.customerId, payer.customerId.replace('cus_', ''), payer.name, '!bench-no-login', now]),
  );
  const accounts: Account[] = payers.map((payer) => ({
    id: payer.accountId,
    holder: { kind: 'customer', customerId: payer.customerId },
    currency: 'GBP',
    accountType: 'Personal',
    accountSubType: 'CACC',
    nickname: 'Bench current',
    description: 'Everyday current account',
    openingDate: now.toISOString().slice(0, 10),
    status: 'Enabled',
    overdraftLimitMinor: 0n,
    identifications: [{ schemeName: SORT_CODE_SCHEME, identification: payer.identification, name: payer.name, secondaryIdentification: null }],
  }));
  await dataSource.transaction((manager) => insertAccounts(manager, accounts, now));
  const funding = externalAccountId('GBP');
  const transfers: TransferDraft[] = payers.map((payer) => ({
    id: `trf_bench_opening_${payer.accountId}`,
    kind: 'opening',
    currency: 'GBP',
    reference: 'OPENING',
    status: 'BOOK',
    bookedAt: now,
    valueAt: now,
    entries: [
      { accountId: funding, amountMinor: -fundingMinor, information: `Bench opening ${payer.accountId}`, counterparty: null },
      { accountId: payer.accountId, amountMinor: fundingMinor, information: 'ACCOUNT OPENING', counterparty: null },
    ],
  }));
  await new TypeOrmLedgerStore(dataSource).postTransfers(transfers);
  return payers;
}

/** A registered PISP app whose keys the bench holds: client authentication, message signing and DPoP. */
export interface PaymentPartner {
  readonly clientId: string;
  /** `http://openbanking.org.uk/iss` of its request signatures: `{partnerId}/{clientId}`. */
  readonly signingIssuer: string;
  /** The PS256 RSA key registered in the app's JWKS under {@link jwsKid}. */
  readonly jwsKey: KeyObject;
  readonly jwsKid: string;
  readonly dpopKey: DpopKey;
  /** The ES256 key registered under {@link authKid} for `private_key_jwt` client assertions (the token bench mints its own). */
  readonly authKey: KeyObject;
  readonly authKid: string;
  /** RFC 7638 thumbprint of the DPoP key: `cnf.jkt` of its tokens. */
  readonly jkt: string;
  /** A client-credentials access token (scope `payments`) bound to the DPoP key, from the real token endpoint. */
  clientCredentialsToken(): Promise<string>;
}

/** The configuration the bench process uses to read the server's keys and validate client metadata. */
export function benchConfig(issuer: string, databaseUrl: string, databaseName: string): Config {
  return {
    ...loadConfig({ ISSUER: issuer, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }),
    database: { kind: 'mysql' as const, url: databaseUrl, database: databaseName },
  };
}

/**
 * Registers a PISP app (roles PISP) with two keys: ES256 `bench-auth-1` for private_key_jwt at the token
 * endpoint, and RSA PS256 `bench-jws-1` for the detached JWS of payment requests.
 */
export async function registerPaymentPartner(database: Database, config: Config, name: string): Promise<PaymentPartner> {
  const auth = await generateKeyPair('ES256', { extractable: true });
  const jws = await generateKeyPair('PS256', { modulusLength: 2048, extractable: true });
  const jwks = {
    keys: [
      { ...(await exportJWK(auth.publicKey)), kid: 'bench-auth-1', alg: 'ES256', use: 'sig' },
      { ...(await exportJWK(jws.publicKey)), kid: 'bench-jws-1', alg: 'PS256', use: 'sig' },
    ],
  };
  const { dataSource } = database;
  const keys = await loadKeyMaterial(config, new TypeOrmServerKeyStore(dataSource));
  const app = await registerPartnerApp(
    { partners: new TypeOrmPartnerStore(dataSource), validateClientMetadata: validateClientMetadata(config, keys), mode: 'sandbox' },
    null,
    { name, redirectUris: [REDIRECT_URI], keys: { jwks }, roles: ['PISP'], origin: 'cli' },
    new Date(),
  );
  const oauth = await client.discovery(
    new URL(config.issuer),
    app.clientId,
    {},
    client.PrivateKeyJwt({ key: auth.privateKey, kid: 'bench-auth-1' }),
    {
      execute: [client.allowInsecureRequests],
    },
  );
  const dpopKey = await createDpopKey();
  const dpop = client.getDPoPHandle(oauth, dpopKey.keyPair);
  const jwsPrivate = createPrivateKey({ key: (await exportJWK(jws.privateKey)) as JsonWebKey, format: 'jwk' });
  return {
    clientId: app.clientId,
    signingIssuer: messageSigningIssuer(app),
    jwsKey: jwsPrivate,
    jwsKid: 'bench-jws-1',
    dpopKey,
    authKey: KeyObject.from(auth.privateKey),
    authKid: 'bench-auth-1',
    jkt: await calculateJwkThumbprint(dpopKey.publicJwk),
    async clientCredentialsToken() {
      return (await client.clientCredentialsGrant(oauth, { scope: 'payments' }, { DPoP: dpop })).access_token;
    },
  };
}

/** PS256 over `input` with node:crypto (RSASSA-PSS, SHA-256, MGF1 SHA-256, 32-byte salt), base64url. */
function ps256(key: KeyObject, input: string): string {
  return sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }).toString(
    'base64url',
  );
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * Signs request bodies as OB detached JWS (NOTES §10), exactly as a partner would: PS256 with the app's
 * registered key, `kid`, `typ` JOSE, `cty` application/json, `crit` the three OB claims, `iss` the app's
 * signing identity and `tan` our trust anchor. One protected header per `iat` second.
 */
export class DetachedSigner {
  private header = '';
  private headerIat = -1;

  constructor(
    private readonly key: KeyObject,
    private readonly kid: string,
    private readonly issuer: string,
    private readonly trustAnchor: string,
  ) {}

  sign(body: string): string {
    const iat = Math.floor(Date.now() / 1000);
    if (iat !== this.headerIat) {
      this.headerIat = iat;
      this.header = b64({
        alg: 'PS256',
        kid: this.kid,
        typ: 'JOSE',
        cty: 'application/json',
        [OB_IAT]: iat,
        [OB_ISS]: this.issuer,
        [OB_TAN]: this.trustAnchor,
        crit: [OB_IAT, OB_ISS, OB_TAN],
      });
    }
    return `${this.header}..${ps256(this.key, `${this.header}.${b64(body)}`)}`;
  }
}

/**
 * Mints customer access tokens for payment consents exactly as the authorization server issues them after the
 * customer approved (oidc-provider JWT access token + OpenTeller's extra claims): PS256 with the server's signing
 * key from `server_key`, `typ` at+jwt, `iss`, `aud` = the Open Banking resource, `client_id`, `sub` = the
 * customer, `scope` payments, 300 s lifetime, `cnf.jkt` = the partner's DPoP key, `openbanking_intent_id` = the
 * consent and `grant_ref` = grantReference(grant id).
 */
export class AccessTokenMinter {
  private constructor(
    private readonly key: KeyObject,
    private readonly header: string,
    private readonly issuer: string,
    private readonly clientId: string,
    private readonly jkt: string,
  ) {}

  /** Reads the server's PS256 signing key the way the server does (loadKeyMaterial over the `server_key` table). */
  static async forServer(database: Database, config: Config, clientId: string, jkt: string): Promise<AccessTokenMinter> {
    const keys = await loadKeyMaterial(config, new TypeOrmServerKeyStore(database.dataSource));
    const jwk = keys.signingJwks.keys.find((key) => key.alg === 'PS256' && key.d);
    if (!jwk?.kid) throw new Error('the server has no PS256 signing key with a kid');
    const { kid, alg: _alg, use: _use, key_ops: _ops, ...material } = jwk;
    const key = createPrivateKey({ key: material as JsonWebKey, format: 'jwk' });
    return new AccessTokenMinter(key, b64({ alg: 'PS256', typ: 'at+jwt', kid }), config.issuer, clientId, jkt);
  }

  mint(consentId: string, customerId: string, grantId: string): string {
    const iat = Math.floor(Date.now() / 1000);
    const payload = b64({
      jti: randomBytes(21).toString('base64url'),
      sub: customerId,
      iat,
      exp: iat + ACCESS_TOKEN_TTL_SECONDS,
      scope: 'payments',
      client_id: this.clientId,
      iss: this.issuer,
      aud: resourceIndicator(this.issuer),
      cnf: { jkt: this.jkt },
      openbanking_intent_id: consentId,
      grant_ref: grantReference(grantId),
    });
    const input = `${this.header}.${payload}`;
    return `${input}.${ps256(this.key, input)}`;
  }
}

/** One authorised payment consent to insert: the partner's request verbatim, who approved it and from where. */
export interface AuthorisedConsent {
  readonly id: string;
  readonly clientId: string;
  readonly request: { Data: { Initiation: unknown }; Risk: unknown };
  readonly customerId: string;
  readonly debtorAccountId: string;
  readonly grantId: string;
}

const CHUNK = 1_000;

/**
 * Inserts consents directly as `AUTH` — the rows TypeOrmPaymentConsentStore writes on creation (`consent`, kind
 * domestic-payment, `request` = {body, charges}) followed by its `authorise` (customer, grant, `authorised_at`,
 * the debtor account in `consent_account`) — in multi-row INSERTs. No charges: FPS below 1000.00 is free.
 */
export async function insertAuthorisedConsents(database: Database, consents: readonly AuthorisedConsent[]): Promise<void> {
  const now = new Date();
  const authoriseBy = new Date(now.getTime() + 24 * 3600 * 1000);
  await database.dataSource.transaction(async (manager) => {
    for (let start = 0; start < consents.length; start += CHUNK) {
      const slice = consents.slice(start, start + CHUNK);
      const rows: ConsentRow[] = slice.map((consent) => ({
        id: consent.id,
        kind: PAYMENT_CONSENT_KIND,
        clientId: consent.clientId,
        status: 'AUTH',
        statusReasonCode: null,
        statusReasonDescription: null,
        permissions: [],
        expiresAt: authoriseBy,
        transactionFromAt: null,
        transactionToAt: null,
        customerId: consent.customerId,
        grantId: consent.grantId,
        authorisedAt: now,
        createdAt: now,
        statusUpdatedAt: now,
        request: { body: consent.request, charges: [] },
        lastUsedAt: null,
        validFromAt: null,
        deletedAt: null,
      }));
      await manager.getRepository<ConsentRow>('Consent').insert(rows);
      await manager
        .getRepository<ConsentAccountRow>('ConsentAccount')
        .insert(slice.map((consent) => ({ consentId: consent.id, accountId: consent.debtorAccountId })));
    }
  });
}

/** A grant id as oidc-provider would make one: random, unique per consent. */
export function newGrantId(): string {
  return randomBytes(32).toString('base64url');
}

/** An idempotency key: ≤ 40 characters, unique per request. */
export function newIdempotencyKey(): string {
  return `bench-${randomBytes(18).toString('base64url')}`;
}
