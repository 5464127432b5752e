import { ConcurrentChange, ResourceNotFound } from '../errors.js';
import type { PartnerApp, PartnerStore } from './partner-app.js';

const MAX_ATTEMPTS = 3;

/** Who asks for a change: the partner that owns the app (portal) or the bank's operator (CLI). */
export type AppActor = { readonly partnerId: string } | 'operator';

/**
 * Reads an app, applies `change` and saves what it returns (the app first, then any other app that changes with
 * it), as one compare-and-set on every app's version; a change that races another one is applied again to the
 * fresh state, so concurrent edits never overwrite each other.
 * @param change returns the apps to save, or an empty list for nothing to do; may throw a DomainError.
 * @returns the app as it stands afterwards.
 * @throws ResourceNotFound for an unknown app or one of another partner; ConcurrentChange after repeated races.
 */
export async function changeApp(
  store: PartnerStore,
  actor: AppActor,
  clientId: string,
  change: (app: PartnerApp) => readonly PartnerApp[] | Promise<readonly PartnerApp[]>,
): Promise<PartnerApp> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const app = await findAppOf(store, actor, clientId);
    const changed = await change(app);
    if (changed.length === 0) return app;
    if (await store.saveApps(changed)) return { ...(changed[0] as PartnerApp), version: app.version + 1 };
  }
  throw new ConcurrentChange(`App ${clientId} was changed by someone else at the same time; try again`);
}

/**
 * The app, if the actor may see it.
 * @throws ResourceNotFound for an unknown app or another partner's (never revealed).
 */
export async function findAppOf(store: PartnerStore, actor: AppActor, clientId: string): Promise<PartnerApp> {
  const app = await store.findApp(clientId);
  if (!app || (actor !== 'operator' && app.partnerId !== actor.partnerId)) throw new ResourceNotFound(`There is no app ${clientId}`);
  return app;
}
