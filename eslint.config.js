// ESLint (flat config): typescript-eslint's type-aware rules, Prettier's formatting left to Prettier, and the layers
// of DESIGN.md ("Layering") as import rules, so that an arrow that runs the wrong way fails `npm run lint`.
import js from '@eslint/js';
import globals from 'globals';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * Which top-level folders of src/ each layer may import from (besides itself). The composition roots
 * (src/app.ts, src/main.ts, src/cli/) wire every layer together and are not listed: nothing else may import
 * persistence/, and only they import app.ts.
 */
const LAYERS = {
  domain: [],
  validation: [],
  config: ['domain'],
  logging: ['config'],
  persistence: ['domain', 'config'],
  web: ['domain', 'logging'],
  oauth: ['domain', 'config', 'logging', 'web', 'caching'],
  directory: ['domain', 'config', 'oauth'],
  registration: ['domain', 'logging', 'oauth', 'directory'],
  http: ['domain', 'validation', 'logging', 'caching', 'crypto'],
  interaction: ['domain', 'logging', 'oauth', 'web'],
  portal: ['domain', 'logging', 'directory', 'web'],
  operator: ['domain', 'logging', 'web'],
  caching: [],
  crypto: ['caching'],
  'fast-store': ['domain', 'config', 'logging'],
  sandbox: ['domain'],
  events: ['domain', 'validation', 'logging', 'scheduling'],
  scheduling: [],
};

/**
 * Packages a layer must not use: the domain has no I/O, nor has the sandbox bank's generator; the web layers never
 * talk to the database.
 */
const DOMAIN_FORBIDDEN = ['koa', 'koa-*', '@koa/*', 'typeorm', 'oidc-provider', 'ajv', 'ajv-*', 'mysql2', 'mysql2/*', 'better-sqlite3', 'pino'];
const FORBIDDEN_PACKAGES = {
  domain: DOMAIN_FORBIDDEN,
  sandbox: DOMAIN_FORBIDDEN,
  http: ['typeorm', 'mysql2', 'mysql2/*', 'better-sqlite3', 'oidc-provider'],
  interaction: ['typeorm', 'mysql2', 'mysql2/*', 'better-sqlite3'],
  portal: ['typeorm', 'mysql2', 'mysql2/*', 'better-sqlite3', 'oidc-provider'],
  web: ['typeorm', 'mysql2', 'mysql2/*', 'better-sqlite3', 'oidc-provider'],
  operator: ['typeorm', 'mysql2', 'mysql2/*', 'better-sqlite3', 'oidc-provider'],
};

const ALL_FOLDERS = [...Object.keys(LAYERS), 'cli', 'app', 'main'];

/** How deep below its layer's folder a source file may sit (src/http/aisp/x.ts is 1); the rules cover each depth. */
const MAX_FOLDER_DEPTH = 6;

/**
 * The import rules of one layer, one block per folder depth: an import that climbs out of the layer's folder (one
 * `../` more than the file's depth) must name a layer it may use. Counting the climb keeps a layer's own sub-folder
 * that shares another layer's name (src/domain/events/ beside src/events/) from being taken for that layer.
 */
function layerRules(layer, allowed) {
  const forbidden = ALL_FOLDERS.filter((folder) => folder !== layer && !allowed.includes(folder));
  return Array.from({ length: MAX_FOLDER_DEPTH + 1 }, (_, depth) => ({
    files: [`src/${layer}/${'*/'.repeat(depth)}*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./){${depth + 1}}(${forbidden.join('|')})(/|\\.js$)`,
              message: `src/${layer}/ may import only from ${allowed.length > 0 ? allowed.map((name) => `src/${name}/`).join(', ') : 'itself'} (DESIGN.md "Layering").`,
            },
            ...(FORBIDDEN_PACKAGES[layer]
              ? [{ group: FORBIDDEN_PACKAGES[layer], message: `src/${layer}/ must not use this package (DESIGN.md "Layering").` }]
              : []),
          ],
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'test-results/', 'schemas/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      eqeqeq: ['error', 'always'],
      // An async implementation of an async interface needs no await (in-memory stores, hooks).
      '@typescript-eslint/require-await': 'off',
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**', 'partner-portal-docs/examples/**', 'bin/**', 'test/*.js'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests and benchmarks read response bodies (supertest's and fetch's `any`) member by member; the assertions are the type check.
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  ...Object.entries(LAYERS).flatMap(([layer, allowed]) => layerRules(layer, allowed)),
  prettier,
);
