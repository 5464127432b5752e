import { compactVerify, importJWK, type JWK } from 'jose';
import type { Config } from '../../src/config/config.js';
import { loadKeyMaterial, publicJwks } from '../../src/oauth/key-material.js';
import type { Database } from '../../src/persistence/data-source.js';
import { TypeOrmServerKeyStore } from '../../src/persistence/stores/server-key-store.js';

/**
 * Verifies the bank's detached `x-jws-signature` of a response body with the server's public key (PS256, the three OB
 * critical claims), as a partner would; throws when it does not verify.
 */
export async function verifyResponseSignature(body: string, signature: string, database: Database, config: Config): Promise<void> {
  const [header, , sig] = signature.split('.');
  const keys = publicJwks(await loadKeyMaterial(config, new TypeOrmServerKeyStore(database.dataSource))).keys;
  const kid = (JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as { kid?: string }).kid;
  const jwk: JWK | undefined = keys.find((key) => key.kid === kid);
  if (!jwk) throw new Error(`response signed with unknown kid ${kid ?? '(none)'}`);
  const crit = { 'http://openbanking.org.uk/iat': true, 'http://openbanking.org.uk/iss': true, 'http://openbanking.org.uk/tan': true };
  await compactVerify(`${header}.${Buffer.from(body).toString('base64url')}.${sig}`, await importJWK(jwk, 'PS256'), { algorithms: ['PS256'], crit });
}
