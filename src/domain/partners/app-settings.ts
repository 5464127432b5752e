import { ActionNotAllowed, InvalidField } from '../errors.js';
import { changeApp } from './app-changes.js';
import { assertNotDeregistered } from './app-lifecycle.js';
import {
  assertAcceptedByAuthorizationServer,
  assertSigningKeyForRoles,
  checkDescription,
  checkKeys,
  checkName,
  checkPublicJwk,
  checkPublicJwks,
  checkRedirectUris,
  checkRoles,
  scopeOfRoles,
  type AppRegistrationServices,
} from './app-registration.js';
import { isEditableInPortal, isLiveRegistration, keysOf, type PartnerApp, type PublicJwks } from './partner-app.js';

/** What a partner can change about an app in the portal. */
export interface AppDetails {
  readonly name: string;
  readonly description: string;
  readonly redirectUris: readonly string[];
  readonly roles: readonly string[];
  /** Only for apps whose keys are served from a URL. */
  readonly jwksUri?: string;
}

/**
 * The partner changes an app's name, description, redirect URIs, roles (hence scopes) or key set URL. Tokens
 * already issued keep their scopes. A live app keeps what the bank approved: its name cannot change and its roles
 * and redirect URIs can only be removed, never added (a new role or redirect URI needs a new app, approved anew).
 * @throws InvalidField for a bad value (path = the field); ActionNotAllowed for an app registered by DCR (it is
 *   changed with its registration access token), a deregistered app, or a live app gaining a name, role or
 *   redirect URI; ResourceNotFound; ConcurrentChange.
 */
export function updateAppDetails(
  services: AppRegistrationServices,
  partnerId: string,
  clientId: string,
  details: AppDetails,
  now: Date,
): Promise<PartnerApp> {
  return changeApp(services.partners, { partnerId }, clientId, async (app) => {
    assertEditableInPortal(app);
    const roles = checkRoles(details.roles);
    const keys = keysOf(app);
    const jwksUri = 'jwksUri' in keys && details.jwksUri !== undefined ? checkKeys({ jwksUri: details.jwksUri }, services.mode) : keys;
    assertSigningKeyForRoles(roles, jwksUri);
    const name = checkName(details.name);
    const redirectUris = checkRedirectUris(details.redirectUris, services.mode);
    if (app.environment === 'live') assertWithinApproval(app, { name, roles, redirectUris });
    const updated: PartnerApp = {
      ...app,
      name,
      description: checkDescription(details.description),
      roles,
      clientMetadata: {
        ...app.clientMetadata,
        client_name: name,
        redirect_uris: redirectUris,
        scope: scopeOfRoles(roles),
        ...('jwksUri' in jwksUri ? { jwks_uri: jwksUri.jwksUri } : {}),
      },
      updatedAt: now,
    };
    await assertAcceptedByAuthorizationServer(services.validateClientMetadata, updated.clientMetadata);
    return [updated];
  });
}

/**
 * Adds public keys to an app whose key set the bank holds: step one of a rotation. The app's DCR registrations
 * that share its key set get them too. Running integrations are not disturbed: tokens are bound to DPoP keys,
 * and every registered key is accepted until it is retired.
 * @param keys one JWK, or a JWKS of several.
 * @throws InvalidField for a bad key or a `kid` already registered (path `jwks`); ActionNotAllowed for keys served
 *   from a URL; ResourceNotFound; ConcurrentChange.
 */
export async function addAppKeys(
  services: AppRegistrationServices,
  partnerId: string,
  clientId: string,
  keys: unknown,
  now: Date,
): Promise<PartnerApp> {
  const added = Array.isArray((keys as { keys?: unknown } | null)?.keys) ? (keys as { keys: unknown[] }).keys : [keys];
  if (added.length === 0) throw new InvalidField('Give at least one key to add', 'jwks');
  for (const key of added) checkPublicJwk(key);
  return changeKeySet(services, partnerId, clientId, now, (current) => {
    const known = new Set(current.keys.map((key) => key.kid));
    const repeated = added.find((key) => known.has((key as { kid: string }).kid)) as { kid: string } | undefined;
    if (repeated) throw new InvalidField(`Key id ${repeated.kid} is already registered: give the new key its own kid`, 'jwks');
    return checkPublicJwks({ keys: [...current.keys, ...added] });
  });
}

/**
 * Retires one key (step two of a rotation): client assertions and message signatures made with it are refused
 * from now on.
 * @throws ActionNotAllowed for the app's last key or keys served from a URL; InvalidField for an unknown `kid`;
 *   ResourceNotFound; ConcurrentChange.
 */
export function retireAppKey(services: AppRegistrationServices, partnerId: string, clientId: string, kid: string, now: Date): Promise<PartnerApp> {
  return changeKeySet(services, partnerId, clientId, now, (current) => {
    const remaining = current.keys.filter((key) => key.kid !== kid);
    if (remaining.length === current.keys.length) throw new InvalidField(`The app has no key ${kid}`, 'kid');
    if (remaining.length === 0) throw new ActionNotAllowed('An app needs at least one key: add the new key before retiring the last one');
    return { keys: remaining };
  });
}

async function changeKeySet(
  services: AppRegistrationServices,
  partnerId: string,
  clientId: string,
  now: Date,
  change: (current: PublicJwks) => PublicJwks,
): Promise<PartnerApp> {
  return changeApp(services.partners, { partnerId }, clientId, async (app) => {
    assertEditableInPortal(app);
    const keys = keysOf(app);
    if (!('jwks' in keys)) throw new ActionNotAllowed("This app's keys are served from its jwks_uri: add and remove keys there");
    const jwks = change(keys.jwks);
    assertSigningKeyForRoles(app.roles, { jwks });
    const withKeys = (target: PartnerApp): PartnerApp => ({ ...target, clientMetadata: { ...target.clientMetadata, jwks }, updatedAt: now });
    const updated = withKeys(app);
    await assertAcceptedByAuthorizationServer(services.validateClientMetadata, updated.clientMetadata);
    const registrations = (await services.partners.listAppsOfSoftware(app.softwareId)).filter(
      (other) => isLiveRegistration(other, app.partnerId) && 'jwks' in keysOf(other),
    );
    return [updated, ...registrations.map(withKeys)];
  });
}

/** @throws ActionNotAllowed when a live app would get a name, role or redirect URI the bank did not approve. */
function assertWithinApproval(app: PartnerApp, wanted: { name: string; roles: readonly string[]; redirectUris: readonly string[] }): void {
  const newRole = wanted.roles.find((role) => !app.roles.includes(role as PartnerApp['roles'][number]));
  const newUri = wanted.redirectUris.find((uri) => !app.clientMetadata.redirect_uris.includes(uri));
  const refusal = wanted.name !== app.name ? 'its name' : newRole ? `the role ${newRole}` : newUri ? `the redirect URI ${newUri}` : null;
  if (refusal) {
    throw new ActionNotAllowed(
      `This app is live: the bank approved its name, roles and redirect URIs, so ${refusal} cannot be added or changed here. Remove what you no longer use, or register a new app for the bank to approve`,
    );
  }
}

function assertEditableInPortal(app: PartnerApp): void {
  if (isEditableInPortal(app)) return;
  assertNotDeregistered(app);
  throw new ActionNotAllowed(`App ${app.clientId} was registered by Dynamic Client Registration: change it with PUT on its registration_client_uri`);
}
