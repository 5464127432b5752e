// Proves that loadConfig reads a complete configuration from an environment, applies the sandbox defaults, and refuses every invalid or missing value with a ConfigError naming the variable.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { ConfigError } from './config-error.js';
import { loadConfig } from './config.js';

const COOKIE_SECRET = 'c'.repeat(32);
const HTTPS_ISSUER = 'https://bank.example.com';

/** Asserts that loading `env` fails with a ConfigError for `variable`, whose message names it. */
function assertRefused(env: NodeJS.ProcessEnv, variable: string): void {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      assert.equal(error.variable, variable);
      assert.match(error.message, new RegExp(`\\b${variable}\\b`));
      return true;
    },
    JSON.stringify(env),
  );
}

describe('loadConfig', () => {
  let dir: string;
  let ps256PrivateFile: string;
  let es256OnlyFile: string;
  let publicOnlyFile: string;
  let rs256File: string;
  let nullFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openteller-config-'));
    const ps256 = await generateKeyPair('PS256', { extractable: true });
    const es256 = await generateKeyPair('ES256', { extractable: true });
    const ps256Private = { ...(await exportJWK(ps256.privateKey)), kid: 'prod-ps256-1', alg: 'PS256', use: 'sig' };
    const es256Private = { ...(await exportJWK(es256.privateKey)), kid: 'prod-es256-1', alg: 'ES256', use: 'sig' };
    const write = (name: string, content: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(content));
      return file;
    };
    ps256PrivateFile = write('ps256-private.json', { keys: [ps256Private, es256Private] });
    es256OnlyFile = write('es256-only.json', { keys: [es256Private] });
    publicOnlyFile = write('public-only.json', { keys: [{ ...(await exportJWK(ps256.publicKey)), kid: 'prod-ps256-1', alg: 'PS256' }] });
    rs256File = write('rs256.json', { keys: [{ ...ps256Private, alg: 'RS256' }] });
    nullFile = write('null.json', null);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function production(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      OPENTELLER_MODE: 'production',
      ISSUER: HTTPS_ISSUER,
      SIGNING_KEYS_FILE: ps256PrivateFile,
      COOKIE_SECRETS: COOKIE_SECRET,
      TRUST_PROXY: 'true',
      ...overrides,
    };
  }

  describe('defaults', () => {
    test('an empty environment → sandbox on port 3000, issuer http://localhost:3000, ./data/openteller.db as an absolute path, log level info', () => {
      const config = loadConfig({});
      assert.equal(config.mode, 'sandbox');
      assert.equal(config.port, 3000);
      assert.equal(config.host, '0.0.0.0');
      assert.equal(config.issuer, 'http://localhost:3000');
      assert.equal(config.database.kind, 'sqlite');
      assert.ok(config.database.kind === 'sqlite' && isAbsolute(config.database.file));
      assert.deepEqual(config.database, { kind: 'sqlite', file: resolve('data', 'openteller.db') });
      assert.equal(config.logLevel, 'info');
      assert.deepEqual(config.keys, { signingJwks: null, cookieSecrets: null });
      assert.equal(config.trustProxy, false);
      assert.deepEqual(config.events, {
        longPollMs: 10_000,
        push: { concurrency: 32, concurrencyPerApp: 8 },
        stream: { pollIntervalMs: 250, heartbeatIntervalMs: 30_000, maxConnectionsPerApp: 5 },
      });
    });

    test('blank values → treated as unset', () => {
      const config = loadConfig({
        PORT: ' ',
        ISSUER: '',
        DATABASE_URL: ' ',
        LOG_LEVEL: '',
        OPENTELLER_MODE: '',
        TRUST_PROXY: '',
        SIGNING_KEYS_FILE: ' ',
        COOKIE_SECRETS: '',
      });
      assert.equal(config.port, 3000);
      assert.equal(config.issuer, 'http://localhost:3000');
      assert.equal(config.mode, 'sandbox');
      assert.equal(config.keys.signingJwks, null);
    });

    test('PORT=8080 without ISSUER → issuer http://localhost:8080', () => {
      const config = loadConfig({ PORT: '8080' });
      assert.equal(config.port, 8080);
      assert.equal(config.issuer, 'http://localhost:8080');
    });
  });

  describe('valid values', () => {
    test('DATABASE_URL=sqlite::memory: → an in-memory SQLite database', () => {
      assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database, { kind: 'sqlite', file: ':memory:' });
    });

    test('DATABASE_URL=mysql://user:pw@host:3306/openteller → MySQL with the database name', () => {
      const url = 'mysql://user:pw@db.internal:3306/openteller';
      assert.deepEqual(loadConfig({ DATABASE_URL: url }).database, { kind: 'mysql', url, database: 'openteller' });
    });

    test('ISSUER with a path, HOST, LOG_LEVEL=silent, TRUST_PROXY=TRUE → taken as given', () => {
      const config = loadConfig({ ISSUER: 'http://localhost:3000/bank', HOST: '127.0.0.1', LOG_LEVEL: 'silent', TRUST_PROXY: 'TRUE' });
      assert.equal(config.issuer, 'http://localhost:3000/bank');
      assert.equal(config.host, '127.0.0.1');
      assert.equal(config.logLevel, 'silent');
      assert.equal(config.trustProxy, true);
    });

    test('the event settings → taken as given, seconds in milliseconds', () => {
      const config = loadConfig({
        EVENTS_LONG_POLL_SECONDS: '2.5',
        EVENTS_PUSH_CONCURRENCY: '64',
        EVENTS_PUSH_CONCURRENCY_PER_APP: '64',
        EVENTS_STREAM_POLL_SECONDS: '0.1',
        EVENTS_STREAM_HEARTBEAT_SECONDS: '45',
        EVENTS_STREAM_MAX_CONNECTIONS_PER_APP: '20',
      });
      assert.deepEqual(config.events, {
        longPollMs: 2_500,
        push: { concurrency: 64, concurrencyPerApp: 64 },
        stream: { pollIntervalMs: 100, heartbeatIntervalMs: 45_000, maxConnectionsPerApp: 20 },
      });
    });

    test('EVENTS_PUSH_CONCURRENCY=4 without a per-app setting → 4 per app (the default 8 capped at the concurrency)', () => {
      assert.deepEqual(loadConfig({ EVENTS_PUSH_CONCURRENCY: '4' }).events.push, { concurrency: 4, concurrencyPerApp: 4 });
    });

    test('COOKIE_SECRETS with two long secrets → both, newest first', () => {
      assert.deepEqual(loadConfig({ COOKIE_SECRETS: ` ${'a'.repeat(32)} , ${'b'.repeat(40)}` }).keys.cookieSecrets, ['a'.repeat(32), 'b'.repeat(40)]);
    });

    test('a valid production configuration (https issuer, private PS256 JWKS, cookie secrets) → loads', () => {
      const config = loadConfig(production());
      assert.equal(config.mode, 'production');
      assert.equal(config.issuer, HTTPS_ISSUER);
      assert.deepEqual(
        config.keys.signingJwks?.keys.map((key) => [key.kid, key.alg]),
        [
          ['prod-ps256-1', 'PS256'],
          ['prod-es256-1', 'ES256'],
        ],
      );
      assert.ok(config.keys.signingJwks?.keys.every((key) => typeof key.d === 'string'));
      assert.deepEqual(config.keys.cookieSecrets, [COOKIE_SECRET]);
    });
  });

  describe('invalid values → ConfigError naming the variable', () => {
    const cases: Array<[string, NodeJS.ProcessEnv, string]> = [
      ['PORT=abc', { PORT: 'abc' }, 'PORT'],
      ['PORT=70000', { PORT: '70000' }, 'PORT'],
      ['PORT=-1', { PORT: '-1' }, 'PORT'],
      ['PORT=80.5', { PORT: '80.5' }, 'PORT'],
      ['ISSUER=not-a-url', { ISSUER: 'not-a-url' }, 'ISSUER'],
      ['ISSUER with a trailing slash', { ISSUER: 'http://localhost:3000/' }, 'ISSUER'],
      ['ISSUER with a query', { ISSUER: 'http://localhost:3000?x=1' }, 'ISSUER'],
      ['ISSUER=ftp://…', { ISSUER: 'ftp://bank.example.com' }, 'ISSUER'],
      ['DATABASE_URL=postgres://…', { DATABASE_URL: 'postgres://user:pw@localhost:5432/openteller' }, 'DATABASE_URL'],
      ['DATABASE_URL=mysql://h/ (no database)', { DATABASE_URL: 'mysql://h/' }, 'DATABASE_URL'],
      ['DATABASE_URL=sqlite: (no file)', { DATABASE_URL: 'sqlite:' }, 'DATABASE_URL'],
      ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      ['OPENTELLER_MODE=staging', { OPENTELLER_MODE: 'staging' }, 'OPENTELLER_MODE'],
      ['TRUST_PROXY=maybe', { TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
      ['COOKIE_SECRETS with a short secret', { COOKIE_SECRETS: `${COOKIE_SECRET},too-short` }, 'COOKIE_SECRETS'],
      ['EVENTS_LONG_POLL_SECONDS=31', { EVENTS_LONG_POLL_SECONDS: '31' }, 'EVENTS_LONG_POLL_SECONDS'],
      ['EVENTS_PUSH_CONCURRENCY=0', { EVENTS_PUSH_CONCURRENCY: '0' }, 'EVENTS_PUSH_CONCURRENCY'],
      ['EVENTS_PUSH_CONCURRENCY=2.5', { EVENTS_PUSH_CONCURRENCY: '2.5' }, 'EVENTS_PUSH_CONCURRENCY'],
      [
        'EVENTS_PUSH_CONCURRENCY_PER_APP above the concurrency',
        { EVENTS_PUSH_CONCURRENCY: '16', EVENTS_PUSH_CONCURRENCY_PER_APP: '17' },
        'EVENTS_PUSH_CONCURRENCY_PER_APP',
      ],
      ['EVENTS_STREAM_POLL_SECONDS=0.01', { EVENTS_STREAM_POLL_SECONDS: '0.01' }, 'EVENTS_STREAM_POLL_SECONDS'],
      ['EVENTS_STREAM_POLL_SECONDS=soon', { EVENTS_STREAM_POLL_SECONDS: 'soon' }, 'EVENTS_STREAM_POLL_SECONDS'],
      ['EVENTS_STREAM_HEARTBEAT_SECONDS=0', { EVENTS_STREAM_HEARTBEAT_SECONDS: '0' }, 'EVENTS_STREAM_HEARTBEAT_SECONDS'],
      ['EVENTS_STREAM_HEARTBEAT_SECONDS=601', { EVENTS_STREAM_HEARTBEAT_SECONDS: '601' }, 'EVENTS_STREAM_HEARTBEAT_SECONDS'],
      ['EVENTS_STREAM_MAX_CONNECTIONS_PER_APP=0', { EVENTS_STREAM_MAX_CONNECTIONS_PER_APP: '0' }, 'EVENTS_STREAM_MAX_CONNECTIONS_PER_APP'],
      ['EVENTS_STREAM_MAX_CONNECTIONS_PER_APP=-3', { EVENTS_STREAM_MAX_CONNECTIONS_PER_APP: '-3' }, 'EVENTS_STREAM_MAX_CONNECTIONS_PER_APP'],
    ];
    for (const [name, env, variable] of cases) {
      test(`${name} → ${variable}`, () => assertRefused(env, variable));
    }

    test('SIGNING_KEYS_FILE pointing to a missing file → SIGNING_KEYS_FILE', () => {
      assertRefused({ SIGNING_KEYS_FILE: join(dir, 'does-not-exist.json') }, 'SIGNING_KEYS_FILE');
    });

    test('SIGNING_KEYS_FILE holding public keys only → SIGNING_KEYS_FILE', () => {
      assertRefused({ SIGNING_KEYS_FILE: publicOnlyFile }, 'SIGNING_KEYS_FILE');
    });

    test('SIGNING_KEYS_FILE without a PS256 key → SIGNING_KEYS_FILE', () => {
      assertRefused({ SIGNING_KEYS_FILE: es256OnlyFile }, 'SIGNING_KEYS_FILE');
    });

    test('SIGNING_KEYS_FILE with a key of another algorithm (RS256) → SIGNING_KEYS_FILE', () => {
      assertRefused({ SIGNING_KEYS_FILE: rs256File }, 'SIGNING_KEYS_FILE');
    });

    test('SIGNING_KEYS_FILE holding JSON null → SIGNING_KEYS_FILE (not a TypeError)', () =>
      assertRefused({ SIGNING_KEYS_FILE: nullFile }, 'SIGNING_KEYS_FILE'));
  });

  describe('software statement directories', () => {
    let directoryKeysFile: string;
    let directoryPublicFile: string;
    let directoryNoKidFile: string;
    let directoryRs256File: string;
    let publicJwk: Record<string, unknown>;
    let privateJwk: Record<string, unknown>;
    let written = 0;

    /** Writes `content` (JSON unless a string) to a new file in the test folder. */
    function file(content: unknown): string {
      written += 1;
      const path = join(dir, `directory-${written}.json`);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      return path;
    }

    before(async () => {
      const ps256 = await generateKeyPair('PS256', { extractable: true });
      const es256 = await generateKeyPair('ES256', { extractable: true });
      const ps256Private = { ...(await exportJWK(ps256.privateKey)), kid: 'directory-ps256-1', alg: 'PS256' };
      const es256Private = { ...(await exportJWK(es256.privateKey)), kid: 'directory-es256-1', alg: 'ES256' };
      directoryKeysFile = file({ keys: [ps256Private, es256Private] });
      directoryPublicFile = file({ keys: [{ ...(await exportJWK(ps256.publicKey)), kid: 'directory-ps256-1', alg: 'PS256' }] });
      const { kid: _kid, ...withoutKid } = ps256Private;
      directoryNoKidFile = file({ keys: [withoutKid] });
      directoryRs256File = file({ keys: [{ ...ps256Private, alg: 'RS256' }] });
      publicJwk = { ...(await exportJWK(es256.publicKey)), kid: 'ob-directory-1', alg: 'ES256', use: 'sig' };
      privateJwk = { ...es256Private, kid: 'ob-directory-1' };
    });

    test('neither DIRECTORY_KEYS_FILE nor TRUSTED_DIRECTORIES_FILE → no signing keys, no trusted directory', () => {
      assert.deepEqual(loadConfig({}).directory, { signingJwks: null, trusted: [] });
    });

    test('DIRECTORY_KEYS_FILE with private PS256 and ES256 keys → both, in order, with their private parts', () => {
      const jwks = loadConfig({ DIRECTORY_KEYS_FILE: directoryKeysFile }).directory.signingJwks;
      assert.deepEqual(
        jwks?.keys.map((key) => [key.kid, key.alg]),
        [
          ['directory-ps256-1', 'PS256'],
          ['directory-es256-1', 'ES256'],
        ],
      );
      assert.ok(jwks?.keys.every((key) => typeof key.d === 'string'));
    });

    test('DIRECTORY_KEYS_FILE in production → accepted too', () => {
      assert.equal(loadConfig(production({ DIRECTORY_KEYS_FILE: directoryKeysFile })).directory.signingJwks?.keys.length, 2);
    });

    const refusedDirectoryKeys: Array<[string, () => string]> = [
      ['holding a public key only', () => directoryPublicFile],
      ['with a key without a kid', () => directoryNoKidFile],
      ['with an RS256 key', () => directoryRs256File],
      ['pointing to a missing file', () => join(dir, 'no-directory-keys.json')],
      ['holding something that is not JSON', () => file('not json')],
      ['holding an empty key set', () => file({ keys: [] })],
    ];
    for (const [name, path] of refusedDirectoryKeys) {
      test(`DIRECTORY_KEYS_FILE ${name} → DIRECTORY_KEYS_FILE`, () => assertRefused({ DIRECTORY_KEYS_FILE: path() }, 'DIRECTORY_KEYS_FILE'));
    }

    test('TRUSTED_DIRECTORIES_FILE with one directory by https jwks_uri and one by public jwks → both, in order', () => {
      const trusted = loadConfig({
        TRUSTED_DIRECTORIES_FILE: file([
          { issuer: 'OpenBanking Ltd', jwks_uri: 'https://keystore.openbankingtest.org.uk/keystore/openbanking.jwks' },
          { issuer: 'Test Directory', jwks: { keys: [publicJwk] } },
        ]),
      }).directory.trusted;
      assert.deepEqual(trusted, [
        { issuer: 'OpenBanking Ltd', jwksUri: 'https://keystore.openbankingtest.org.uk/keystore/openbanking.jwks' },
        { issuer: 'Test Directory', jwks: { keys: [publicJwk] } },
      ]);
    });

    test('TRUSTED_DIRECTORIES_FILE with an http loopback jwks_uri in the sandbox → accepted', () => {
      const trusted = loadConfig({ TRUSTED_DIRECTORIES_FILE: file([{ issuer: 'Local Directory', jwks_uri: 'http://localhost:4000/jwks' }]) })
        .directory.trusted;
      assert.deepEqual(trusted, [{ issuer: 'Local Directory', jwksUri: 'http://localhost:4000/jwks' }]);
    });

    test('TRUSTED_DIRECTORIES_FILE with an https jwks_uri in production → accepted', () => {
      const trusted = loadConfig(
        production({ TRUSTED_DIRECTORIES_FILE: file([{ issuer: 'OpenBanking Ltd', jwks_uri: 'https://keys.example.com/jwks' }]) }),
      ).directory.trusted;
      assert.deepEqual(trusted, [{ issuer: 'OpenBanking Ltd', jwksUri: 'https://keys.example.com/jwks' }]);
    });

    const refusedDirectories: Array<[string, () => unknown]> = [
      ['holding an object instead of an array', () => ({ issuer: 'OpenBanking Ltd', jwks_uri: 'https://keys.example.com/jwks' })],
      ['with an entry without an issuer', () => [{ jwks_uri: 'https://keys.example.com/jwks' }]],
      ['with a blank issuer', () => [{ issuer: ' ', jwks_uri: 'https://keys.example.com/jwks' }]],
      ['with a null entry', () => [null]],
      [
        'naming an issuer twice',
        () => [
          { issuer: 'OpenBanking Ltd', jwks_uri: 'https://keys.example.com/jwks' },
          { issuer: 'OpenBanking Ltd', jwks: { keys: [publicJwk] } },
        ],
      ],
      ['with both jwks and jwks_uri', () => [{ issuer: 'OpenBanking Ltd', jwks_uri: 'https://keys.example.com/jwks', jwks: { keys: [publicJwk] } }]],
      ['with neither jwks nor jwks_uri', () => [{ issuer: 'OpenBanking Ltd' }]],
      ['with a private key in jwks', () => [{ issuer: 'OpenBanking Ltd', jwks: { keys: [privateJwk] } }]],
      ['with a symmetric (oct) key in jwks', () => [{ issuer: 'OpenBanking Ltd', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'shared' }] } }]],
      ['with a jwks key without a kid', () => [{ issuer: 'OpenBanking Ltd', jwks: { keys: [{ ...publicJwk, kid: undefined }] } }]],
      ['with an empty jwks', () => [{ issuer: 'OpenBanking Ltd', jwks: { keys: [] } }]],
      ['with a jwks_uri that is not a URL', () => [{ issuer: 'OpenBanking Ltd', jwks_uri: 'keys.example.com/jwks' }]],
      ['with an http jwks_uri that is not loopback', () => [{ issuer: 'OpenBanking Ltd', jwks_uri: 'http://keys.example.com/jwks' }]],
    ];
    for (const [name, content] of refusedDirectories) {
      test(`TRUSTED_DIRECTORIES_FILE ${name} → TRUSTED_DIRECTORIES_FILE`, () =>
        assertRefused({ TRUSTED_DIRECTORIES_FILE: file(content()) }, 'TRUSTED_DIRECTORIES_FILE'));
    }

    test('TRUSTED_DIRECTORIES_FILE with an http loopback jwks_uri in production → TRUSTED_DIRECTORIES_FILE', () => {
      assertRefused(
        production({ TRUSTED_DIRECTORIES_FILE: file([{ issuer: 'Local Directory', jwks_uri: 'http://localhost:4000/jwks' }]) }),
        'TRUSTED_DIRECTORIES_FILE',
      );
    });

    test('TRUSTED_DIRECTORIES_FILE pointing to a missing file → TRUSTED_DIRECTORIES_FILE', () => {
      assertRefused({ TRUSTED_DIRECTORIES_FILE: join(dir, 'no-trusted-directories.json') }, 'TRUSTED_DIRECTORIES_FILE');
    });

    test('TRUSTED_DIRECTORIES_FILE naming a folder (unreadable) → TRUSTED_DIRECTORIES_FILE', () => {
      assertRefused({ TRUSTED_DIRECTORIES_FILE: dir }, 'TRUSTED_DIRECTORIES_FILE');
    });

    test('TRUSTED_DIRECTORIES_FILE holding something that is not JSON → TRUSTED_DIRECTORIES_FILE', () => {
      assertRefused({ TRUSTED_DIRECTORIES_FILE: file('[{"issuer": ') }, 'TRUSTED_DIRECTORIES_FILE');
    });
  });

  describe('production mode', () => {
    test('without SIGNING_KEYS_FILE → SIGNING_KEYS_FILE', () => {
      assertRefused(production({ SIGNING_KEYS_FILE: undefined }), 'SIGNING_KEYS_FILE');
    });

    test('without COOKIE_SECRETS → COOKIE_SECRETS', () => {
      assertRefused(production({ COOKIE_SECRETS: undefined }), 'COOKIE_SECRETS');
    });

    test('production without TRUST_PROXY=true → names TRUST_PROXY (plain HTTP behind a TLS proxy)', () => {
      assertRefused(production({ TRUST_PROXY: undefined }), 'TRUST_PROXY');
    });

    test('COOKIE_SECRETS="," (no secret at all) → COOKIE_SECRETS', () => assertRefused(production({ COOKIE_SECRETS: ' , ' }), 'COOKIE_SECRETS'));

    test('with an http ISSUER → ISSUER', () => {
      assertRefused(production({ ISSUER: 'http://bank.example.com' }), 'ISSUER');
    });

    test('with the default issuer (http://localhost:3000) → ISSUER', () => {
      assertRefused(production({ ISSUER: undefined }), 'ISSUER');
    });
  });

  describe('the issuer recorded in the database (the openteller command)', () => {
    const recorded = { servedIssuer: 'http://localhost:4101' };

    test('ISSUER unset → the recorded issuer, and the trust anchor of its host', () => {
      const config = loadConfig({ PORT: '3000' }, recorded);
      assert.equal(config.issuer, 'http://localhost:4101');
      assert.equal(config.payments.trustAnchor, 'localhost');
    });

    test('ISSUER unset in production, an https issuer recorded → the recorded issuer', () => {
      assert.equal(loadConfig(production({ ISSUER: undefined }), { servedIssuer: HTTPS_ISSUER }).issuer, HTTPS_ISSUER);
    });

    test('ISSUER set to the recorded issuer → loads', () => {
      assert.equal(loadConfig({ ISSUER: 'http://localhost:4101' }, recorded).issuer, 'http://localhost:4101');
    });

    test('ISSUER set to another issuer → ConfigError naming ISSUER, both issuers and what to do', () => {
      assert.throws(
        () => loadConfig({ ISSUER: 'http://localhost:3000' }, recorded),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.variable, 'ISSUER');
          assert.equal(
            error.message,
            'Invalid configuration: ISSUER is "http://localhost:3000", but this database is served under "http://localhost:4101" (recorded by openteller serve): leave ISSUER unset to use that one, or start serve with the new ISSUER first',
          );
          return true;
        },
      );
    });

    test('nothing recorded → ISSUER or its default, as for serve', () => {
      assert.equal(loadConfig({ PORT: '8080' }, { servedIssuer: null }).issuer, 'http://localhost:8080');
    });
  });
});
