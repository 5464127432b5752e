// Proves what the portal's example commands hold for an app: those of each role with an API to try (AISP the
// account-information example, PISP the payment and VRP examples with the bank's signing settings, CBPII the confirmation
// of funds example), the redirect URI whose callback the example can catch itself, the kids of the keys each key file must hold, and
// values handed to the example unchanged by the shell whatever characters they have.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { PartnerApp, PartnerRole } from '../domain/partners/partner-app.js';
import { appSnippets } from './app-snippets.js';

const BANK = { issuer: 'https://bank.example', trustAnchor: 'anchor.example', bankOrganisationId: 'bank-org' };

function appWith(
  roles: PartnerRole[],
  redirectUris: string[],
  keys: Record<string, unknown> = {
    jwks: {
      keys: [
        { kty: 'EC', kid: 'k-ec' },
        { kty: 'RSA', kid: 'k-rsa' },
      ],
    },
  },
): PartnerApp {
  return {
    clientId: 'cli_app',
    partnerId: 'ptn_org',
    partnerName: 'Org',
    softwareId: 'ABCDEFGHIJKLMNOPQRSTUV',
    name: 'App',
    description: '',
    roles,
    environment: 'sandbox',
    status: 'active',
    origin: 'portal',
    clientMetadata: { client_id: 'cli_app', client_name: 'App', redirect_uris: redirectUris, scope: 'openid', ...keys },
    softwareStatement: null,
    registrationTokenHash: null,
    version: 1,
    createdAt: new Date('2026-12-01T10:00:00Z'),
    updatedAt: new Date('2026-12-01T10:00:00Z'),
  };
}

/** Runs a command in /bin/sh with a stand-in `node` that prints the environment the example would get. */
async function environmentSeenBy(command: string, env: Record<string, string>): Promise<Record<string, string>> {
  const bin = mkdtempSync(join(tmpdir(), 'openteller-fake-node-'));
  writeFileSync(join(bin, 'node'), '#!/bin/sh\nenv\n');
  chmodSync(join(bin, 'node'), 0o755);
  const { stdout } = await promisify(execFile)('/bin/sh', ['-c', command], { env: { PATH: `${bin}:/usr/bin:/bin`, ...env } });
  return Object.fromEntries(stdout.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('portal example commands', () => {
  test('an AISP app → one command, the account-information example with the issuer, client id and redirect URI', async () => {
    const { commands } = appSnippets(BANK, appWith(['AISP'], ['https://app.example/cb']));
    assert.deepEqual(
      commands.map((command) => [command.role, command.example]),
      [['AISP', 'partner-portal-docs/examples/getting-started.mjs']],
    );
    const seen = await environmentSeenBy(commands[0]?.shell ?? '', { PRIVATE_JWK_FILE: '/keys/private-jwk.json' });
    assert.equal(seen.ISSUER, 'https://bank.example');
    assert.equal(seen.CLIENT_ID, 'cli_app');
    assert.equal(seen.REDIRECT_URI, 'https://app.example/cb');
    assert.equal(seen.PRIVATE_JWK_FILE, '/keys/private-jwk.json');
  });

  test("a PISP app → two commands, the payment and the VRP examples, each with the partner id and the bank's trust anchor and organisation id", async () => {
    const { commands } = appSnippets(BANK, appWith(['PISP'], ['https://app.example/cb']));
    assert.deepEqual(
      commands.map((command) => [command.role, command.purpose, command.example]),
      [
        ['PISP', 'payment', 'partner-portal-docs/examples/make-a-payment.mjs'],
        ['PISP', 'vrp-mandate', 'partner-portal-docs/examples/vrp-mandate.mjs'],
      ],
    );
    for (const command of commands) {
      const seen = await environmentSeenBy(command.shell, { PRIVATE_JWK_FILE: '/keys/a.json', SIGNING_JWK_FILE: '/keys/b.json' });
      assert.equal(seen.ISSUER, 'https://bank.example');
      assert.equal(seen.CLIENT_ID, 'cli_app');
      assert.equal(seen.PARTNER_ID, 'ptn_org');
      assert.equal(seen.JWS_TRUST_ANCHOR, 'anchor.example');
      assert.equal(seen.BANK_ORGANISATION_ID, 'bank-org');
      assert.equal(seen.SIGNING_JWK_FILE, '/keys/b.json');
    }
  });

  test('a CBPII app → the confirmation of funds command with the client key only; every role → AISP, PISP, CBPII in that order', () => {
    const [funds, ...none] = appSnippets(BANK, appWith(['CBPII'], ['https://app.example/cb'])).commands;
    assert.deepEqual(none, []);
    assert.equal(funds?.purpose, 'funds-confirmation');
    assert.equal(funds?.example, 'partner-portal-docs/examples/funds-confirmation.mjs');
    assert.deepEqual(
      funds?.keyFiles.map((file) => file.variable),
      ['PRIVATE_JWK_FILE'],
    );
    assert.doesNotMatch(funds?.shell ?? '', /SIGNING_JWK_FILE|JWS_TRUST_ANCHOR/);
    const all = appSnippets(BANK, appWith(['PISP', 'CBPII', 'AISP'], ['https://app.example/cb'])).commands;
    assert.deepEqual(
      all.map((command) => command.purpose),
      ['account-information', 'payment', 'vrp-mandate', 'funds-confirmation'],
    );
  });

  test('redirect URIs https first, then http://localhost → the loopback one, whose callback the example catches itself', () => {
    const [command] = appSnippets(BANK, appWith(['AISP'], ['https://app.example/cb', 'http://localhost:8080/callback'])).commands;
    assert.match(command?.shell ?? '', /^REDIRECT_URI=http:\/\/localhost:8080\/callback \\$/m);
  });

  test('a redirect URI with quotes, spaces, & and $ → the shell hands it to the example unchanged', async () => {
    const uri = `https://app.example/cb?a=1&b='x' "$HOME" \`id\``;
    const [command] = appSnippets(BANK, appWith(['AISP'], [uri])).commands;
    assert.equal((await environmentSeenBy(command?.shell ?? '', { PRIVATE_JWK_FILE: 'k.json' })).REDIRECT_URI, uri);
  });

  test('without the key file variables set → the shell refuses to run the example, saying what to set', async () => {
    const [command] = appSnippets(BANK, appWith(['PISP'], ['https://app.example/cb'])).commands;
    await assert.rejects(environmentSeenBy(command?.shell ?? '', {}), (error: { stderr: string }) => {
      assert.match(error.stderr, /PRIVATE_JWK_FILE: set it to the path of your private key file for client authentication/);
      return true;
    });
    await assert.rejects(environmentSeenBy(command?.shell ?? '', { PRIVATE_JWK_FILE: 'k.json' }), (error: { stderr: string }) => {
      assert.match(error.stderr, /SIGNING_JWK_FILE: set it to the path of your private key file for payment message signing/);
      return true;
    });
  });

  test('the key files name the kids that fit: any registered key for client authentication, the RSA keys for signing; none for a jwks_uri app', () => {
    const [payment] = appSnippets(BANK, appWith(['PISP'], ['https://app.example/cb'])).commands;
    assert.deepEqual(
      payment?.keyFiles.map((file) => [file.variable, file.kids]),
      [
        ['PRIVATE_JWK_FILE', ['k-ec', 'k-rsa']],
        ['SIGNING_JWK_FILE', ['k-rsa']],
      ],
    );
    const [remote] = appSnippets(BANK, appWith(['PISP'], ['https://app.example/cb'], { jwks_uri: 'https://app.example/jwks' })).commands;
    assert.deepEqual(
      remote?.keyFiles.map((file) => file.kids),
      [[], []],
    );
  });
});
