import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Koa from 'koa';
import mount from 'koa-mount';
import type Provider from 'oidc-provider';
import type { Config } from './config/config.js';
import { pageCursors } from './domain/accounts/page-cursor.js';
import { endConsentsOfApp } from './domain/consents/app-consents.js';
import { intents } from './domain/consents/intents.js';
import { loadDirectorySigningKey } from './directory/directory-key.js';
import { directoryEndpoints } from './directory/directory-routes.js';
import { createOwnDirectory } from './directory/own-directory.js';
import { createStatementVerifier } from './directory/statement-verifier.js';
import { ApiCallRecorder } from './http/api-call-recorder.js';
import { assignInteractionId } from './http/middleware/interaction-id.js';
import { logRequests } from './http/middleware/log-requests.js';
import { API_BASE_PATH, createResourceApi } from './http/resource-api.js';
import { createInteractionRoutes } from './interaction/interaction-routes.js';
import { securityHeaders } from './web/security-headers.js';
import { serveStylesheet } from './web/stylesheet.js';
import { logUnhandledHttpError, type Logger } from './logging/logger.js';
import { validateClientMetadata } from './oauth/client-metadata.js';
import { createGrantRevoker } from './oauth/grant-revoker.js';
import { derivedSecret, loadKeyMaterial, messageSigningKey, publicJwks } from './oauth/key-material.js';
import { answerOutagesAsUnavailable } from './oauth/outage-answer.js';
import { createProvider } from './oauth/provider.js';
import { guardedFetch } from './oauth/guarded-fetch.js';
import { RemoteKeySets } from './oauth/remote-key-sets.js';
import { resourceIndicator } from './oauth/resource-server.js';
import { signingIdentities } from './oauth/signing-identities.js';
import { healthEndpoints } from './operator/health.js';
import type { Database } from './persistence/data-source.js';
import { checkDatabaseReadiness } from './persistence/database-readiness.js';
import { isDatabaseUnavailable } from './persistence/database-unavailable.js';
import { createOidcAdapter } from './persistence/oidc-adapter.js';
import { TypeOrmAccountStore } from './persistence/stores/account-store.js';
import { SqlApiCallLog } from './persistence/stores/api-call-log.js';
import { SqlConnectionStore } from './persistence/stores/connection-store.js';
import { TypeOrmConsentStore } from './persistence/stores/consent-store.js';
import { SqlConsentSummaryStore } from './persistence/stores/consent-summary-store.js';
import { TypeOrmCustomerStore } from './persistence/stores/customer-store.js';
import { TypeOrmIdempotencyStore } from './persistence/stores/idempotency-store.js';
import { SqlConsentedAccountReader } from './persistence/stores/consented-account-reader.js';
import { SqlLedgerReader } from './persistence/stores/ledger-reader.js';
import { TypeOrmMailOutbox } from './persistence/stores/mail-outbox.js';
import { SqlAppChangeMarks } from './persistence/stores/app-change-sql.js';
import { TypeOrmPartnerStore } from './persistence/stores/partner-store.js';
import { TypeOrmPartnerUserStore } from './persistence/stores/partner-user-store.js';
import { TypeOrmPaymentConsentStore } from './persistence/stores/payment-consent-store.js';
import { TypeOrmPaymentStore } from './persistence/stores/payment-store.js';
import { TypeOrmVrpConsentStore } from './persistence/stores/vrp-consent-store.js';
import { TypeOrmFundsConfirmationHistory } from './persistence/stores/funds-confirmation-history-store.js';
import { TypeOrmFundsConfirmationConsentStore } from './persistence/stores/funds-confirmation-consent-store.js';
import { ReplayGuardStore } from './persistence/stores/replay-guard-store.js';
import { TypeOrmServerKeyStore } from './persistence/stores/server-key-store.js';
import { TypeOrmWebSessionStore } from './persistence/stores/web-session-store.js';
import { createCustomerAccountRoutes } from './portal/customer-account-routes.js';
import { createPartnerPortalRoutes } from './portal/partner-portal-routes.js';
import { sessionCookies } from './portal/session-cookies.js';
import { createRegistrationRoutes, REGISTRATION_PATH } from './registration/registration-routes.js';
import { SchemaRegistry } from './validation/schema-registry.js';
import { eventSealer } from './events/event-sealer.js';
import { EventStreamHub } from './events/event-stream-hub.js';
import { eventStreamUpgrade } from './http/events/event-stream-upgrade.js';
import { accessTokenChecker, type TokenVerifierOptions } from './http/middleware/require-access-token.js';
import { SqlEventStreamStore } from './persistence/stores/event-stream-store.js';
import { EventOutboxWriter } from './persistence/stores/event-outbox-writer.js';
import { TypeOrmEventPollingStore } from './persistence/stores/event-polling-store.js';
import { TypeOrmEventSubscriptionStore } from './persistence/stores/event-subscription-store.js';
import { SqlAppEventHistory } from './persistence/stores/app-event-history-store.js';
import { SqlTestEventStore } from './persistence/stores/test-event-store.js';
import { TypeOrmTestClockStore } from './persistence/stores/test-clock-store.js';
import { settleDuePayments } from './domain/payments/settlement.js';
import { FX_CONTRACT_SECRET_PURPOSE, fxContractVerifier } from './domain/payments/international/fx-contracts.js';
import { runDueScheduledPayments, type SchedulerRun, type SchedulerServices } from './domain/payments/scheduled/run-due-payments.js';
import { expireDueConsents } from './domain/consents/account-access-consents.js';
import { expireDueVrpConsents } from './domain/payments/vrp/vrp-consents.js';
import { expireDueFundsConfirmationConsents } from './domain/funds-confirmations/funds-confirmation-consents.js';
import { deliverDueEvents, type DeliveryRun, type EventPushWorker } from './domain/events/deliver-due-events.js';
import { EventPushPipeline } from './domain/events/event-push-pipeline.js';
import { DEFAULT_PUSH_RETRY_POLICY, type PushRetryPolicy } from './domain/events/push-retry-policy.js';
import { DEFAULT_PUSH_TIMEOUTS, eventPushSender, type PushTimeouts } from './events/event-push-sender.js';
import { startEventPushing, type RunningEventPush } from './events/event-push-worker.js';
import { SqlEventPushStore } from './persistence/stores/event-push-store.js';
import { sandboxSchemeAnswer } from './domain/payments/payee.js';
import { ReplayStoreUnavailable } from './domain/replay-store.js';
import { openReplayStore } from './fast-store/open-replay-store.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { countOAuthOutcomes } from './metrics/provider-metrics.js';
import { requestMetrics } from './metrics/request-metrics.js';

/** One running OpenTeller: the Koa application and what it was built from. */
export interface OpenTeller {
  readonly app: Koa;
  readonly provider: Provider;
  /** The API call log's writer: flush it before the database closes. */
  readonly calls: ApiCallRecorder;
  /** Writes event notifications in the caller's transaction (the stores use it; so do the sandbox's test events). */
  readonly outbox: EventOutboxWriter;
  /** Background work, each run claimed row by row so that any number of processes may run it (`main.ts` schedules it). */
  readonly jobs: BackgroundJobs;
  /** Answers upgrade requests (the live event stream): attach it to the http server's `upgrade` event. */
  readonly handleUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Closes every live event stream (1001, going away) and stops watching for events: call before the server closes. */
  readonly closeEventStreams: () => void;
  /** Closes the connection to the shared replay store (Redis), if any: call at shutdown, once requests are done. */
  readonly closeReplayStore: () => Promise<void>;
  /**
   * The bank's partners and apps, as the portal, the operator console and DCR change them: every change moves the app
   * change mark where this process's client cache reads it (the database, and Redis when configured).
   */
  readonly partners: TypeOrmPartnerStore;
  /** The metrics of this OpenTeller (`main.ts` serves them on `METRICS_PORT`). */
  readonly metrics: Metrics;
}

/** What the background workers run. */
export interface BackgroundJobs {
  /** Settles or rejects the payments to other banks whose settlement time has come (the sandbox payment scheme). */
  settlePayments(now: Date): Promise<{ settled: number; rejected: number }>;
  /** Runs the scheduled payments due at `now`, each exactly once whatever the number of processes (a batch per run). */
  runScheduledPayments(now: Date): Promise<SchedulerRun>;
  /**
   * Expires the account-access consents whose expiry and the VRP consents whose `ValidToDateTime` has passed (partners
   * hear of it); returns how many it looked at.
   */
  expireConsents(now: Date): Promise<number>;
  /**
   * One run to completion: pushes the event notifications due at `now` to the apps' callback URLs (up to
   * `config.events.push.concurrency` at once, `concurrencyPerApp` of one app) and records the results; a run that
   * claimed that many leaves more due. For one-off runs and tests that step a clock; `serve` runs
   * {@link startEventPushing} instead.
   */
  deliverEvents(now: Date): Promise<DeliveryRun>;
  /**
   * Starts this process's push pipeline: claims due events as slots free (every {@link EVENT_PUSH_INTERVAL_MS}, and at
   * once when pushes finish), pushes them, and records their results in batches; stop it before the database closes.
   */
  startEventPushing(): RunningEventPush;
  /**
   * Numbers the events left unnumbered by a process that died between their commit and their numbering (any process
   * numbers its own as they commit); returns how many apps had such events.
   */
  sequenceStragglingEvents(): Promise<number>;
}

/** What tests may change about an OpenTeller beyond its configuration (the defaults are what the bank publishes). */
export interface OpenTellerOptions {
  readonly eventPush?: { readonly policy?: PushRetryPolicy; readonly timeouts?: PushTimeouts };
}

/** How often a serving process looks for due events when nothing else wakes its push pipeline. */
export const EVENT_PUSH_INTERVAL_MS = 200;

/**
 * Pushes reuse their connections to a callback's origin, closing one unused for this long: shorter than the 5 s after
 * which common servers (Node's among them) close an idle connection, so a push rarely picks one the receiver is closing.
 */
const PUSH_KEEP_ALIVE_MS = 4_000;

/**
 * A database outage, or a replay store (Redis) that cannot answer, is answered 503 with `Retry-After: 5`: the resource
 * API and the authorization server.
 */
const OUTAGES = { isOutage: (error: unknown) => isDatabaseUnavailable(error) || error instanceof ReplayStoreUnavailable, retryAfterSeconds: 5 };

/**
 * The composition root: the only place that knows every layer. Builds stores over the (migrated) database, the
 * authorization server, the bank's directory and Dynamic Client Registration, the customer pages, the partner
 * portal and the resource API, and wires them into one Koa app.
 */
export async function createOpenTeller(config: Config, database: Database, logger: Logger, options: OpenTellerOptions = {}): Promise<OpenTeller> {
  const { dataSource, dialect } = database;
  const schemas = SchemaRegistry.load();
  const serverKeys = new TypeOrmServerKeyStore(dataSource);
  const keys = await loadKeyMaterial(config, serverKeys);
  const bankSigningKey = await messageSigningKey(keys);
  const outbox = new EventOutboxWriter({
    issuer: config.issuer,
    apiBaseUrl: `${config.issuer}${API_BASE_PATH}`,
    seal: eventSealer(schemas, bankSigningKey),
  });
  const consents = new TypeOrmConsentStore(dataSource, outbox);
  const customers = new TypeOrmCustomerStore(dataSource);
  const accounts = new TypeOrmAccountStore(dataSource);
  /** Durable one-time values: step-up code attempts must survive restarts (and a Redis flush), or a code could be guessed at again. */
  const replayGuard = new ReplayGuardStore(dataSource, dialect);
  /** One-time values that need only outlive their few minutes of validity: Redis, this process's memory, or the database. */
  const replay = await openReplayStore(config.replayStore, replayGuard, logger);
  const ledger = new SqlLedgerReader(dataSource, dialect);
  const paymentConsents = new TypeOrmPaymentConsentStore(dataSource);
  const vrpConsents = new TypeOrmVrpConsentStore(dataSource, outbox);
  const fundsConfirmationConsents = new TypeOrmFundsConfirmationConsentStore(dataSource, outbox);
  const fundsConfirmationHistory = new TypeOrmFundsConfirmationHistory(dataSource);
  const intentStores = { accountAccess: consents, payments: paymentConsents, vrp: vrpConsents, fundsConfirmation: fundsConfirmationConsents };
  const payments = new TypeOrmPaymentStore(dataSource, dialect, outbox);
  /** Every change to apps moves the mark in the database, and in Redis when there is one: client caches read it. */
  const partners = new TypeOrmPartnerStore(dataSource);
  const sessions = new TypeOrmWebSessionStore(dataSource);
  const loopbackSandbox = config.mode === 'sandbox' && ['localhost', '127.0.0.1', '[::1]'].includes(new URL(config.issuer).hostname);
  const subscriptions = new TypeOrmEventSubscriptionStore(dataSource);
  const callbackUrls = { allowLoopbackHttp: loopbackSandbox };
  const fetchKeySet = guardedFetch({ allowLoopback: loopbackSandbox });
  const remoteKeys = new RemoteKeySets(fetchKeySet);
  const registrationEndpoint = `${config.issuer}${REGISTRATION_PATH}`;
  const metrics = createMetrics();
  const provider = createProvider({
    issuer: config.issuer,
    adapter: createOidcAdapter(dataSource, replay.store, { appChanges: new SqlAppChangeMarks(dataSource) }),
    keys,
    logger,
    intents: intents(intentStores),
    customers,
    registrationEndpoint,
    fetch: fetchKeySet,
  });
  answerOutagesAsUnavailable(provider, OUTAGES);
  countOAuthOutcomes(provider, metrics);
  const grants = createGrantRevoker(provider);
  const directoryKey = await loadDirectorySigningKey(config, serverKeys);
  const directory = directoryKey ? createOwnDirectory(config.issuer, directoryKey, partners) : null;
  const registration = { partners, validateClientMetadata: validateClientMetadata(config, keys), mode: config.mode };
  /** Sandbox test clocks; none in production mode. */
  const testClocks = config.mode === 'sandbox' ? new TypeOrmTestClockStore(dataSource, dialect, outbox) : null;
  const scheduler: SchedulerServices = {
    scheduled: payments,
    consents: paymentConsents,
    accounts,
    risk: config.payments.risk,
    settlementDelayMs: config.payments.settlementDelayMs,
    fees: config.payments.fees,
  };
  const callLog = new SqlApiCallLog(dataSource, dialect);
  const calls = new ApiCallRecorder(callLog, logger);
  const secureCookies = config.issuer.startsWith('https:');
  const sessionSecret = derivedSecret(keys, 'web-session-forms');

  const app = new Koa();
  app.keys = keys.cookieSecrets;
  app.proxy = config.trustProxy;
  app.silent = true;
  app.use(requestMetrics(metrics));
  app.use(assignInteractionId());
  app.use(logRequests(logger));
  app.use(securityHeaders({ https: config.issuer.startsWith('https:') }));
  app.use(serveStylesheet());
  app.use(healthEndpoints({ checkReadiness: () => checkDatabaseReadiness(database), logger }));
  const tokens: TokenVerifierOptions = {
    issuer: config.issuer,
    audience: resourceIndicator(config.issuer),
    jwks: publicJwks(keys),
    rememberProofOnce: (key, expiresAt) => replay.store.rememberOnce('rs-dpop', key, expiresAt),
    logger,
  };
  const findAppStanding = (clientId: string) => partners.findAppStanding(clientId);
  const eventStreams = new EventStreamHub({ source: new SqlEventStreamStore(dataSource), findAppStanding, logger, ...config.events.stream });
  const handleUpgrade = eventStreamUpgrade({
    checkAccessToken: accessTokenChecker(tokens),
    findAppStanding,
    openStream: (request, socket, head, subscriber) => eventStreams.open(request, socket, head, subscriber),
    maxConnectionsPerApp: eventStreams.maxConnectionsPerApp,
    logger,
    outages: OUTAGES,
    recordCall: (call) => calls.record(call),
  });
  app.use(
    createResourceApi({
      logger,
      schemas,
      tokens,
      findAppStanding,
      calls,
      outages: OUTAGES,
      aisp: {
        issuer: config.issuer,
        consents,
        grants,
        reads: new SqlConsentedAccountReader(dataSource, dialect),
        transactions: ledger,
        cursors: pageCursors(derivedSecret(keys, 'page-cursor')),
        findAppStanding,
      },
      pisp: {
        issuer: config.issuer,
        consents: paymentConsents,
        vrpConsents,
        grants,
        idempotency: new TypeOrmIdempotencyStore(dataSource),
        payments,
        funds: payments,
        accounts,
        fees: config.payments.fees,
        risk: config.payments.risk,
        settlementDelayMs: config.payments.settlementDelayMs,
        exchange: {
          rates: () => config.exchange.rates,
          quoteValidityMs: config.exchange.quoteValidityMs,
          contracts: fxContractVerifier(derivedSecret(keys, FX_CONTRACT_SECRET_PURPOSE)),
        },
      },
      cbpii: { issuer: config.issuer, fundsConfirmationConsents, funds: payments, fundsConfirmationHistory, grants },
      sandbox: testClocks
        ? {
            issuer: config.issuer,
            clocks: testClocks,
            consents: paymentConsents,
            scheduler,
            settlement: { store: payments, answer: sandboxSchemeAnswer },
          }
        : null,
      events: {
        issuer: config.issuer,
        subscriptions,
        callbackUrls,
        polling: new TypeOrmEventPollingStore(dataSource),
        longPoll: { maxWaitMs: config.events.longPollMs, checkEveryMs: 250, sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) },
      },
      signing: {
        signer: { ...bankSigningKey, issuer: config.payments.bankOrganisationId, trustAnchor: config.payments.trustAnchor },
        identities: signingIdentities(partners, remoteKeys),
        trustAnchor: config.payments.trustAnchor,
      },
    }),
  );
  app.use(directoryEndpoints(directory, partners));
  app.use(
    createRegistrationRoutes({
      issuer: config.issuer,
      services: registration,
      reader: {
        verifyStatement: createStatementVerifier(directory, config.directory.trusted, remoteKeys),
        partners,
        remoteKeys,
        audiences: [config.issuer, registrationEndpoint],
        rememberRequestOnce: (key, expiresAt) => replay.store.rememberOnce('dcr-jti', key, expiresAt),
      },
      ownDirectoryIssuer: directory?.issuer ?? null,
      endConsents: (clientId, now) => endConsentsOfApp(intentStores, grants, clientId, now),
      logger,
      outages: OUTAGES,
    }),
  );
  app.use(
    createPartnerPortalRoutes({
      issuer: config.issuer,
      users: new TypeOrmPartnerUserStore(dataSource),
      outbox: new TypeOrmMailOutbox(dataSource),
      sessions: sessionCookies({
        kind: 'partner',
        store: sessions,
        cookieName: 'ot_portal',
        path: '/portal',
        secure: secureCookies,
        secret: sessionSecret,
      }),
      registration,
      directory,
      consents: new SqlConsentSummaryStore(dataSource),
      calls: { log: callLog, flush: () => calls.flush() },
      registrationEndpoint,
      trustAnchor: config.payments.trustAnchor,
      bankOrganisationId: config.payments.bankOrganisationId,
      testClocks,
      events: {
        subscriptions,
        callbackUrls,
        history: new SqlAppEventHistory(dataSource),
        testEvents: config.mode === 'sandbox' ? new SqlTestEventStore(dataSource, outbox) : null,
      },
      formSecret: sessionSecret,
      secureCookies,
      logger,
      outages: OUTAGES,
    }),
  );
  app.use(
    createCustomerAccountRoutes({
      customers,
      accounts,
      consents,
      vrpConsents,
      fundsConfirmationConsents,
      fundsConfirmationHistory,
      connections: new SqlConnectionStore(dataSource),
      payments,
      grants,
      mail: new TypeOrmMailOutbox(dataSource),
      sandbox: config.mode === 'sandbox',
      flushCalls: () => calls.flush(),
      sessions: sessionCookies({
        kind: 'customer',
        store: sessions,
        cookieName: 'ot_account',
        path: '/account',
        secure: secureCookies,
        secret: sessionSecret,
      }),
      formSecret: sessionSecret,
      secureCookies,
      logger,
      outages: OUTAGES,
    }),
  );
  app.use(
    createInteractionRoutes({
      provider,
      consents,
      customers,
      accounts,
      partners,
      cookieSecret: keys.cookieSecrets[0] ?? '',
      logger,
      outages: OUTAGES,
      vrp: { provider, vrpConsents, accounts, customers },
      fundsConfirmation: { provider, fundsConfirmationConsents, accounts, customers },
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
  app.on('error', (error: unknown) => logUnhandledHttpError(logger, error));
  logger.debug({ api: `${config.issuer}${API_BASE_PATH}` }, 'OpenTeller assembled');
  const pushTimeouts = options.eventPush?.timeouts ?? DEFAULT_PUSH_TIMEOUTS;
  const pushWorker: EventPushWorker = {
    store: new SqlEventPushStore(dataSource, dialect),
    send: eventPushSender(
      guardedFetch({
        allowLoopback: loopbackSandbox,
        connectTimeoutMs: pushTimeouts.connectTimeoutMs,
        idleTimeoutMs: pushTimeouts.requestTimeoutMs,
        keepAliveMs: PUSH_KEEP_ALIVE_MS,
      }),
      pushTimeouts,
    ),
    policy: options.eventPush?.policy ?? DEFAULT_PUSH_RETRY_POLICY,
    ...config.events.push,
    // A push takes at most the request timeout and its result is recorded within a step or two; a claim that outlives
    // that by a minute expires only when its process died.
    claimMs: pushTimeouts.requestTimeoutMs + 60_000,
  };
  const jobs: BackgroundJobs = {
    settlePayments: (now) => settleDuePayments(payments, sandboxSchemeAnswer, now),
    runScheduledPayments: (now) => runDueScheduledPayments(scheduler, now),
    deliverEvents: (now) => deliverDueEvents(pushWorker, now),
    startEventPushing: () => startEventPushing(new EventPushPipeline(pushWorker), { intervalMs: EVENT_PUSH_INTERVAL_MS, logger }),
    sequenceStragglingEvents: () => outbox.sequencerOf(dataSource).sequenceStragglers(),
    expireConsents: async (now) =>
      (await expireDueConsents(consents, now)) +
      (await expireDueVrpConsents(vrpConsents, now)) +
      (await expireDueFundsConfirmationConsents(fundsConfirmationConsents, now)),
  };
  return {
    app,
    provider,
    calls,
    jobs,
    outbox,
    handleUpgrade,
    closeEventStreams: () => eventStreams.close(),
    closeReplayStore: () => replay.close(),
    partners,
    metrics,
  };
}
