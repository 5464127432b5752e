import { ActionNotAllowed } from '../errors.js';
import { changeApp, type AppActor } from './app-changes.js';
import type { AppEnvironment, AppStatus, PartnerApp, PartnerStore } from './partner-app.js';

/**
 * The operator promotes an app to `live`: it may then connect every customer, not only sandbox ones.
 * @throws ResourceNotFound for an unknown app; ActionNotAllowed for a deregistered one.
 */
export function approveApp(store: PartnerStore, clientId: string, now: Date): Promise<PartnerApp> {
  return changeApp(store, 'operator', clientId, (app) => {
    assertNotDeregistered(app);
    return app.environment === 'live' ? [] : [{ ...app, environment: 'live', updatedAt: now }];
  });
}

/**
 * The operator suspends an app: it gets no more tokens, and the tokens it holds stop working on their very next
 * call. Suspending a suspended app changes nothing.
 * @throws ResourceNotFound; ActionNotAllowed for a deregistered app.
 */
export function suspendApp(store: PartnerStore, clientId: string, now: Date): Promise<PartnerApp> {
  return moveApp(store, 'operator', clientId, ['active', 'disabled'], 'suspended', now);
}

/**
 * The operator lifts a suspension.
 * @throws ResourceNotFound; ActionNotAllowed when the app is not suspended (an active app included: the operator
 *   probably named the wrong app).
 */
export function reinstateApp(store: PartnerStore, clientId: string, now: Date): Promise<PartnerApp> {
  return moveApp(store, 'operator', clientId, ['suspended'], 'active', now, { strict: true });
}

/**
 * The partner switches its app off (same effect as a suspension, but the partner can switch it on again).
 * @throws ResourceNotFound; ActionNotAllowed for a suspended or deregistered app.
 */
export function disableApp(store: PartnerStore, partnerId: string, clientId: string, now: Date): Promise<PartnerApp> {
  return moveApp(store, { partnerId }, clientId, ['active'], 'disabled', now);
}

/**
 * The partner switches its disabled app on again.
 * @throws ResourceNotFound; ActionNotAllowed for a suspended or deregistered app.
 */
export function enableApp(store: PartnerStore, partnerId: string, clientId: string, now: Date): Promise<PartnerApp> {
  return moveApp(store, { partnerId }, clientId, ['disabled'], 'active', now);
}

/**
 * Whether an app may connect a customer: a `sandbox` app connects sandbox customers only.
 * @throws ActionNotAllowed otherwise.
 */
export function assertAppMayServeCustomer(app: Pick<PartnerApp, 'environment'>, customerEnvironment: AppEnvironment): void {
  if (app.environment === 'sandbox' && customerEnvironment !== 'sandbox') {
    throw new ActionNotAllowed('This app is still in the sandbox: it can connect sandbox customers only, until the bank approves it for live use');
  }
}

/** @throws ActionNotAllowed for a deregistered app. */
export function assertNotDeregistered(app: PartnerApp): void {
  if (app.status === 'deregistered') throw new ActionNotAllowed(`App ${app.clientId} was deregistered`);
}

/** Moves an app from one of `from` to `to`; already in `to` is a no-op unless `strict`. */
async function moveApp(
  store: PartnerStore,
  actor: AppActor,
  clientId: string,
  from: readonly AppStatus[],
  to: AppStatus,
  now: Date,
  { strict = false } = {},
): Promise<PartnerApp> {
  return changeApp(store, actor, clientId, (app) => {
    if (app.status === to && !strict) return [];
    if (!from.includes(app.status)) throw new ActionNotAllowed(refusal(app, to));
    return [{ ...app, status: to, updatedAt: now }];
  });
}

function refusal(app: PartnerApp, to: AppStatus): string {
  if (app.status === 'deregistered') return `App ${app.clientId} was deregistered`;
  if (app.status === 'suspended') return `App ${app.clientId} is suspended by the bank; only the bank can reinstate it`;
  if (to === 'active') return `App ${app.clientId} is not suspended`;
  return `App ${app.clientId} cannot go from ${app.status} to ${to}`;
}
