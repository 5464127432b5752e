// Proves what serve's start banner suggests: the commands to register a first app, naming a database other than the default one without its password, the issuer the examples need, and a note when the database was served under another issuer (serve.test.ts runs the printed commands).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../config/config.js';
import { welcomeBanner } from './welcome.js';

const COMMAND = 'npx openteller partner create --name "My App" --redirect-uri http://localhost:8080/callback \\';

describe('welcomeBanner', () => {
  test('the default database and issuer → generate-keys and partner create as in the README, no DATABASE_URL, no ISSUER', () => {
    const banner = welcomeBanner(loadConfig({}), null);
    assert.ok(banner.includes('\n  node partner-portal-docs/examples/generate-keys.mjs "$HOME/my-app"\n'), banner);
    assert.ok(banner.includes(`\n  ${COMMAND}\n    --jwks-file "$HOME/my-app/public-jwks.json" --roles AISP\n`), banner);
    assert.ok(banner.includes('\nThen follow partner-portal-docs/getting-started.md.\n'), banner);
    assert.doesNotMatch(banner, /DATABASE_URL|served under/);
  });

  test('another issuer → the examples are told ISSUER', () => {
    const banner = welcomeBanner(loadConfig({ PORT: '4101' }), null);
    assert.ok(banner.includes('Then follow partner-portal-docs/getting-started.md, giving its examples ISSUER=http://localhost:4101.'), banner);
  });

  test('a MySQL DATABASE_URL with a password → the command names the database with <password>, quoted; the password is printed nowhere', () => {
    const banner = welcomeBanner(loadConfig({ DATABASE_URL: 'mysql://openteller:Very$ecret@db.internal:3306/openteller' }), null);
    assert.ok(banner.includes(`\n  DATABASE_URL='mysql://openteller:<password>@db.internal:3306/openteller' ${COMMAND}\n`), banner);
    assert.ok(banner.includes('(put the database password in place of <password>; it is never printed)'), banner);
    assert.ok(!banner.includes('Very'), banner);
  });

  test('a SQLite file elsewhere → the command names its absolute path', () => {
    const banner = welcomeBanner(loadConfig({ DATABASE_URL: 'sqlite:/srv/open teller/bank.db' }), null);
    assert.ok(banner.includes(`\n  DATABASE_URL='sqlite:/srv/open teller/bank.db' ${COMMAND}\n`), banner);
  });

  test('an in-memory database → the portal only (no other process can reach it)', () => {
    const banner = welcomeBanner(loadConfig({ DATABASE_URL: 'sqlite::memory:' }), null);
    assert.ok(banner.includes('Register a partner app in the portal (http://localhost:3000/portal/signup).\n'), banner);
    assert.doesNotMatch(banner, /npx openteller/);
  });

  test('production → no sandbox customers; partner create with an https redirect URI in the server environment', () => {
    const banner = welcomeBanner({ ...loadConfig({}), mode: 'production', issuer: 'https://bank.example.com' }, null);
    assert.doesNotMatch(banner, /Sandbox customers|generate-keys/);
    assert.match(banner, /with the server's OPENTELLER_MODE, SIGNING_KEYS_FILE, COOKIE_SECRETS and\nTRUST_PROXY/);
    assert.ok(banner.includes('--redirect-uri https://app.example.com/callback'), banner);
  });

  test('a database served under another issuer before → a note naming it and what is refused now', () => {
    const banner = welcomeBanner(loadConfig({ PORT: '4101' }), 'http://localhost:3000');
    assert.match(banner, /This database was served under http:\/\/localhost:3000 until now/);
    assert.doesNotMatch(welcomeBanner(loadConfig({ PORT: '4101' }), 'http://localhost:4101'), /served under/);
  });
});
