import type { Context } from 'koa';
import type { TokenKind } from './middleware/require-access-token.js';

/**
 * One endpoint of the resource API, declared as data so that the router, validation and the API reference
 * read one declaration (CONVENTIONS "How to add an endpoint").
 */
export interface RouteDeclaration<Services> {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path below the API family prefix, in @koa/router syntax. */
  readonly path: string;
  /** The OBIE `operationId`. */
  readonly operationId: string;
  readonly token: TokenKind;
  readonly scope: string;
  /** The request body must carry a valid `x-jws-signature` (payment POSTs). */
  readonly signedRequest?: boolean;
  /** The request needs an `x-idempotency-key` (payment POSTs). */
  readonly idempotent?: boolean;
  readonly requestSchema?: string;
  /** Normalises a parsed body before validation. */
  readonly prepareRequest?: (body: unknown) => unknown;
  /** The schema every response body of the operation satisfies (tests check it). */
  readonly responseSchema?: string;
  readonly handler: (ctx: Context, services: Services) => Promise<void>;
}
