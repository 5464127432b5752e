import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { BoundedCache } from '../caching/bounded-cache.js';

/** A public key imported from a JWK, with its RFC 7638 thumbprint. */
export interface PublicJwk {
  readonly key: KeyObject;
  /** The SHA-256 JWK thumbprint (RFC 7638 §3), base64url: what `cnf.jkt` names. */
  readonly thumbprint: string;
}

/** Members that only a private (or symmetric) key has: such a JWK is never imported as a public key. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Imported keys by their thumbprint input (the required members in lexicographic order, RFC 7638 §3.2): a partner
 * signs every proof or request with the same key, so it is parsed and hashed once per process, not per request.
 * The input is the key material itself, so an entry is only ever found for that very key.
 */
const importedKeys = new BoundedCache<string, PublicJwk>(10_000);

/**
 * Imports the public key a JWK describes (EC, RSA or OKP) with `node:crypto`, and computes its thumbprint; only the
 * members that define the key are read, so `alg`, `use`, `key_ops` or `kid` cannot make two imports of one key differ.
 * @throws Error when the JWK holds private members, is of another type, or does not describe a valid public key.
 */
export function importPublicJwk(jwk: unknown): PublicJwk {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new Error('a JWK must be a JSON object');
  const members = jwk as Readonly<Record<string, unknown>>;
  if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(members, member))) throw new Error('the JWK holds private key members');
  const input = thumbprintInput(members);
  const cached = importedKeys.get(input);
  if (cached) return cached;
  const required = JSON.parse(input) as Record<string, string>;
  const imported: PublicJwk = {
    key: createPublicKey({ key: required, format: 'jwk' }),
    thumbprint: createHash('sha256').update(input).digest('base64url'),
  };
  importedKeys.set(input, imported);
  return imported;
}

/** The JSON whose SHA-256 is the thumbprint: the required members of the key type, in lexicographic order, as strings. */
function thumbprintInput(jwk: Readonly<Record<string, unknown>>): string {
  switch (jwk.kty) {
    case 'EC':
      return JSON.stringify({ crv: text(jwk, 'crv'), kty: 'EC', x: text(jwk, 'x'), y: text(jwk, 'y') });
    case 'RSA':
      return JSON.stringify({ e: text(jwk, 'e'), kty: 'RSA', n: text(jwk, 'n') });
    case 'OKP':
      return JSON.stringify({ crv: text(jwk, 'crv'), kty: 'OKP', x: text(jwk, 'x') });
    default:
      throw new Error('unsupported key type');
  }
}

function text(jwk: Readonly<Record<string, unknown>>, member: string): string {
  const value = jwk[member];
  if (typeof value !== 'string' || value === '') throw new Error(`the JWK member "${member}" must be a non-empty string`);
  return value;
}
