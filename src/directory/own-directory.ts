import { SignJWT, type JWK } from 'jose';
import { findAppOf, type AppActor } from '../domain/partners/app-changes.js';
import type { PartnerStore } from '../domain/partners/partner-app.js';
import { softwareStatementClaimsFor, type OwnDirectory } from '../domain/partners/software-statement.js';
import type { DirectorySigningKey } from './directory-key.js';

/** The bank's own directory of software: it signs software statements for the apps of the portal. */
export interface OwnDirectoryService extends OwnDirectory {
  /** Where the directory publishes the public keys its statements verify with. */
  readonly jwksUri: string;
  readonly publicJwks: { keys: JWK[] };
  /**
   * A fresh software statement for one app.
   * @throws the DomainErrors of `findAppOf` and `softwareStatementClaimsFor`.
   */
  issueFor(actor: AppActor, clientId: string, now: Date): Promise<string>;
}

/** Base path of the directory's public endpoints. */
export const DIRECTORY_PATH = '/directory';

/** The directory at `{issuer}/directory`, signing with `key`. */
export function createOwnDirectory(issuer: string, key: DirectorySigningKey, partners: PartnerStore): OwnDirectoryService {
  const base = `${issuer}${DIRECTORY_PATH}`;
  const directory: OwnDirectory = { issuer: base, softwareJwksEndpoint: (softwareId) => `${base}/software/${softwareId}/jwks` };
  return {
    ...directory,
    jwksUri: `${base}/jwks`,
    publicJwks: key.publicJwks,
    async issueFor(actor, clientId, now) {
      const app = await findAppOf(partners, actor, clientId);
      const partner = await partners.findPartner(app.partnerId);
      if (!partner) throw new Error(`partner ${app.partnerId} of app ${clientId} is missing`);
      return new SignJWT(softwareStatementClaimsFor(app, partner, directory, now))
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .sign(key.key);
    },
  };
}
