import Router, { type RouterContext, type RouterMiddleware } from '@koa/router';
import compose from 'koa-compose';
import type { Context, Middleware, Next } from 'koa';
import type { Logger } from '../logging/logger.js';
import type { SchemaRegistry } from '../validation/schema-registry.js';
import { ApiError } from './api-error.js';
import { accountAccessConsentRoutes } from './aisp/account-access-consents.js';
import { accountRoutes } from './aisp/accounts.js';
import { balanceRoutes } from './aisp/balances.js';
import { transactionRoutes } from './aisp/transactions.js';
import type { AispServices } from './aisp/aisp-services.js';
import type { CbpiiServices } from './cbpii/cbpii-services.js';
import { fundsConfirmationConsentRoutes } from './cbpii/funds-confirmation-consents.js';
import { fundsConfirmationRoutes } from './cbpii/funds-confirmations.js';
import type { ResponseSigner } from './jws/detached-jws.js';
import { requireSignedRequest, signResponses } from './middleware/message-signing.js';
import type { SigningIdentityLookup } from '../domain/partners/partner-app.js';
import { negotiate } from './middleware/negotiate.js';
import { parseJsonBody } from './middleware/parse-json-body.js';
import { renderErrors } from './middleware/render-errors.js';
import type { OutagePolicy } from '../domain/outage.js';
import { accessTokenVerifier, type TokenVerifierOptions } from './middleware/require-access-token.js';
import { requireActiveApp, type AppStandingLookup } from './middleware/require-active-app.js';
import { requireFundsConfirmationConsent } from './middleware/require-funds-confirmation-consent.js';
import { requireIdempotencyKey } from './middleware/require-idempotency-key.js';
import { requirePaymentConsent } from './middleware/require-payment-consent.js';
import { requireVrpConsent } from './middleware/require-vrp-consent.js';
import { validateRequestBody } from './middleware/validate-request.js';
import { domesticPaymentConsentRoutes } from './pisp/domestic-payment-consents.js';
import { domesticPaymentRoutes } from './pisp/domestic-payments.js';
import { domesticScheduledPaymentConsentRoutes } from './pisp/domestic-scheduled-payment-consents.js';
import { domesticScheduledPaymentRoutes } from './pisp/domestic-scheduled-payments.js';
import { domesticStandingOrderConsentRoutes } from './pisp/domestic-standing-order-consents.js';
import { domesticStandingOrderRoutes } from './pisp/domestic-standing-orders.js';
import { domesticVrpConsentRoutes } from './pisp/domestic-vrp-consents.js';
import { domesticVrpRoutes } from './pisp/domestic-vrps.js';
import { internationalPaymentConsentRoutes } from './pisp/international-payment-consents.js';
import { internationalPaymentRoutes } from './pisp/international-payments.js';
import type { PispServices } from './pisp/pisp-services.js';
import type { RouteDeclaration } from './route.js';
import { eventSubscriptionRoutes } from './events/event-subscriptions.js';
import { eventPollingRoutes } from './events/events.js';
import type { EventsServices } from './events/events-services.js';
import type { ApiCallRecorder } from './api-call-recorder.js';
import type { SandboxServices } from './sandbox/sandbox-services.js';
import { SANDBOX_BASE_PATH, testClockRoutes } from './sandbox/test-clocks.js';

/** Base path of the Open Banking API. */
export const API_BASE_PATH = '/open-banking/v4.0';

/** Every path under it is answered as the API answers: another version, or none, gets a 404 with an OBIE body. */
const OPEN_BANKING_PATH = '/open-banking';

/** The account-information routes, as declared (the API reference and tests read these too). */
export const AISP_ROUTES: readonly RouteDeclaration<AispServices>[] = [
  ...accountAccessConsentRoutes,
  ...accountRoutes,
  ...balanceRoutes,
  ...transactionRoutes,
];

/** The confirmation of funds (CBPII) routes, as declared. */
export const CBPII_ROUTES: readonly RouteDeclaration<CbpiiServices>[] = [...fundsConfirmationConsentRoutes, ...fundsConfirmationRoutes];

/** The event routes (subscriptions and aggregated polling), directly below the API base path. */
export const EVENT_ROUTES: readonly RouteDeclaration<EventsServices>[] = [...eventSubscriptionRoutes, ...eventPollingRoutes];

/** The payment-initiation routes, as declared. */
export const PISP_ROUTES: readonly RouteDeclaration<PispServices>[] = [
  ...domesticPaymentConsentRoutes,
  ...domesticPaymentRoutes,
  ...domesticScheduledPaymentConsentRoutes,
  ...domesticScheduledPaymentRoutes,
  ...domesticStandingOrderConsentRoutes,
  ...domesticStandingOrderRoutes,
  ...domesticVrpConsentRoutes,
  ...domesticVrpRoutes,
  ...internationalPaymentConsentRoutes,
  ...internationalPaymentRoutes,
];

/** The sandbox-only routes (test clocks), below {@link SANDBOX_BASE_PATH}; in production mode they do not exist. */
export const SANDBOX_ROUTES: readonly RouteDeclaration<SandboxServices>[] = [...testClockRoutes];

/**
 * Optional OBIE operations this bank does not offer on a path it serves with other methods. They answer as every
 * optional endpoint not offered does — 404 `U011`, like an unknown path — rather than the 405 a method the path does
 * not take gets.
 */
export const OPERATIONS_NOT_OFFERED: readonly { readonly method: string; readonly path: string; readonly operationId: string }[] = [
  { method: 'PUT', path: '/pisp/domestic-vrp-consents/:ConsentId', operationId: 'domesticVrpConsentsPut' },
  { method: 'PATCH', path: '/pisp/domestic-vrp-consents/:ConsentId', operationId: 'domesticVrpConsentsPatch' },
];

const NOT_OFFERED = OPERATIONS_NOT_OFFERED.map(({ method, path }) => ({
  method,
  pattern: new RegExp(`^${API_BASE_PATH}${path.replace(/:[A-Za-z]+/g, '[^/]+')}$`),
}));

/**
 * Largest request body, on every endpoint: a payment consent is stored verbatim in a column of 64 KiB on MySQL, and no
 * other request comes near it. A larger body is refused with 400 U002.
 */
const MAX_BODY_BYTES = 60_000;

/** How the payment API signs and checks messages. */
export interface MessageSigning {
  readonly signer: ResponseSigner;
  readonly identities: SigningIdentityLookup;
  readonly trustAnchor: string;
}

/** What the resource API is built from. */
export interface ResourceApiDependencies {
  readonly logger: Logger;
  readonly schemas: SchemaRegistry;
  readonly tokens: TokenVerifierOptions;
  readonly aisp: AispServices;
  readonly pisp: PispServices;
  readonly cbpii: CbpiiServices;
  readonly events: EventsServices;
  /** The sandbox-only API's services; null in production mode, where its paths answer 404 like any unknown path. */
  readonly sandbox: SandboxServices | null;
  readonly signing: MessageSigning;
  /** What a partner app may do now (only `active` apps may call). */
  readonly findAppStanding: AppStandingLookup;
  /** Where each call with a verified token is logged for the partner's developers. */
  readonly calls: ApiCallRecorder;
  /** Which failures are outages, answered 503 with `Retry-After`. */
  readonly outages: OutagePolicy;
}

/**
 * The resource API as one middleware for `/open-banking/…`, in the order DESIGN.md gives: the call logged for the
 * partner → errors rendered as OBIE bodies → header rules → per route: access token + DPoP → consent (read with
 * the standing of its app) → the app still active → (payments: message signature and idempotency key) → request
 * schema → handler. Account-information calls with a customer token read the consent and its app's standing in the
 * statement that reads their data, so their handler makes both checks, in the same order and with the same refusals.
 * Every payment response, errors included, is signed; the funds confirmation API signs nothing (its specification has
 * no message signing).
 * Unknown paths and operations not offered → 404, known paths with another method → 405 (both with OBIE bodies).
 * The sandbox-only API (`/sandbox/…`, test clocks) is built the same way, its responses signed like the payment API's;
 * in production mode its paths answer 404 `U011` as unknown paths do.
 */
export function createResourceApi(dependencies: ResourceApiDependencies): Middleware {
  const requireAccessToken = accessTokenVerifier(dependencies.tokens);
  const { findAppStanding } = dependencies;
  const activeApp = requireActiveApp(findAppStanding);
  const signedRequests = <Services>(route: RouteDeclaration<Services>) =>
    route.signedRequest ? [requireSignedRequest(dependencies.signing.identities, dependencies.signing.trustAnchor)] : [];
  // A customer call of the account-information API reads its token's consent, with the standing of its app, in the
  // statement that reads its data: the handler decides on them (read-under-consent.ts), no step before it reads.
  const aisp = buildRouter(`${API_BASE_PATH}/aisp`, AISP_ROUTES, dependencies.aisp, (route) =>
    route.token === 'authorization-code' ? [] : [activeApp],
  );
  const pisp = buildRouter(
    `${API_BASE_PATH}/pisp`,
    PISP_ROUTES,
    dependencies.pisp,
    (route) => {
      if (route.token !== 'authorization-code') return [activeApp];
      if (route.consentKind === 'domestic-vrp') return [requireVrpConsent(dependencies.pisp.vrpConsents, findAppStanding), activeApp];
      return [
        requirePaymentConsent(
          dependencies.pisp.consents,
          findAppStanding,
          route.consentKind === 'international-payment' ? 'international' : 'domestic',
        ),
        activeApp,
      ];
    },
    (route) => [...signedRequests(route), ...(route.idempotent ? [requireIdempotencyKey] : [])],
  );
  const cbpii = buildRouter(`${API_BASE_PATH}/cbpii`, CBPII_ROUTES, dependencies.cbpii, (route) =>
    route.token === 'authorization-code'
      ? [requireFundsConfirmationConsent(dependencies.cbpii.fundsConfirmationConsents, findAppStanding), activeApp]
      : [activeApp],
  );
  const events = buildRouter(API_BASE_PATH, EVENT_ROUTES, dependencies.events, () => [activeApp], signedRequests);
  const sandbox = dependencies.sandbox ? buildRouter(SANDBOX_BASE_PATH, SANDBOX_ROUTES, dependencies.sandbox, () => [activeApp]) : [];

  /**
   * `guards` run after the access token (a consent guard, then `activeApp`: the app still active), `checks` after the
   * body has been parsed and validated (a body that is not JSON is a U010, whatever its signature).
   */
  function buildRouter<Services>(
    prefix: string,
    routes: readonly RouteDeclaration<Services>[],
    services: Services,
    guards: (route: RouteDeclaration<Services>) => Middleware[],
    checks: (route: RouteDeclaration<Services>) => Middleware[] = () => [],
  ) {
    const router = new Router({ prefix });
    for (const route of routes) {
      const steps: RouterMiddleware[] = [requireAccessToken(route.token, route.scope), ...guards(route)];
      if (route.requestSchema) steps.push(validateRequestBody(dependencies.schemas, route.requestSchema, route.prepareRequest));
      steps.push(...checks(route));
      steps.push((ctx: RouterContext) => route.handler(ctx, services));
      router.register(route.path, [route.method], steps, { name: route.operationId });
    }
    return [router.routes() as unknown as Middleware, router.allowedMethods() as unknown as Middleware];
  }

  const recordCall = dependencies.calls.middleware();
  const common: Middleware[] = [
    renderErrors(dependencies.logger, dependencies.outages),
    refuseOperationsNotOffered,
    negotiate(),
    parseJsonBody(MAX_BODY_BYTES),
    refuseUnmatched,
  ];
  const aispApi: Middleware = compose<Context>([recordCall, ...common, ...aisp]);
  const pispApi: Middleware = compose<Context>([recordCall, signResponses(dependencies.signing.signer), ...common, ...pisp]);
  const cbpiiApi: Middleware = compose<Context>([recordCall, ...common, ...cbpii]);
  const subscriptionsApi: Middleware = compose<Context>([recordCall, signResponses(dependencies.signing.signer), ...common, ...events]);
  const pollingApi: Middleware = compose<Context>([recordCall, ...common, ...events]);
  const sandboxApi: Middleware = compose<Context>([recordCall, signResponses(dependencies.signing.signer), ...common, ...sandbox]);
  const otherApi: Middleware = compose<Context>(common);
  return async function resourceApi(ctx: Context, next: Next): Promise<void> {
    const within = (prefix: string) => ctx.path === prefix || ctx.path.startsWith(`${prefix}/`);
    if (within(`${API_BASE_PATH}/aisp`)) await aispApi(ctx, next);
    else if (within(`${API_BASE_PATH}/pisp`)) await pispApi(ctx, next);
    else if (within(`${API_BASE_PATH}/cbpii`)) await cbpiiApi(ctx, next);
    else if (within(`${API_BASE_PATH}/event-subscriptions`)) await subscriptionsApi(ctx, next);
    else if (within(`${API_BASE_PATH}/events`)) await pollingApi(ctx, next);
    else if (within(API_BASE_PATH) || within(OPEN_BANKING_PATH)) await otherApi(ctx, next);
    else if (within(SANDBOX_BASE_PATH)) await (dependencies.sandbox ? sandboxApi : otherApi)(ctx, next);
    else await next();
  };
}

/**
 * An operation not offered ({@link OPERATIONS_NOT_OFFERED}) → 404 U011 before anything else looks at the request (its
 * token, or a body such as PATCH's `application/json-patch+json`), as an unknown path is answered.
 */
async function refuseOperationsNotOffered(ctx: Context, next: Next): Promise<void> {
  if (NOT_OFFERED.some(({ method, pattern }) => method === ctx.method && pattern.test(ctx.path))) {
    throw new ApiError(404, [{ ErrorCode: 'U011', Message: `No resource at ${ctx.method} ${ctx.path}` }]);
  }
  await next();
}

/**
 * Runs after the router and its `allowedMethods` (which sets 405/501 and `Allow`): a request no route
 * answered gets an OBIE body — 404 for an unknown path or method, 405 for a known path with another method.
 */
async function refuseUnmatched(ctx: Context, next: Next): Promise<void> {
  await next();
  if (ctx.body !== undefined && ctx.body !== null) return;
  if (ctx.status === 405)
    throw new ApiError(405, [{ ErrorCode: 'U011', Message: `${ctx.method} is not allowed here; allowed: ${ctx.response.get('Allow')}` }]);
  if (ctx.status === 404 || ctx.status === 501) throw new ApiError(404, [{ ErrorCode: 'U011', Message: `No resource at ${ctx.method} ${ctx.path}` }]);
}
