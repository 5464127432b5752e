import type Provider from 'oidc-provider';
import type { GrantRevoker } from '../domain/consents/account-access-consent.js';

/**
 * Ends an OAuth grant in oidc-provider: the grant itself and every code and refresh token issued from it
 * (research §2.4 item 7). JWT access tokens cannot be recalled; the API re-checks the consent on every call.
 */
export function createGrantRevoker(provider: Provider): GrantRevoker {
  return {
    async revokeGrant(grantId: string) {
      const grant = await provider.Grant.find(grantId);
      await grant?.destroy();
      await Promise.all([provider.AuthorizationCode.revokeByGrantId(grantId), provider.RefreshToken.revokeByGrantId(grantId)]);
    },
  };
}
