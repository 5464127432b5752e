import type { TestClockServices } from '../../domain/payments/test-clocks/test-clocks.js';

/** What the sandbox-only endpoints call (absent in production mode: the routes then do not exist). */
export interface SandboxServices extends TestClockServices {
  readonly issuer: string;
}
