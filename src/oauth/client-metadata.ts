import type Provider from 'oidc-provider';
import type { Config } from '../config/config.js';
import type { ClientMetadataValidator } from '../domain/partners/app-registration.js';
import type { KeyMaterial } from './key-material.js';
import { createProvider } from './provider.js';
import { createLogger } from '../logging/logger.js';

/**
 * Validates partner client metadata exactly as the running authorization server will, by asking an
 * oidc-provider configured the same way (with the same keys, without storage: only metadata rules run).
 */
export function validateClientMetadata(config: Config, keys: KeyMaterial): ClientMetadataValidator {
  let provider: Provider | undefined;
  return async (metadata) => {
    provider ??= createProvider({
      issuer: config.issuer,
      adapter: class NoStorage {
        constructor(readonly name: string) {}
        async upsert() {}
        async find() {
          return undefined;
        }
        async findByUid() {
          return undefined;
        }
        async findByUserCode() {
          return undefined;
        }
        async consume() {}
        async destroy() {}
        async revokeByGrantId() {}
      },
      keys,
      logger: createLogger('silent'),
      intents: undefined as never,
      customers: undefined as never,
    });
    await provider.Client.validate(metadata as unknown as Parameters<typeof provider.Client.validate>[0]);
  };
}
