import type { Context, Next } from 'koa';
import { keysOf, softwareAppOf, type PartnerStore } from '../domain/partners/partner-app.js';
import { DIRECTORY_PATH, type OwnDirectoryService } from './own-directory.js';

const SOFTWARE_JWKS = new RegExp(`^${DIRECTORY_PATH}/software/([0-9A-Za-z]{1,64})/jwks$`);

/**
 * The public side of the bank's own directory: its signing keys (`/directory/jwks`, what software statements
 * verify with) and each active software's public keys (`/directory/software/{software_id}/jwks`, the
 * `software_jwks_endpoint` of its statements). Anything else under `/directory` is 404.
 */
export function directoryEndpoints(directory: OwnDirectoryService | null, partners: PartnerStore) {
  return async function directoryEndpointsMiddleware(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== DIRECTORY_PATH && !ctx.path.startsWith(`${DIRECTORY_PATH}/`)) {
      await next();
      return;
    }
    const jwks = ctx.method === 'GET' && directory ? await publishedKeys(ctx.path, directory, partners) : null;
    if (!jwks) {
      ctx.status = 404;
      ctx.body = {
        error: 'not_found',
        error_description: directory ? `Nothing is published at ${ctx.path}` : 'This bank runs no directory of its own',
      };
      return;
    }
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.type = 'application/jwk-set+json';
    ctx.body = jwks;
  };
}

async function publishedKeys(path: string, directory: OwnDirectoryService, partners: PartnerStore): Promise<object | null> {
  if (path === `${DIRECTORY_PATH}/jwks`) return directory.publicJwks;
  const softwareId = SOFTWARE_JWKS.exec(path)?.[1];
  if (!softwareId) return null;
  const software = softwareAppOf(await partners.listAppsOfSoftware(softwareId));
  const keys = software?.status === 'active' ? keysOf(software) : null;
  return keys && 'jwks' in keys ? keys.jwks : null;
}
