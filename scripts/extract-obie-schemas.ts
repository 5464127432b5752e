/**
 * Extracts standalone JSON Schema (draft-07) files from the official OBIE v4.0 OpenAPI specs into
 * `schemas/obie/<SchemaName>.json`. Each file carries the transitive closure of its `#/components/schemas`
 * refs in `definitions`, and OpenAPI-only annotations are stripped so the output compiles under Ajv strict
 * mode. The generated files are checked in; the app never reads the specs at run time.
 *
 * Run: `node --import tsx scripts/extract-obie-schemas.ts`. The specs are read from `../shared/specs/obie/` beside the
 * repository, or from the folder `OBIE_SPEC_DIR` names (a git worktree elsewhere).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** The top-level schemas we serve, per spec file. Add names here and re-run the script. */
const SCHEMAS: Readonly<Record<string, readonly string[]>> = {
  'account-info-openapi.json': [
    'OBReadConsent1',
    'OBReadConsentResponse1',
    'OBReadAccount6',
    'OBReadBalance1',
    'OBReadTransaction6',
    'OBErrorResponse1',
  ],
  'confirmation-funds-openapi.json': [
    'OBFundsConfirmationConsent1',
    'OBFundsConfirmationConsentResponse1',
    'OBFundsConfirmation1',
    'OBFundsConfirmationResponse1',
  ],
  'events-openapi.json': [
    'OBEventSubscription1',
    'OBEventSubscriptionResponse1',
    'OBEventSubscriptionsResponse1',
    'OBEventPolling1',
    'OBEventPollingResponse1',
  ],
  'payment-initiation-openapi.json': [
    'OBWriteDomesticConsent4',
    'OBWriteDomesticConsentResponse5',
    'OBWriteDomestic2',
    'OBWriteDomesticResponse5',
    'OBWriteDomesticScheduledConsent4',
    'OBWriteDomesticScheduledConsentResponse5',
    'OBWriteDomesticScheduled2',
    'OBWriteDomesticScheduledResponse5',
    'OBWriteDomesticStandingOrderConsent5',
    'OBWriteDomesticStandingOrderConsentResponse6',
    'OBWriteDomesticStandingOrder3',
    'OBWriteDomesticStandingOrderResponse6',
    'OBWriteFundsConfirmationResponse1',
    'OBWritePaymentDetailsResponse1',
    'OBWriteInternationalConsent5',
    'OBWriteInternationalConsentResponse6',
    'OBWriteInternational3',
    'OBWriteInternationalResponse5',
  ],
  // The domestic VRP schemas. `VRPType` is a namespaced enum (a free string in the schema), so the commercial VRP
  // values `UK.OBIE.VRPType.CVRP1|2|3` of `commercial-vrp/cvrp-openapi.json` pass these too; its one other schema
  // change (no `CANC` among payment statuses) is checked in code.
  'vrp-openapi.json': [
    'OBDomesticVRPConsentRequest',
    'OBDomesticVRPConsentResponse',
    'OBVRPFundsConfirmationRequest',
    'OBVRPFundsConfirmationResponse',
    'OBDomesticVRPRequest',
    'OBDomesticVRPResponse',
    'OBDomesticVRPDetails',
  ],
};

const SPEC_DIR = process.env.OBIE_SPEC_DIR
  ? new URL(`file://${process.env.OBIE_SPEC_DIR.replace(/\/?$/, '/')}`)
  : new URL('../../shared/specs/obie/', import.meta.url);
const OUT_DIR = new URL('../schemas/obie/', import.meta.url);
const ID_BASE = 'https://openteller.dev/schemas/obie/';
const COMPONENT_REF = '#/components/schemas/';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Keywords whose value is a map of name → subschema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
/** Keywords whose value is one subschema (or, for `items`, possibly an array of them). */
const SUBSCHEMAS = new Set(['additionalProperties', 'items', 'additionalItems', 'not', 'contains', 'propertyNames', 'if', 'then', 'else']);
/** Keywords whose value is an array of subschemas. */
const SCHEMA_ARRAYS = new Set(['allOf', 'anyOf', 'oneOf']);
/** Draft-07 keywords copied verbatim. */
const PLAIN_KEYWORDS = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'required',
  'format',
  'pattern',
  'default',
  'title',
  'description',
  '$comment',
  'examples',
  'readOnly',
  'writeOnly',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'contentMediaType',
  'contentEncoding',
]);
/** OpenAPI-only annotations with no validation meaning: dropped. `x-*` extensions are dropped too. */
const OPENAPI_ANNOTATIONS = new Set(['example', 'deprecated', 'externalDocs', 'xml']);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Converts one OpenAPI schema node to draft-07, recording every component it references in `refs`.
 * Throws on keywords that would change meaning if dropped (`nullable`, `discriminator`, unknown ones).
 */
function convert(node: Json, root: string, refs: Set<string>, where: string): Json {
  if (typeof node === 'boolean') return node;
  if (!isObject(node)) throw new Error(`${where}: expected a schema, got ${JSON.stringify(node)}`);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    const at = `${where}/${key}`;
    if (key === '$ref') {
      if (typeof value !== 'string' || !value.startsWith(COMPONENT_REF)) throw new Error(`${at}: unsupported $ref`);
      const name = value.slice(COMPONENT_REF.length);
      refs.add(name);
      out[key] = name === root ? '#' : `#/definitions/${name}`;
    } else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, convert(sub, root, refs, `${at}/${name}`)]));
    } else if (SCHEMA_ARRAYS.has(key) && Array.isArray(value)) {
      out[key] = value.map((sub, i) => convert(sub, root, refs, `${at}/${i}`));
    } else if (SUBSCHEMAS.has(key)) {
      out[key] = Array.isArray(value) ? value.map((sub, i) => convert(sub, root, refs, `${at}/${i}`)) : convert(value, root, refs, at);
    } else if (key === 'enum' && Array.isArray(value)) {
      // The spec lists some values twice (`OBFrequency6Code` has `WEEK` twice); draft-07 requires them unique.
      out[key] = value.filter((item, index) => value.indexOf(item) === index);
    } else if (PLAIN_KEYWORDS.has(key)) {
      out[key] = value;
    } else if (!OPENAPI_ANNOTATIONS.has(key) && !key.startsWith('x-')) {
      throw new Error(`${at}: keyword "${key}" has no draft-07 equivalent; teach the extractor about it`);
    }
  }
  return out;
}

/** Builds the standalone draft-07 document for one top-level component. */
function extract(components: JsonObject, root: string, specFile: string, specVersion: string): JsonObject {
  const definitions: JsonObject = {};
  const pending = [root];
  const seen = new Set<string>();
  let converted: Json = null;
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const source = components[name];
    if (source === undefined) throw new Error(`${specFile}: no component schema named ${name}`);
    const refs = new Set<string>();
    const schema = convert(source, root, refs, `${specFile}#/components/schemas/${name}`);
    if (name === root) converted = schema;
    else definitions[name] = schema;
    pending.push(...refs);
  }
  if (!isObject(converted)) throw new Error(`${specFile}: ${root} is not an object schema`);
  const sorted = Object.fromEntries(
    Object.keys(definitions)
      .sort()
      .map((name) => [name, definitions[name] ?? null]),
  );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${ID_BASE}${root}.json`,
    $comment: `Generated by scripts/extract-obie-schemas.ts from OBIE ${specFile} (info.version ${specVersion}). Do not edit.`,
    ...converted,
    ...(Object.keys(sorted).length > 0 ? { definitions: sorted } : {}),
  };
}

function main(): void {
  mkdirSync(OUT_DIR, { recursive: true });
  const written = new Set<string>();
  for (const [specFile, names] of Object.entries(SCHEMAS)) {
    const spec = JSON.parse(readFileSync(new URL(specFile, SPEC_DIR), 'utf8')) as JsonObject;
    const components = isObject(spec.components) ? spec.components.schemas : undefined;
    const info = spec.info;
    if (!isObject(components)) throw new Error(`${specFile}: no components.schemas`);
    const version = isObject(info) && typeof info.version === 'string' ? info.version : 'unknown';
    for (const name of names) {
      const file = `${name}.json`;
      writeFileSync(new URL(file, OUT_DIR), `${JSON.stringify(extract(components, name, specFile, version), null, 2)}\n`);
      written.add(file);
      console.log(`wrote schemas/obie/${file}`);
    }
  }
  for (const stale of readdirSync(OUT_DIR).filter((file) => file.endsWith('.json') && !written.has(file))) {
    rmSync(new URL(stale, OUT_DIR));
    console.log(`removed stale schemas/obie/${stale}`);
  }
}

main();
