import bodyParser from '@koa/bodyparser';
import Router from '@koa/router';
import compose from 'koa-compose';
import type { Context, Middleware, Next } from 'koa';
import type { AppRegistrationServices } from '../domain/partners/app-registration.js';
import {
  deregisterClient,
  findRegistration,
  readRegistration,
  registerBySoftwareStatement,
  RegistrationTokenInvalid,
  updateRegistration,
  type ManagedRegistration,
} from '../domain/partners/dynamic-registration.js';
import { RegistrationRefused } from '../domain/partners/software-statement.js';
import type { OutagePolicy } from '../domain/outage.js';
import type { Logger } from '../logging/logger.js';
import { temporarilyUnavailable } from '../oauth/outage-answer.js';
import { assertNestingWithinLimit, readRegistrationRequest, storedStatement, type RegistrationRequestReader } from './registration-request.js';

/** The registration endpoint's path (advertised as `registration_endpoint` in discovery). */
export const REGISTRATION_PATH = '/register';

/** What the registration endpoints need. */
export interface RegistrationDependencies {
  readonly issuer: string;
  readonly services: AppRegistrationServices;
  readonly reader: RegistrationRequestReader;
  /** The `iss` of the bank's own directory's statements, if it runs one. */
  readonly ownDirectoryIssuer: string | null;
  /** Ends a deregistered client's consents and revokes their grants. */
  readonly endConsents: (clientId: string, now: Date) => Promise<unknown>;
  readonly logger: Logger;
  /** Which failures are outages, answered 503 `temporarily_unavailable` with `Retry-After`. */
  readonly outages: OutagePolicy;
}

/**
 * Dynamic Client Registration: RFC 7591 `POST /register` (JSON, or OB DCR's signed JWT) with a software statement,
 * and RFC 7592 `GET`/`PUT`/`DELETE /register/{client_id}` with the registration access token (which rotates on
 * every read and update). Errors are RFC 7591 (`400 {error, error_description}`) or RFC 6750 (`401
 * invalid_token`); responses are never cached.
 */
export function createRegistrationRoutes(dependencies: RegistrationDependencies): Middleware {
  const { services, reader, logger } = dependencies;
  const router = new Router({ prefix: REGISTRATION_PATH });
  const body = bodyParser({
    enableTypes: ['json', 'text'],
    extendTypes: { text: ['application/jwt', 'application/jose'] },
    jsonLimit: '64kb',
    textLimit: '64kb',
    encoding: 'utf-8',
    parsedMethods: ['POST', 'PUT'],
    onError: (error) => {
      throw new RegistrationRefused('invalid_client_metadata', unreadableBodyReason(error));
    },
  });
  const clientUri = (clientId: string) => `${dependencies.issuer}${REGISTRATION_PATH}/${encodeURIComponent(clientId)}`;
  const respond = (ctx: Context, status: number, registration: ManagedRegistration) => {
    ctx.status = status;
    ctx.body = registrationResponse(registration, clientUri(registration.app.clientId));
  };
  const readBody = (ctx: Context) => readRegistrationRequest(reader, ctx.request.type, ctx.request.body, new Date());

  router.post('/', body, refuseDeeplyNestedJson, async (ctx) => {
    const { metadata, statement } = await readBody(ctx);
    const registration = await registerBySoftwareStatement(services, statement, metadata, new Date());
    logger.info(
      { clientId: registration.app.clientId, softwareId: statement.softwareId, directory: statement.directory },
      'client registered by DCR',
    );
    respond(ctx, 201, registration);
  });

  router.get('/:clientId', async (ctx) => {
    respond(ctx, 200, await readRegistration(services.partners, ctx.params.clientId ?? '', bearerToken(ctx), new Date()));
  });

  router.put('/:clientId', body, refuseDeeplyNestedJson, async (ctx) => {
    const clientId = ctx.params.clientId ?? '';
    const token = bearerToken(ctx);
    const current = await findRegistration(services.partners, clientId, token);
    const withoutStatement =
      ctx.request.type === 'application/json' && !(ctx.request.body as Record<string, unknown> | undefined)?.software_statement;
    const { metadata, statement } =
      withoutStatement && current.softwareStatement
        ? {
            metadata: ctx.request.body as Record<string, unknown>,
            statement: storedStatement(current.softwareStatement, dependencies.ownDirectoryIssuer),
          }
        : await readBody(ctx);
    if (metadata.client_id !== undefined && metadata.client_id !== clientId)
      throw new RegistrationRefused('invalid_client_metadata', 'client_id must be the client being updated');
    respond(ctx, 200, await updateRegistration(services, clientId, token, statement, metadata, new Date()));
  });

  router.delete('/:clientId', async (ctx) => {
    await deregisterClient(services.partners, dependencies.endConsents, ctx.params.clientId ?? '', bearerToken(ctx), new Date());
    logger.info({ clientId: ctx.params.clientId }, 'client deregistered by DCR');
    ctx.status = 204;
  });

  const endpoints = compose<Context>([router.routes() as unknown as Middleware, router.allowedMethods() as unknown as Middleware]);
  return async function registrationEndpoints(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== REGISTRATION_PATH && !ctx.path.startsWith(`${REGISTRATION_PATH}/`)) {
      await next();
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    try {
      await endpoints(ctx, async () => {});
      if (ctx.body === undefined && ctx.status !== 204) {
        const status = ctx.status === 405 ? 405 : 404;
        ctx.body = {
          error: 'invalid_request',
          error_description: status === 405 ? `${ctx.method} is not allowed here` : `No endpoint at ${ctx.method} ${ctx.path}`,
        };
        ctx.status = status;
      }
    } catch (error) {
      renderRegistrationError(ctx, error, logger, dependencies.outages);
    }
  };
}

/** RFC 7591 §3.2.1 / RFC 7592 §3: the client's metadata, its statement (verbatim and flattened, as OB DCR asks) and how to manage it. */
function registrationResponse({ app, registrationToken }: ManagedRegistration, registrationClientUri: string): Record<string, unknown> {
  const claims = app.softwareStatement?.claims ?? {};
  const statementClaims = Object.fromEntries(Object.entries(claims).filter(([name]) => !['iss', 'iat', 'exp', 'nbf', 'jti', 'aud'].includes(name)));
  return {
    ...statementClaims,
    ...app.clientMetadata,
    client_id: app.clientId,
    client_id_issued_at: Math.floor(app.createdAt.getTime() / 1000),
    application_type: 'web',
    software_id: app.softwareId,
    ...(app.softwareStatement ? { software_statement: app.softwareStatement.jwt } : {}),
    registration_access_token: registrationToken,
    registration_client_uri: registrationClientUri,
  };
}

/** A JSON registration request nesting too deep is refused before anything walks it (a signed one: when decoded). */
async function refuseDeeplyNestedJson(ctx: Context, next: Next): Promise<void> {
  if (ctx.request.type === 'application/json') assertNestingWithinLimit(ctx.request.body, 'invalid_client_metadata', 'The registration request');
  await next();
}

/** What the body parser (co-body, through @hapi/bourne) says of a body with a `__proto__` member. */
const PROTOTYPE_MEMBER_REFUSED = 'Object contains forbidden prototype property';

/** Why the body parser refused a registration request, in the partner's words. */
function unreadableBodyReason(error: Error): string {
  if ((error as { status?: number }).status === 413) return 'The registration request is larger than 64 KB';
  if (error.message === PROTOTYPE_MEMBER_REFUSED) return 'The registration request has a member named __proto__, which is not allowed';
  return 'The registration request is not valid JSON';
}

function bearerToken(ctx: Context): string {
  const [scheme, token, ...rest] = ctx.get('authorization').split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token || rest.length > 0)
    throw new RegistrationTokenInvalid('A registration access token is required (Authorization: Bearer <token>)');
  return token;
}

function renderRegistrationError(ctx: Context, error: unknown, logger: Logger, outages: OutagePolicy): void {
  if (error instanceof RegistrationRefused) {
    ctx.status = 400;
    ctx.body = { error: error.error, error_description: error.message };
    logger.info({ error: error.error, description: error.message }, 'registration refused');
    return;
  }
  if (error instanceof RegistrationTokenInvalid) {
    ctx.status = 401;
    ctx.set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${error.message}"`);
    ctx.body = { error: 'invalid_token', error_description: error.message };
    return;
  }
  if (outages.isOutage(error)) {
    logger.warn({ err: error, path: ctx.path }, 'registration endpoint unavailable: answered 503');
    ctx.status = 503;
    ctx.set('Retry-After', String(outages.retryAfterSeconds));
    ctx.body = temporarilyUnavailable(outages.retryAfterSeconds);
    return;
  }
  logger.error({ err: error, path: ctx.path }, 'registration endpoint failed');
  ctx.status = 500;
  ctx.body = { error: 'server_error', error_description: `Something went wrong; quote ${String(ctx.state.interactionId ?? '')} to the bank` };
}
