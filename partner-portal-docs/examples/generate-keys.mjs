// Creates an ES256 key pair for a partner app and writes two files to the current directory (or to the
// directory given as the first argument):
//   private-jwk.json  the private key (a JWK with "kid"): keep it secret; the example signs with it
//   public-jwks.json  the public key as a JWKS: what `npx openteller partner create --jwks-file` takes
// Refuses to overwrite existing files.
//
//   node partner-portal-docs/examples/generate-keys.mjs [directory]
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';

const directory = process.argv[2] ?? '.';
const privateFile = join(directory, 'private-jwk.json');
const publicFile = join(directory, 'public-jwks.json');
for (const file of [privateFile, publicFile]) {
  if (existsSync(file)) {
    console.error(`${file} already exists; remove it or pass another directory`);
    process.exit(1);
  }
}

const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
const kid = randomUUID();
const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };

writeFileSync(privateFile, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600 });
writeFileSync(publicFile, `${JSON.stringify({ keys: [publicJwk] }, null, 2)}\n`);
console.log(`Wrote ${privateFile} (private, keep it secret) and ${publicFile} (public, for --jwks-file). kid: ${kid}`);
