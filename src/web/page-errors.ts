import type { Context } from 'koa';
import { ActionNotAllowed, DomainError, ResourceNotFound } from '../domain/errors.js';
import type { OutagePolicy } from '../domain/outage.js';
import type { Logger } from '../logging/logger.js';

/** What a page says about a request it could not serve: a status, a heading and plain sentences, never a stack trace. */
export interface PageFailure {
  readonly status: number;
  readonly title: string;
  readonly message: string;
  /** The request's interaction id, for the reader to quote to the bank. */
  readonly reference: string;
}

/** How one set of pages words its failures. */
export interface PageErrorWording {
  /** What the reader should do after a failure on our side, e.g. "Go back to the app and try again." */
  readonly retry: string;
  /** The words for a refusal that the error's own message would put badly (e.g. an expired link); undefined: its message. */
  readonly refusal?: (error: unknown) => { readonly title: string; readonly message: string } | undefined;
}

/**
 * The failure a page shows for `error`: business refusals with their own message (not found 404, not allowed 403,
 * any other 400), HTTP errors thrown by the pages (`ctx.throw`) with theirs, an outage (the database out of reach)
 * 503 with `Retry-After`, anything else 500 with only a reference to quote (the detail goes to the log).
 */
export function pageFailure(ctx: Context, error: unknown, wording: PageErrorWording, logger: Logger, outages: OutagePolicy): PageFailure {
  const reference = String(ctx.state.interactionId ?? '');
  if (outages.isOutage(error)) {
    logger.warn({ err: error, path: ctx.path }, 'page failed: the bank is briefly unavailable');
    ctx.set('Retry-After', String(outages.retryAfterSeconds));
    return { status: 503, title: 'Briefly unavailable', message: `The bank cannot answer for a moment. ${wording.retry}`, reference };
  }
  const status = statusOf(error);
  if (status >= 500) {
    logger.error({ err: error, path: ctx.path }, 'page failed');
    return {
      status,
      title: 'Something went wrong',
      message: `Something went wrong on our side. ${wording.retry} If it keeps happening, quote reference ${reference}.`,
      reference,
    };
  }
  const words = wording.refusal?.(error) ?? { title: status === 404 ? 'Not found' : 'We could not continue', message: (error as Error).message };
  return { status, ...words, reference };
}

function statusOf(error: unknown): number {
  if (error instanceof ResourceNotFound) return 404;
  if (error instanceof ActionNotAllowed) return 403;
  if (error instanceof DomainError) return 400;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
