/**
 * How deep a document a partner sends may nest objects and arrays. The OBIE request bodies nest about ten levels
 * (`Data.Initiation.RemittanceInformation.Structured[0].CreditorReferenceInformation.Type…`); free-form members such
 * as `SupplementaryData` get the rest. Everything that walks a document (hashing, schema validation, storage,
 * presenters, logging) may then recurse safely: it is never handed one deeper than this.
 */
export const MAX_NESTING_DEPTH = 32;

/** A container met while walking a document: where it is, how deep, and the way back to the root. */
interface Visit {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Visit | null;
  readonly segment: string | number | null;
}

/**
 * The path of the first object or array nested deeper than `maxDepth` in `document` (the root is level 1), in OBIE
 * dotted form (`Data.Initiation.SupplementaryData.deep[0][0]`); null when the document is within the limit.
 * Walks with an explicit stack, never by recursion, so that no document can exhaust the call stack.
 */
export function pathBeyondNestingLimit(document: unknown, maxDepth: number = MAX_NESTING_DEPTH): string | null {
  const pending: Visit[] = [{ value: document, depth: 1, parent: null, segment: null }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const { value, depth } = visit;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > maxDepth) return pathOf(visit);
    const members: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
    for (const [segment, member] of members) pending.push({ value: member, depth: depth + 1, parent: visit, segment });
  }
  return null;
}

/** `.Name` for a property that is a plain name, `["odd name"]` for any other, `[3]` for an array item. */
function pathOf(visit: Visit): string {
  const segments: string[] = [];
  for (let at: Visit | null = visit; at !== null && at.segment !== null; at = at.parent) {
    const segment = at.segment;
    if (typeof segment === 'number') segments.push(`[${segment}]`);
    else segments.push(/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`);
  }
  return segments.reverse().join('').replace(/^\./, '');
}
