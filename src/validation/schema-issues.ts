import type { ErrorObject } from 'ajv';

/** One way in which a body breaks its JSON Schema, described for a partner developer. */
export interface SchemaIssue {
  /** The JSON Schema keyword that failed: `required`, `additionalProperties`, `enum`, `format`, … */
  keyword: string;
  /**
   * The offending field in OBIE dotted form, e.g. `Data.Initiation.InstructedAmount.Amount` or
   * `Data.Permissions[0]`. For `required` and `additionalProperties` it names the missing or unexpected
   * property itself (`Data.Permissions`). Empty for the body as a whole.
   */
  path: string;
  /** A complete English sentence naming the field, e.g. `Data.Permissions must have at least 1 item`. */
  message: string;
  /** For `format` issues only: the format that failed (`date-time`, `date`, `uri`, …). */
  format?: string;
}

/** Which side of the API a body belongs to; it changes the wording, not the rules. */
export type BodySide = 'request' | 'response';

/** OBIE limits `Errors[].Message` to 500 characters; longer enum lists fall back to a short sentence. */
const MAX_MESSAGE = 500;

const TYPE_PHRASES: Readonly<Record<string, string>> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'null',
};

const FORMAT_PHRASES: Readonly<Record<string, string>> = {
  date: 'a date in YYYY-MM-DD form, e.g. 2025-01-31',
  time: 'a time such as 10:43:07+00:00',
  uri: 'an absolute URI',
  int32: 'a whole number that fits in 32 bits',
  int64: 'a whole number that fits in 64 bits',
  float: 'a number',
};

const DATE_TIME_PHRASES: Readonly<Record<BodySide, string>> = {
  request: 'an ISO 8601 date-time, e.g. 2025-01-31T10:43:07+00:00',
  response: 'an RFC 3339 date-time with a timezone, e.g. 2025-01-31T10:43:07+00:00',
};

function plural(count: unknown, noun: string, nouns = `${noun}s`): string {
  return `${String(count)} ${count === 1 ? noun : nouns}`;
}

/** Appends one JSON-pointer segment to a dotted path: `.Name` for properties, `[3]` for array items. */
function appendSegment(path: string, segment: string, inArray: boolean): string {
  if (inArray) return `${path}[${segment}]`;
  const name = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) ? segment : JSON.stringify(segment);
  if (path === '') return name;
  return name.startsWith('"') ? `${path}[${name}]` : `${path}.${name}`;
}

/** `/Data/Permissions/0` → `Data.Permissions[0]`, walking `data` to tell array indexes from property names. */
function dottedPath(instancePath: string, data: unknown): string {
  let path = '';
  let node = data;
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const inArray = Array.isArray(node);
    path = appendSegment(path, segment, inArray);
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

/** The sentence predicate for one Ajv error (the part after the field name). */
function predicate(error: ErrorObject, side: BodySide): string {
  const { params } = error;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
    case 'false schema':
      return 'is not allowed here';
    case 'minItems':
      return `must have at least ${plural(params.limit, 'item')}`;
    case 'maxItems':
      return `must have at most ${plural(params.limit, 'item')}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${plural(params.limit, 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(params.limit, 'character')} long`;
    case 'minProperties':
      return `must have at least ${plural(params.limit, 'property', 'properties')}`;
    case 'pattern':
      return `must match the pattern ${String(params.pattern)}`;
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'type':
      return `must be ${String(params.type)
        .split(',')
        .map((t) => TYPE_PHRASES[t] ?? t)
        .join(' or ')}`;
    case 'format': {
      const format = String(params.format);
      const phrase = format === 'date-time' ? DATE_TIME_PHRASES[side] : FORMAT_PHRASES[format];
      return `must be ${phrase ?? `a valid ${format}`}`;
    }
    case 'oneOf':
      return 'must match exactly one of the allowed shapes';
    default:
      return error.message ?? 'is invalid';
  }
}

/** The field an error is about: for `required`/`additionalProperties`, the named child property. */
function issuePath(error: ErrorObject, data: unknown): string {
  const parent = dottedPath(error.instancePath, data);
  const child: unknown =
    error.keyword === 'required'
      ? error.params.missingProperty
      : error.keyword === 'additionalProperties'
        ? error.params.additionalProperty
        : undefined;
  return typeof child === 'string' ? appendSegment(parent, child, false) : parent;
}

/** Converts Ajv errors for `data` into {@link SchemaIssue}s with OBIE dotted paths and English messages. */
export function toSchemaIssues(errors: readonly ErrorObject[], data: unknown, side: BodySide): SchemaIssue[] {
  return errors.map((error) => {
    const path = issuePath(error, data);
    const subject = path === '' ? `The ${side} body` : path;
    let message = `${subject} ${predicate(error, side)}`;
    if (message.length > MAX_MESSAGE && error.keyword === 'enum') message = `${subject} is not one of the allowed values`;
    const issue: SchemaIssue = { keyword: error.keyword, path, message };
    if (error.keyword === 'format') issue.format = String(error.params.format);
    return issue;
  });
}
