import type { SchemaIssue } from './schema-issues.js';

/** One entry of an OBIE v4 `OBErrorResponse1.Errors[]` array. */
export interface ObieError {
  /** OBIE v4 error code, e.g. `U004` (NOTES §7.2). */
  ErrorCode: string;
  /** English sentence for the partner developer, at most 500 characters. */
  Message: string;
  /** Dotted path of the offending field (`Data.Permissions`); absent when the whole body is at fault. */
  Path?: string;
}

/** OBIE caps `Message`, `Errors[].Message` and `Errors[].Path` at 500 characters. */
const MAX_LENGTH = 500;

/** The longest run of non-space characters a message keeps whole: ids, field paths and patterns fit; longer echoed input is cut. */
const MAX_WORD_LENGTH = 128;
const LONG_WORD = new RegExp(`\\S{${MAX_WORD_LENGTH + 1},}`, 'g');

/** Formats whose failure means a bad date (U003) rather than a bad value (U002). */
const DATE_FORMATS = new Set(['date-time', 'date', 'time', 'iso-date-time', 'iso-time']);

/** `text` cut to at most `max` characters, the cut marked with an ellipsis, never splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/**
 * An error fit for an OBIE error body whatever input it quotes: in the message, each run of more than 128 non-space
 * characters (an id or value echoed from the request) is cut to 128, and the whole message to 500; the path to 500.
 * Each cut is marked with an ellipsis.
 */
export function fitObieError(error: ObieError): ObieError {
  const message = cut(
    error.Message.replace(LONG_WORD, (word) => cut(word, MAX_WORD_LENGTH)),
    MAX_LENGTH,
  );
  return { ...error, Message: message, ...(error.Path === undefined ? {} : { Path: cut(error.Path, MAX_LENGTH) }) };
}

/** U004 missing field, U003 bad date, U010 a body that is not an object, U002 anything else. */
function errorCode(issue: SchemaIssue): string {
  if (issue.keyword === 'required') return 'U004';
  if (issue.keyword === 'format' && issue.format !== undefined && DATE_FORMATS.has(issue.format)) return 'U003';
  if (issue.keyword === 'type' && issue.path === '') return 'U010';
  return 'U002';
}

/**
 * Maps schema issues to OBIE errors (NOTES §14): `required` → U004, date/date-time `format` → U003, a
 * non-object body → U010, and every other keyword (`additionalProperties`, `enum`, `pattern`, lengths, types,
 * item counts…) → U002. `Path` names the field; identical errors are reported once.
 */
export function toObieErrors(issues: readonly SchemaIssue[]): ObieError[] {
  const seen = new Set<string>();
  const errors: ObieError[] = [];
  for (const issue of issues) {
    const error = fitObieError({ ErrorCode: errorCode(issue), Message: issue.message, ...(issue.path === '' ? {} : { Path: issue.path }) });
    const key = JSON.stringify([error.ErrorCode, error.Path, error.Message]);
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(error);
  }
  return errors;
}

/** The OBIE error for a request body that cannot be parsed as JSON (U010). */
export function obieErrorForUnparseableBody(): ObieError {
  return { ErrorCode: 'U010', Message: 'Request body is not valid JSON' };
}
