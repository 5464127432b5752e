// Proves that the runnable Dynamic Client Registration example of the partner docs works as documented: keys from
// generate-keys.mjs, a statement of the bank's directory for an app holding them, then register-by-dcr.mjs
// registers a client with a signed request, gets a token with it, reads the registration (the token rotates) and
// deletes it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { registerTestApp, REDIRECT_URI } from '../support/partner.js';
import { ownDirectoryOf } from '../support/software-statements.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const run = promisify(execFile);

describe('partner docs examples', () => {
  let server: TestServer;
  let directory: string;

  before(async () => {
    server = await startTestServer();
    directory = mkdtempSync(join(tmpdir(), 'openteller-docs-'));
  });
  after(async () => server.close());

  test('generate-keys.mjs, then register-by-dcr.mjs with DEREGISTER=1 → registered, token, rotated registration token, deleted; exit 0', async () => {
    await run(process.execPath, ['partner-portal-docs/examples/generate-keys.mjs', join(directory, 'keys')]);
    const jwks = JSON.parse(readFileSync(join(directory, 'keys', 'public-jwks.json'), 'utf8'));
    const app = await registerTestApp(server, { name: 'Docs App', jwks, roles: ['AISP'] });
    const { directory: ownDirectory } = await ownDirectoryOf(server);
    writeFileSync(join(directory, 'ssa.jwt'), await ownDirectory.issueFor('operator', app.clientId, new Date()));

    const { stdout } = await run(process.execPath, ['partner-portal-docs/examples/register-by-dcr.mjs'], {
      env: {
        ...process.env,
        ISSUER: server.issuer,
        SSA_FILE: join(directory, 'ssa.jwt'),
        PRIVATE_JWK_FILE: join(directory, 'keys', 'private-jwk.json'),
        REDIRECT_URI,
        DEREGISTER: '1',
      },
    });
    assert.match(stdout, /Registered client cli_/);
    assert.match(stdout, /Client credentials token for cli_\S+: token_type dpop, scope "accounts"/);
    assert.match(stdout, /registration_access_token rotated: yes/);
    assert.match(stdout, /the previous token is now refused: 401 invalid_token/);
    assert.match(stdout, /204, the client is deregistered/);
    assert.match(stdout, /A client credentials grant now fails: invalid_client/);
  });
});
