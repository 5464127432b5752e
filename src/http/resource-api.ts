import bodyParser from '@koa/bodyparser';
import Router from '@koa/router';
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
import { negotiate } from './middleware/negotiate.js';
import { renderErrors } from './middleware/render-errors.js';
import { accessTokenVerifier, type TokenVerifierOptions } from './middleware/require-access-token.js';
import { requireAuthorisedConsent } from './middleware/require-consent.js';
import { validateRequestBody } from './middleware/validate-request.js';
import type { RouteDeclaration } from './route.js';

/** Base path of the Open Banking API. */
export const API_BASE_PATH = '/open-banking/v4.0';

/** The account-information routes, as declared (the API reference and tests read these too). */
export const AISP_ROUTES: readonly RouteDeclaration<AispServices>[] = [...accountAccessConsentRoutes, ...accountRoutes, ...balanceRoutes, ...transactionRoutes];

/** What the resource API is built from. */
export interface ResourceApiDependencies {
  readonly logger: Logger;
  readonly schemas: SchemaRegistry;
  readonly tokens: TokenVerifierOptions;
  readonly aisp: AispServices;
}

/**
 * The resource API as one middleware for `/open-banking/…`, in the order DESIGN.md gives: errors rendered
 * as OBIE bodies → header rules → per route: access token + DPoP → consent → request schema → handler.
 * Unknown paths → 404, known paths with another method → 405 (both with OBIE bodies).
 */
export function createResourceApi(dependencies: ResourceApiDependencies): Middleware {
  const requireAccessToken = accessTokenVerifier(dependencies.tokens);
  const router = new Router({ prefix: `${API_BASE_PATH}/aisp` });
  for (const route of AISP_ROUTES) {
    const steps: Middleware[] = [requireAccessToken(route.token, route.scope)];
    if (route.token === 'authorization-code') steps.push(requireAuthorisedConsent(dependencies.aisp.consents));
    if (route.requestSchema) steps.push(validateRequestBody(dependencies.schemas, route.requestSchema, route.prepareRequest));
    steps.push((ctx: Context) => route.handler(ctx, dependencies.aisp));
    router.register(route.path, [route.method], steps as Parameters<typeof router.register>[2], { name: route.operationId });
  }
  const api: Middleware = compose<Context>([
    renderErrors(dependencies.logger),
    negotiate(),
    bodyParser({ enableTypes: ['json'], encoding: 'utf-8', jsonLimit: '100kb', parsedMethods: ['POST', 'PUT', 'PATCH'], onError: () => {} }),
    refuseUnmatched,
    router.routes() as unknown as Middleware,
    router.allowedMethods() as unknown as Middleware,
  ]);
  return async function resourceApi(ctx: Context, next: Next) {
    if (ctx.path === API_BASE_PATH || ctx.path.startsWith(`${API_BASE_PATH}/`)) return api(ctx, next);
    return next();
  };
}

/**
 * Runs after the router and its `allowedMethods` (which sets 405/501 and `Allow`): a request no route
 * answered gets an OBIE body — 404 for an unknown path or method, 405 for a known path with another method.
 */
async function refuseUnmatched(ctx: Context, next: Next): Promise<void> {
  await next();
  if (ctx.body !== undefined && ctx.body !== null) return;
  if (ctx.status === 405) throw new ApiError(405, [{ ErrorCode: 'U011', Message: `${ctx.method} is not allowed here; allowed: ${ctx.response.get('Allow')}` }]);
  if (ctx.status === 404 || ctx.status === 501) throw new ApiError(404, [{ ErrorCode: 'U011', Message: `No resource at ${ctx.method} ${ctx.path}` }]);
}
