import {
  advanceTestClock,
  attachConsentToTestClock,
  createTestClock,
  deleteTestClock,
  getTestClock,
  listTestClocks,
} from '../../domain/payments/test-clocks/test-clocks.js';
import { selfLink } from '../links.js';
import { pathParameter } from '../path-parameter.js';
import { presentTestClock, presentTestClocks } from '../presenters/test-clock-presenter.js';
import { clientOf, validatedBodyOf } from '../request-state.js';
import type { RouteDeclaration } from '../route.js';
import type { SandboxServices } from './sandbox-services.js';

/** Where the sandbox-only API lives: beside the Open Banking API, not in it (nothing here is an OBIE operation). */
export const SANDBOX_BASE_PATH = '/sandbox';

const CLOCK = '/test-clocks/:TestClockId';

/** The clock's own URL, from a URL below it (`…/consents`, `…/advance`). */
function clockLink(self: string): string {
  return self.replace(/\/(consents|advance)$/, '');
}

/**
 * `/sandbox/test-clocks`: an app's test clocks (client credentials of the app, scope payments, DPoP-bound like every
 * partner call; responses signed like the payment API's). Sandbox only: in production mode these paths do not exist.
 */
export const testClockRoutes: RouteDeclaration<SandboxServices>[] = [
  {
    method: 'POST',
    path: '/test-clocks',
    operationId: 'CreateTestClock',
    token: 'client-credentials',
    scope: 'payments',
    requestSchema: 'TestClockRequest',
    responseSchema: 'TestClockResponse',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'TestClockRequest');
      const view = await createTestClock(services.clocks, clientOf(ctx), body.Data, new Date());
      ctx.status = 201;
      ctx.body = presentTestClock(view, `${selfLink(ctx, services.issuer)}/${view.clock.id}`);
    },
  },
  {
    method: 'GET',
    path: '/test-clocks',
    operationId: 'GetTestClocks',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'TestClocksResponse',
    async handler(ctx, services) {
      ctx.body = presentTestClocks(await listTestClocks(services.clocks, clientOf(ctx), new Date()), selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'GET',
    path: CLOCK,
    operationId: 'GetTestClock',
    token: 'client-credentials',
    scope: 'payments',
    responseSchema: 'TestClockResponse',
    async handler(ctx, services) {
      const view = await getTestClock(services.clocks, clientOf(ctx), pathParameter(ctx, 'TestClockId'), new Date());
      ctx.body = presentTestClock(view, selfLink(ctx, services.issuer));
    },
  },
  {
    method: 'POST',
    path: `${CLOCK}/consents`,
    operationId: 'AttachTestClockConsent',
    token: 'client-credentials',
    scope: 'payments',
    requestSchema: 'TestClockConsentRequest',
    responseSchema: 'TestClockResponse',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'TestClockConsentRequest');
      const view = await attachConsentToTestClock(services, clientOf(ctx), pathParameter(ctx, 'TestClockId'), body.Data.ConsentId, new Date());
      ctx.body = presentTestClock(view, clockLink(selfLink(ctx, services.issuer)));
    },
  },
  {
    method: 'POST',
    path: `${CLOCK}/advance`,
    operationId: 'AdvanceTestClock',
    token: 'client-credentials',
    scope: 'payments',
    requestSchema: 'TestClockAdvanceRequest',
    responseSchema: 'TestClockResponse',
    async handler(ctx, services) {
      const body = validatedBodyOf(ctx, 'TestClockAdvanceRequest');
      const { view, advance } = await advanceTestClock(services, clientOf(ctx), pathParameter(ctx, 'TestClockId'), body.Data, new Date());
      ctx.body = presentTestClock(view, clockLink(selfLink(ctx, services.issuer)), advance);
    },
  },
  {
    method: 'DELETE',
    path: CLOCK,
    operationId: 'DeleteTestClock',
    token: 'client-credentials',
    scope: 'payments',
    async handler(ctx, services) {
      await deleteTestClock(services.clocks, clientOf(ctx), pathParameter(ctx, 'TestClockId'), new Date());
      ctx.status = 204;
    },
  },
];
