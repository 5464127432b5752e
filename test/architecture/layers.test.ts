// Proves that the import rules of eslint.config.js hold DESIGN.md's layers: every arrow that runs the wrong way is a
// lint error (the domain importing I/O or another layer, the web layers reaching the database, oauth reaching the
// resource API or the pages), while the composition roots and the tests may import anything.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('layers (eslint.config.js, no-restricted-imports)', () => {
  let eslint: ESLint;

  before(() => {
    // Only the import rule: the type-aware rules need a real file of the project, and are not what is tested here.
    eslint = new ESLint({
      cwd: ROOT,
      ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
      overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
    });
  });

  /** The import-rule findings for a file at `path` (relative to the repository) that imports `specifier`. */
  async function findings(path: string, specifier: string): Promise<string[]> {
    const [result] = await eslint.lintText(`import * as imported from '${specifier}';\nexport const used = imported;\n`, {
      filePath: `${ROOT}${path}`,
    });
    return (result?.messages ?? []).map((message) => message.message);
  }

  const refused: Array<[from: string, specifier: string]> = [
    ['src/domain/payments/example.ts', '../../persistence/data-source.js'],
    ['src/domain/payments/example.ts', '../../http/api-error.js'],
    ['src/domain/example.ts', '../web/html.js'],
    ['src/domain/example.ts', 'koa'],
    ['src/domain/example.ts', 'typeorm'],
    ['src/domain/example.ts', 'oidc-provider'],
    ['src/domain/example.ts', 'ajv'],
    ['src/domain/example.ts', 'mysql2/promise'],
    ['src/domain/example.ts', 'better-sqlite3'],
    ['src/sandbox/example.ts', '../persistence/sandbox-seeder.js'],
    ['src/http/aisp/example.ts', '../../persistence/stores/account-store.js'],
    ['src/http/example.ts', '../oauth/provider.js'],
    ['src/http/example.ts', '../web/html.js'],
    ['src/http/example.ts', 'typeorm'],
    ['src/interaction/example.ts', '../persistence/data-source.js'],
    ['src/interaction/example.ts', '../portal/partner-session.js'],
    ['src/portal/example.ts', '../interaction/interaction-routes.js'],
    ['src/portal/views/example.ts', '../../persistence/stores/partner-store.js'],
    ['src/web/example.ts', '../portal/partner-session.js'],
    ['src/web/example.ts', '../interaction/views/login-page.js'],
    ['src/web/example.ts', '../persistence/data-source.js'],
    ['src/oauth/example.ts', '../http/middleware/message-signing.js'],
    ['src/oauth/example.ts', '../interaction/interaction-routes.js'],
    ['src/oauth/example.ts', '../persistence/stores/server-key-store.js'],
    ['src/directory/example.ts', '../persistence/stores/server-key-store.js'],
    ['src/persistence/example.ts', '../http/resource-api.js'],
    ['src/operator/example.ts', '../persistence/database-readiness.js'],
    ['src/config/example.ts', '../app.js'],
    ['src/domain/consents/example.ts', '../../events/event-sealer.js'],
    ['src/events/example.ts', '../persistence/stores/event-push-store.js'],
    ['src/events/example.ts', '../oauth/guarded-fetch.js'],
  ];
  for (const [from, specifier] of refused) {
    test(`${from} importing ${specifier} → a lint error naming the layers it may import`, async () => {
      const messages = await findings(from, specifier);
      assert.equal(messages.length, 1, `expected one finding, got ${JSON.stringify(messages)}`);
      assert.match(messages[0] ?? '', /DESIGN\.md "Layering"/);
    });
  }

  const allowed: Array<[from: string, specifier: string]> = [
    ['src/app.ts', './persistence/data-source.js'],
    ['src/main.ts', './persistence/stores/payment-store.js'],
    ['src/cli/main.ts', '../persistence/data-source.js'],
    ['src/http/aisp/example.ts', '../../domain/accounts/account.js'],
    ['src/http/example.ts', '../validation/schema-registry.js'],
    ['src/portal/example.ts', '../web/html.js'],
    ['src/interaction/example.ts', '../oauth/openbanking-intent.js'],
    ['src/oauth/example.ts', '../web/message-page.js'],
    ['src/persistence/example.ts', '../domain/errors.js'],
    ['src/domain/consents/example.ts', '../events/event-notification.js'],
    ['src/domain/payments/example.ts', '../events/event-types.js'],
    ['src/events/example.ts', '../domain/events/event-push.js'],
    ['src/persistence/stores/example.test.ts', '../../http/resource-api.js'],
    ['test/journeys/example.test.ts', '../../src/persistence/data-source.js'],
  ];
  for (const [from, specifier] of allowed) {
    test(`${from} importing ${specifier} → allowed`, async () => {
      assert.deepEqual(await findings(from, specifier), []);
    });
  }
});
