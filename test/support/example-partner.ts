import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freeLoopbackPort, REPOSITORY_ROOT } from './example-process.js';
import { PortalClient } from './portal-client.js';
import type { TestServer } from './test-server.js';

const KEYS = 'partner-portal-docs/examples/generate-keys.mjs';

/** A partner set up as the docs tell one to: keys from generate-keys.mjs, an app created in the portal. */
export interface ExamplePartner {
  readonly app: { readonly clientId: string; readonly partnerId: string };
  /** The folder generate-keys.mjs wrote the keys into. */
  readonly keys: string;
  readonly callbackUri: string;
  /** The settings the payment examples read (ISSUER, CLIENT_ID, PARTNER_ID, the key files, REDIRECT_URI), plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
}

/**
 * Generates the partner's keys with the docs' script, signs the organisation up in the portal and creates an app with
 * the public keys and a loopback redirect URI, as a partner following the getting-started guide does.
 */
export async function setUpExamplePartner(
  server: TestServer,
  partner: { organisation: string; email: string; appName: string; roles: readonly string[] },
): Promise<ExamplePartner> {
  const keys = join(mkdtempSync(join(tmpdir(), 'openteller-example-')), 'keys');
  await promisify(execFile)(process.execPath, [KEYS, keys], { cwd: REPOSITORY_ROOT });
  const callbackUri = `http://127.0.0.1:${await freeLoopbackPort()}/callback`;
  const portal = await PortalClient.signedUp(server, partner.organisation, partner.email);
  const created = await portal.submit('/portal/apps/new', '/portal/apps', {
    name: partner.appName,
    redirect_uris: callbackUri,
    roles: [...partner.roles],
    keys_source: 'jwks',
    jwks: readFileSync(join(keys, 'public-jwks.json'), 'utf8'),
  });
  const [, partnerId = '', clientId = ''] = /id="signing-iss">([^/<]+)\/([^<]+)</.exec(created.html) ?? [];
  assert.ok(clientId, created.html.slice(0, 500));
  const app = { clientId, partnerId };
  return {
    app,
    keys,
    callbackUri,
    env: (extra = {}) => ({
      ISSUER: server.issuer,
      CLIENT_ID: clientId,
      PARTNER_ID: partnerId,
      PRIVATE_JWK_FILE: join(keys, 'private-jwk.json'),
      SIGNING_JWK_FILE: join(keys, 'signing-private-jwk.json'),
      REDIRECT_URI: callbackUri,
      ...extra,
    }),
  };
}
