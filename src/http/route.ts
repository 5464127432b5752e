import type { RouterContext } from '@koa/router';
import type { TokenKind } from './middleware/require-access-token.js';
import type { RequestSchema } from './request-bodies.js';

/**
 * One endpoint of the resource API, declared as data so that the router, validation and the API reference
 * read one declaration (CONVENTIONS "How to add an endpoint").
 */
export interface RouteDeclaration<Services> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the API family prefix, in @koa/router syntax. */
  readonly path: string;
  /** The OBIE `operationId`. */
  readonly operationId: string;
  readonly token: TokenKind;
  /**
   * For customer tokens of the payment API: the kind of consent the token must be bound to (default the domestic
   * payment consent).
   */
  readonly consentKind?: 'domestic-payment' | 'international-payment' | 'domestic-vrp';
  /** The scope the access token must carry, or several of which it must carry one. */
  readonly scope: string | readonly string[];
  /** The request body must carry a valid `x-jws-signature` (payment POSTs). */
  readonly signedRequest?: boolean;
  /** The request needs an `x-idempotency-key` (payment POSTs). */
  readonly idempotent?: boolean;
  /** The schema the request body must satisfy; the handler reads the body with `validatedBodyOf(ctx, requestSchema)`. */
  readonly requestSchema?: RequestSchema;
  /** Normalises a parsed body before validation. */
  readonly prepareRequest?: (body: unknown) => unknown;
  /** The schema every response body of the operation satisfies (tests check it). */
  readonly responseSchema?: string;
  /** Reads its path parameters with `pathParameter` and what the steps before it established with the accessors of `request-state`. */
  readonly handler: (ctx: RouterContext, services: Services) => Promise<void>;
}
