import type { Context } from 'koa';

/** Answers with an HTML page. */
export function page(ctx: Context, body: string, status = 200): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = body;
}

/** After a form: the browser fetches the result with a GET (so a reload does not send the form again). */
export function redirect(ctx: Context, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}

/** The submitted form's fields. */
export function formOf(ctx: Context): Record<string, unknown> {
  return (ctx.request.body as Record<string, unknown> | undefined) ?? {};
}

/** One form or query value as text, at most `maxLength` characters (a repeated field: its first value). */
export function text(value: unknown, maxLength: number): string {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.slice(0, maxLength) : '';
}

/** The notice named by `?notice=` (after a redirect), from a fixed set: the query never supplies the words. */
export function noticeOf(ctx: Context, notices: Readonly<Record<string, string>>): string | undefined {
  const key = typeof ctx.query.notice === 'string' ? ctx.query.notice : '';
  return Object.hasOwn(notices, key) ? notices[key] : undefined;
}

/** The longest path parameter a page reads: every id is far shorter, and a page never echoes more of one. */
const MAX_PATH_PARAM_LENGTH = 128;

/** A path parameter of the matched route, as text of at most 128 characters (empty when the route has none of that name). */
export function pathParam(ctx: Context, name: string): string {
  const value: unknown = (ctx.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, MAX_PATH_PARAM_LENGTH) : '';
}
