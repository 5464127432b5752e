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

/** OBIE caps `Errors[].Message` and `Errors[].Path` at 500 characters. */
const MAX_LENGTH = 500;

/** Formats whose failure means a bad date (U003) rather than a bad value (U002). */
const DATE_FORMATS = new Set(['date-time', 'date', 'time', 'iso-date-time', 'iso-time']);

function clip(text: string): string {
  return text.length <= MAX_LENGTH ? text : `${text.slice(0, MAX_LENGTH - 1)}…`;
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
    const error: ObieError = { ErrorCode: errorCode(issue), Message: clip(issue.message) };
    if (issue.path !== '') error.Path = clip(issue.path);
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
