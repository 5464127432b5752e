import assert from 'node:assert/strict';
import { AISP_ROUTES, API_BASE_PATH, CBPII_ROUTES, EVENT_ROUTES, PISP_ROUTES, SANDBOX_ROUTES } from '../../src/http/resource-api.js';
import { SANDBOX_BASE_PATH } from '../../src/http/sandbox/test-clocks.js';
import { SchemaRegistry } from '../../src/validation/schema-registry.js';

const schemas = SchemaRegistry.load();

const API_ROUTES = [
  ...AISP_ROUTES.map((route) => ({ prefix: '/aisp', route })),
  ...PISP_ROUTES.map((route) => ({ prefix: '/pisp', route })),
  ...CBPII_ROUTES.map((route) => ({ prefix: '/cbpii', route })),
  ...EVENT_ROUTES.map((route) => ({ prefix: '', route })),
].map(({ prefix, route }) => ({ prefix: `${API_BASE_PATH}${prefix}`, route }));

const ROUTES = [...API_ROUTES, ...SANDBOX_ROUTES.map((route) => ({ prefix: SANDBOX_BASE_PATH, route }))].map(({ prefix, route }) => ({
  method: route.method,
  pattern: new RegExp(`^${prefix}${route.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`),
  responseSchema: route.responseSchema,
}));

/**
 * Asserts that a resource-API response body satisfies its schema: the schema the route declares for
 * successes, `OBErrorResponse1` for every error. Every call the test partner makes goes through this.
 */
export function assertResponseSchema(method: string, path: string, status: number, body: unknown): void {
  const pathname = new URL(path, 'http://localhost').pathname;
  if (status >= 400) {
    assert.deepEqual(
      schemas.validateResponse('OBErrorResponse1', body),
      [],
      `${method} ${pathname} → ${status}: error body is not an OBErrorResponse1`,
    );
    return;
  }
  const route = ROUTES.find((candidate) => candidate.method === method && candidate.pattern.test(pathname));
  if (!route?.responseSchema || body === undefined) return;
  assert.deepEqual(
    schemas.validateResponse(route.responseSchema, body),
    [],
    `${method} ${pathname} → ${status}: not a valid ${route.responseSchema}`,
  );
}
