// Creates a partner app's keys and writes three files to the current directory (or to the directory given
// as the first argument):
//   private-jwk.json          ES256 private key (a JWK with "kid") for client authentication (private_key_jwt)
//                             at /token and /request: keep it secret; the examples sign their client assertions with it
//   signing-private-jwk.json  RSA private key (a JWK with "kid", alg PS256) for message signing: the x-jws-signature
//                             of payment requests (see payments.md): keep it secret
//   public-jwks.json          both public keys as a JWKS: what `npx openteller partner create --jwks-file` takes
// Refuses to overwrite existing files.
//
//   node partner-portal-docs/examples/generate-keys.mjs [directory]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { ExampleFailure, exitOnFailure } from './example-failures.mjs';

exitOnFailure();

const directory = process.argv[2] ?? '.';
const privateFile = join(directory, 'private-jwk.json');
const signingFile = join(directory, 'signing-private-jwk.json');
const publicFile = join(directory, 'public-jwks.json');
for (const file of [privateFile, signingFile, publicFile]) {
  if (existsSync(file)) {
    throw new ExampleFailure(`${file} already exists: keys are never overwritten.`, 'Pass another directory, or remove the old files first.');
  }
}

/** A key pair as a private JWK and a public JWK, both with the same new kid, the algorithm and use "sig". */
async function keyPair(alg, options = {}) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { ...options, extractable: true });
  const kid = randomUUID();
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}

const client = await keyPair('ES256');
const signing = await keyPair('PS256', { modulusLength: 2048 });
try {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  writeFileSync(privateFile, `${JSON.stringify(client.privateJwk, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(signingFile, `${JSON.stringify(signing.privateJwk, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(publicFile, `${JSON.stringify({ keys: [client.publicJwk, signing.publicJwk] }, null, 2)}\n`);
} catch (error) {
  throw new ExampleFailure(`Cannot write the keys to ${directory} (${error.code}).`, 'Pass a directory you can write to.');
}
console.log(`Wrote ${privateFile} (ES256, client authentication; keep it secret), kid ${client.privateJwk.kid}`);
console.log(`Wrote ${signingFile} (PS256, payment message signing; keep it secret), kid ${signing.privateJwk.kid}`);
console.log(`Wrote ${publicFile} (both public keys, for --jwks-file)`);
