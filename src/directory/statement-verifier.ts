import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWK, type JWTVerifyGetKey } from 'jose';
import type { TrustedDirectory } from '../config/directory-config.js';
import type { SignedSoftwareStatement } from '../domain/partners/partner-app.js';
import { RegistrationRefused } from '../domain/partners/software-statement.js';
import type { RemoteKeySets } from '../oauth/remote-key-sets.js';

/** A software statement whose signature verified, and the directory that signed it. */
export interface VerifiedStatement {
  readonly statement: SignedSoftwareStatement;
  readonly directory: { readonly issuer: string; readonly own: boolean };
}

/** Verifies software statements against the directories the bank trusts. */
export type StatementVerifier = (jwt: unknown) => Promise<VerifiedStatement>;

const ALGORITHMS = ['PS256', 'ES256'];

/**
 * The verifier of software statements: the statement must be a JWS (never `alg: none`) whose `iss` is a
 * trusted directory — the bank's own, or one of `TRUSTED_DIRECTORIES_FILE` — and whose signature verifies with
 * that directory's keys (never keys the statement itself carries: `jwk`, `jku`, `x5u`, `x5c` are ignored).
 * Freshness and the claims registration needs are checked by the domain.
 * @throws RegistrationRefused `invalid_software_statement` (not a JWS, unsigned, bad signature, expired `exp`) or
 *   `unapproved_software_statement` (a directory the bank does not trust).
 */
export function createStatementVerifier(
  own: { issuer: string; publicJwks: { keys: JWK[] } } | null,
  trusted: readonly TrustedDirectory[],
  remoteKeys: RemoteKeySets,
): StatementVerifier {
  const directories = new Map<string, { own: boolean; keys: JWTVerifyGetKey }>();
  for (const directory of trusted) {
    const keys = directory.jwksUri ? remoteKeys.resolver(directory.jwksUri) : createLocalJWKSet({ keys: [...(directory.jwks?.keys ?? [])] as JWK[] });
    directories.set(directory.issuer, { own: false, keys });
  }
  if (own) directories.set(own.issuer, { own: true, keys: createLocalJWKSet(own.publicJwks) });

  return async function verifySoftwareStatement(jwt) {
    const invalid = (message: string) => new RegistrationRefused('invalid_software_statement', message);
    if (typeof jwt !== 'string' || !jwt) throw invalid('software_statement is required: the software statement (a JWT) from your directory');
    let issuer: unknown;
    try {
      const header = decodeProtectedHeader(jwt);
      if (typeof header.alg !== 'string' || header.alg.toLowerCase() === 'none') throw invalid('The software statement is not signed');
      issuer = decodeJwt(jwt).iss;
    } catch (error) {
      if (error instanceof RegistrationRefused) throw error;
      throw invalid('The software statement is not a JWT');
    }
    const directory = typeof issuer === 'string' ? directories.get(issuer) : undefined;
    if (!directory)
      throw new RegistrationRefused(
        'unapproved_software_statement',
        `The software statement is issued by ${JSON.stringify(issuer ?? null)}, a directory this bank does not trust`,
      );
    try {
      const { payload } = await jwtVerify(jwt, directory.keys, { issuer: issuer as string, algorithms: ALGORITHMS, clockTolerance: 60 });
      return { statement: { jwt, claims: payload }, directory: { issuer: issuer as string, own: directory.own } };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw invalid('The software statement has expired');
      if (error instanceof errors.JOSEAlgNotAllowed) throw invalid(`The software statement must be signed with ${ALGORITHMS.join(' or ')}`);
      throw invalid("The software statement's signature does not verify with the directory's keys");
    }
  };
}
