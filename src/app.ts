import { readFileSync } from 'node:fs';
import Koa, { type Context, type Next } from 'koa';
import mount from 'koa-mount';
import type Provider from 'oidc-provider';
import type { Config } from './config/config.js';
import { pageCursors } from './domain/accounts/page-cursor.js';
import { API_BASE_PATH, createResourceApi } from './http/resource-api.js';
import { assignInteractionId } from './http/middleware/interaction-id.js';
import { logRequests } from './http/middleware/log-requests.js';
import { createInteractionRoutes } from './interaction/interaction-routes.js';
import { securityHeaders } from './interaction/security-headers.js';
import type { Logger } from './logging/logger.js';
import { createGrantRevoker } from './oauth/grant-revoker.js';
import { derivedSecret, loadKeyMaterial, messageSigningKey, publicJwks } from './oauth/key-material.js';
import { signingIdentities } from './oauth/signing-identities.js';
import { intents } from './domain/consents/intents.js';
import { TypeOrmIdempotencyStore } from './persistence/stores/idempotency-store.js';
import { TypeOrmPartnerStore } from './persistence/stores/partner-store.js';
import { TypeOrmPaymentConsentStore } from './persistence/stores/payment-consent-store.js';
import { TypeOrmPaymentStore } from './persistence/stores/payment-store.js';
import { createProvider } from './oauth/provider.js';
import { resourceIndicator } from './oauth/resource-server.js';
import type { Database } from './persistence/data-source.js';
import { createOidcAdapter } from './persistence/oidc-adapter.js';
import { TypeOrmAccountStore } from './persistence/stores/account-store.js';
import { TypeOrmConsentStore } from './persistence/stores/consent-store.js';
import { TypeOrmCustomerStore } from './persistence/stores/customer-store.js';
import { ReplayGuardStore } from './persistence/stores/replay-guard-store.js';
import { SqlLedgerReader } from './persistence/stores/ledger-reader.js';
import { ServerKeyStore } from './persistence/stores/server-key-store.js';
import { SchemaRegistry } from './validation/schema-registry.js';

/** One running OpenTeller: the Koa application and what it was built from. */
export interface OpenTeller {
  readonly app: Koa;
  readonly provider: Provider;
}

const STYLESHEET = readFileSync(new URL('./interaction/assets/app.css', import.meta.url), 'utf8');

/**
 * The composition root: the only place that knows every layer. Builds stores over the (migrated) database,
 * the authorization server, the customer pages and the resource API, and wires them into one Koa app.
 */
export async function createOpenTeller(config: Config, database: Database, logger: Logger): Promise<OpenTeller> {
  const { dataSource } = database;
  const consents = new TypeOrmConsentStore(dataSource);
  const customers = new TypeOrmCustomerStore(dataSource);
  const accounts = new TypeOrmAccountStore(dataSource);
  const replayGuard = new ReplayGuardStore(dataSource, database.dialect);
  const ledger = new SqlLedgerReader(dataSource, database.dialect);
  const keys = await loadKeyMaterial(config, new ServerKeyStore(dataSource));
  const paymentConsents = new TypeOrmPaymentConsentStore(dataSource);
  const payments = new TypeOrmPaymentStore(dataSource, database.dialect);
  const provider = createProvider({
    issuer: config.issuer,
    adapter: createOidcAdapter(dataSource),
    keys,
    logger,
    intents: intents(consents, paymentConsents),
    customers,
  });
  const bankSigningKey = await messageSigningKey(keys);

  const app = new Koa();
  app.keys = keys.cookieSecrets;
  app.proxy = config.trustProxy;
  app.silent = true;
  app.use(assignInteractionId());
  app.use(logRequests(logger));
  app.use(securityHeaders({ https: config.issuer.startsWith('https:') }));
  app.use(async function serveStylesheet(ctx: Context, next: Next) {
    if (ctx.path !== '/assets/app.css') return next();
    ctx.type = 'text/css';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = STYLESHEET;
  });
  app.use(async function health(ctx: Context, next: Next) {
    if (ctx.path !== '/health') return next();
    await dataSource.query('SELECT 1');
    ctx.body = { status: 'ok' };
  });
  app.use(
    createResourceApi({
      logger,
      schemas: SchemaRegistry.load(),
      tokens: {
        issuer: config.issuer,
        audience: resourceIndicator(config.issuer),
        jwks: publicJwks(keys),
        rememberProofOnce: (key, expiresAt) => replayGuard.rememberOnce('rs-dpop', key, expiresAt),
      },
      aisp: {
        issuer: config.issuer,
        consents,
        grants: createGrantRevoker(provider),
        accounts,
        balances: ledger,
        transactions: ledger,
        cursors: pageCursors(derivedSecret(keys, 'page-cursor')),
      },
      pisp: {
        issuer: config.issuer,
        consents: paymentConsents,
        idempotency: new TypeOrmIdempotencyStore(dataSource),
        payments,
        funds: payments,
        accounts,
        fees: config.payments.fees,
        risk: config.payments.risk,
        settlementDelayMs: config.payments.settlementDelayMs,
      },
      signing: {
        signer: { ...bankSigningKey, issuer: config.payments.bankOrganisationId, trustAnchor: config.payments.trustAnchor },
        identities: signingIdentities(provider, new TypeOrmPartnerStore(dataSource)),
        trustAnchor: config.payments.trustAnchor,
      },
    }),
  );
  app.use(
    createInteractionRoutes({
      provider,
      consents,
      customers,
      accounts,
      cookieSecret: keys.cookieSecrets[0] ?? '',
      logger,
      payments: {
        provider,
        paymentConsents,
        payments,
        accounts,
        customers,
        risk: config.payments.risk,
        stepUpSecret: derivedSecret(keys, 'step-up-code'),
        showCodeOnPage: config.mode === 'sandbox',
        reserveCodeAttempt: (consentId, attempt, until) => replayGuard.rememberOnce('step-up', `${consentId}:${attempt}`, until),
      },
    }),
  );
  app.use(mount(provider));
  app.on('error', (error: unknown) => logger.error({ err: error }, 'unhandled HTTP error'));
  logger.debug({ api: `${config.issuer}${API_BASE_PATH}` }, 'OpenTeller assembled');
  return { app, provider };
}
