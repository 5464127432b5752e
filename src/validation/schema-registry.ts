import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { toSchemaIssues, type BodySide, type SchemaIssue } from './schema-issues.js';

export type { SchemaIssue } from './schema-issues.js';

/**
 * Names a schema: either its full `$id` (`https://openteller.dev/schemas/obie/OBReadConsent1.json`) or its
 * short name, the file name of the `$id` without `.json` (`OBReadConsent1`).
 */
export type SchemaId = string;

const addFormats = ajvFormats.default;

/** Walks up from this module's folder to the project root: the first folder holding `schemas/` and `package.json`. */
function findSchemasDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'schemas');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate) && statSync(candidate).isDirectory()) {
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No schemas/ folder found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Reads every `*.json` under `dir`, recursively, in a stable order. Each must carry a string `$id`. */
function readSchemas(dir: string): AnySchemaObject[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.json'));
  return files.sort().map((file) => {
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as AnySchemaObject;
    if (typeof schema.$id !== 'string') throw new Error(`schemas/${file} has no $id`);
    return schema;
  });
}

/** `https://…/obie/OBReadConsent1.json` → `OBReadConsent1`. */
function shortName(id: string): string {
  return (id.split('/').pop() ?? id).replace(/\.json$/, '');
}

/**
 * Builds an Ajv instance in strict mode with all errors and ajv-formats. Request bodies accept any ISO 8601
 * date-time or time, with or without a timezone (OB requires banks to accept all valid variants); response
 * bodies keep the strict RFC 3339 forms, which require a timezone. The checked-in schemas are not validated against
 * their meta-schema at every start (a tenth of a second per side): schema-registry.test.ts does that for each file.
 */
function createAjv(side: BodySide, schemas: readonly AnySchemaObject[]): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true, validateSchema: false });
  addFormats(ajv);
  if (side === 'request') {
    ajv.addFormat('date-time', addFormats.get('iso-date-time'));
    ajv.addFormat('time', addFormats.get('iso-time'));
  }
  ajv.addSchema([...schemas]);
  return ajv;
}

/**
 * Every JSON Schema checked in under `schemas/`, ready to validate request and response bodies.
 * Schemas compile on first use and stay cached.
 */
export class SchemaRegistry {
  /** Each side's Ajv, built when that side first validates (not before the server listens). */
  private readonly ajvs: Partial<Record<BodySide, Ajv>> = {};

  private constructor(
    private readonly ids: ReadonlyMap<SchemaId, string>,
    private readonly schemas: readonly AnySchemaObject[],
  ) {}

  /** Loads all schemas from the project's `schemas/` folder. @throws if a file lacks `$id` or two share a short name. */
  static load(): SchemaRegistry {
    const schemas = readSchemas(findSchemasDir());
    const ids = new Map<SchemaId, string>();
    for (const { $id } of schemas) {
      const id = $id as string;
      const alias = shortName(id);
      if (ids.has(alias)) throw new Error(`Two schemas share the short name ${alias}`);
      ids.set(alias, id).set(id, id);
    }
    return new SchemaRegistry(ids, schemas);
  }

  /** Validates an incoming request body. Date-times need no timezone. Returns `[]` when valid. */
  validateRequest(schema: SchemaId, data: unknown): SchemaIssue[] {
    const result = this.readRequest(schema, data);
    return result.valid ? [] : result.issues;
  }

  /**
   * Validates an incoming request body like {@link validateRequest}; a valid body comes back as `Body`, the shape the
   * caller knows bodies of this schema to have (ajv's validators are type guards).
   */
  readRequest<Body>(schema: SchemaId, data: unknown): RequestReading<Body> {
    const validator = this.validator<Body>('request', schema);
    if (validator(data)) return { valid: true, body: data };
    return { valid: false, issues: toSchemaIssues(validator.errors ?? [], data, 'request') };
  }

  /** Validates an outgoing response body. Date-times must carry a timezone. Returns `[]` when valid. */
  validateResponse(schema: SchemaId, data: unknown): SchemaIssue[] {
    const validator = this.validator('response', schema);
    return validator(data) ? [] : toSchemaIssues(validator.errors ?? [], data, 'response');
  }

  private validator<Data>(side: BodySide, schema: SchemaId): ValidateFunction<Data> {
    const id = this.ids.get(schema);
    const validator = id === undefined ? undefined : (this.ajvs[side] ??= createAjv(side, this.schemas)).getSchema<Data>(id);
    if (validator === undefined) throw new Error(`Unknown schema ${schema}`);
    return validator;
  }
}

/** A request body read against its schema: the body, or what is wrong with it. */
export type RequestReading<Body> = { readonly valid: true; readonly body: Body } | { readonly valid: false; readonly issues: SchemaIssue[] };
