import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError, InvalidField, ResourceNotFound } from '../errors.js';
import { changeApp } from './app-changes.js';
import {
  assertAcceptedByAuthorizationServer,
  checkKeys,
  fapiClientMetadata,
  registerPartnerApp,
  type AppRegistrationServices,
} from './app-registration.js';
import {
  isLiveRegistration,
  keysOf,
  softwareAppOf,
  type AppEnvironment,
  type AppKeys,
  type Partner,
  type PartnerApp,
  type PartnerStore,
} from './partner-app.js';
import { decideRegistration, RegistrationRefused, type RegistrationMetadata, type SoftwareStatement } from './software-statement.js';

/** How many live DCR clients one software may have: enough for every deployment, not a flood from a copied statement. */
export const MAX_CLIENTS_PER_SOFTWARE = 20;

/**
 * Registers a client for the software of a verified software statement (RFC 7591, OB DCR). Its keys are the
 * software's: for this platform's own directory, the key set of the software in the portal (kept in step when
 * the partner rotates keys there); for another directory, the statement's `software_jwks_endpoint`. So a stolen
 * statement registers nothing its thief can use.
 * @returns the client, and its registration access token (RFC 7592), which only the partner will know.
 * @throws RegistrationRefused with the RFC 7591 error code.
 */
export async function registerBySoftwareStatement(
  services: AppRegistrationServices,
  statement: SoftwareStatement,
  request: RegistrationMetadata,
  now: Date,
): Promise<ManagedRegistration> {
  const decision = decideRegistration(statement, request);
  const { owner, keys, environment } = await ownerAndKeys(services.partners, statement, now);
  const registered = (await services.partners.listAppsOfSoftware(statement.softwareId)).filter((app) => isLiveRegistration(app, owner.id));
  if (registered.length >= MAX_CLIENTS_PER_SOFTWARE) {
    throw new RegistrationRefused(
      'invalid_client_metadata',
      `This software already has ${MAX_CLIENTS_PER_SOFTWARE} registered clients: delete the ones you no longer use first`,
    );
  }
  const { token, hash } = newRegistrationToken();
  try {
    const app = await registerPartnerApp(
      services,
      owner,
      {
        name: statement.clientName,
        description: statement.description,
        redirectUris: decision.redirectUris,
        keys,
        roles: decision.roles,
        origin: 'dcr',
        softwareId: statement.softwareId,
        softwareStatement: { jwt: statement.jwt, claims: statement.claims },
        registrationTokenHash: hash,
        extraMetadata: decision.extraMetadata,
        environment,
      },
      now,
    );
    return { app, registrationToken: token };
  } catch (error) {
    throw asRegistrationRefusal(error);
  }
}

/** A DCR client and its current registration access token. */
export interface ManagedRegistration {
  readonly app: PartnerApp;
  readonly registrationToken: string;
}

/** The registration access token is wrong, or the client it was issued for is gone (RFC 6750 `invalid_token`). */
export class RegistrationTokenInvalid extends DomainError {
  readonly code = 'RegistrationTokenInvalid';
}

/**
 * The DCR client a registration access token designates.
 * @throws RegistrationTokenInvalid for an unknown or deregistered client, or a wrong token.
 */
export async function findRegistration(partners: PartnerStore, clientId: string, token: string): Promise<PartnerApp> {
  const app = await partners.findApp(clientId);
  if (!app) throw new RegistrationTokenInvalid('The registration access token is invalid');
  assertRegistrationToken(app, token);
  return app;
}

/**
 * Reads a DCR client's registration (RFC 7592 §2.1), rotating its registration access token: the token used is
 * spent, the response carries the next one.
 * @throws RegistrationTokenInvalid.
 */
export async function readRegistration(partners: PartnerStore, clientId: string, token: string, now: Date): Promise<ManagedRegistration> {
  const next = newRegistrationToken();
  const app = await changeRegistration(partners, clientId, token, (current) => [{ ...current, registrationTokenHash: next.hash, updatedAt: now }]);
  return { app, registrationToken: next.token };
}

/**
 * Replaces a DCR client's metadata (RFC 7592 §2.2): checked against the statement sent with the update, or the one
 * it was registered with. The client id stays the same, the registration access token rotates, and tokens already
 * issued keep working.
 * @throws RegistrationTokenInvalid; RegistrationRefused with the RFC 7591 error code (a statement of other
 *   software is `invalid_software_statement`; a suspended client `invalid_client_metadata`).
 */
export async function updateRegistration(
  services: AppRegistrationServices,
  clientId: string,
  token: string,
  statement: SoftwareStatement,
  request: RegistrationMetadata,
  now: Date,
): Promise<ManagedRegistration> {
  const next = newRegistrationToken();
  try {
    const app = await changeRegistration(services.partners, clientId, token, async (app) => {
      if (app.status === 'suspended') throw new RegistrationRefused('invalid_client_metadata', 'This client is suspended by the bank');
      if (statement.softwareId !== app.softwareId)
        throw new RegistrationRefused('invalid_software_statement', 'The software statement is for other software');
      const decision = decideRegistration(statement, request);
      const { owner, keys } = await ownerAndKeys(services.partners, statement, now);
      if (owner.id !== app.partnerId)
        throw new RegistrationRefused('invalid_software_statement', 'The software statement is of another organisation');
      const updated: PartnerApp = {
        ...app,
        name: statement.clientName,
        description: statement.description,
        roles: decision.roles,
        softwareStatement: { jwt: statement.jwt, claims: statement.claims },
        registrationTokenHash: next.hash,
        clientMetadata: fapiClientMetadata({
          clientId: app.clientId,
          name: statement.clientName,
          redirectUris: decision.redirectUris,
          keys: checkKeys(keys, services.mode),
          roles: decision.roles,
          extra: decision.extraMetadata,
        }),
        updatedAt: now,
      };
      await assertAcceptedByAuthorizationServer(services.validateClientMetadata, updated.clientMetadata);
      return [updated];
    });
    return { app, registrationToken: next.token };
  } catch (error) {
    throw asRegistrationRefusal(error);
  }
}

/**
 * The partner id for an organisation of another directory: derived from the directory and its `org_id`, so that
 * every registration of that organisation lands with the same partner.
 */
export function externalPartnerId(directory: string, orgId: string): string {
  return `ptn_${createHash('sha256').update(`${directory}\n${orgId}`).digest('base64url').slice(0, 22)}`;
}

/**
 * The public keys of the software a statement names: for this platform's own directory, those of the software in
 * the portal; for another directory, those at the statement's `software_jwks_endpoint`. A signed registration
 * request must verify with them, and the client gets them.
 * @throws RegistrationRefused `unapproved_software_statement` (own software or organisation not active) or
 *   `invalid_software_statement` (no `software_jwks_endpoint`).
 */
export async function softwareKeys(partners: PartnerStore, statement: SoftwareStatement): Promise<AppKeys> {
  if (statement.ownDirectory) return keysOf(await ownSoftware(partners, statement));
  if (!statement.jwksEndpoint) throw new RegistrationRefused('invalid_software_statement', 'The software statement has no software_jwks_endpoint');
  return { jwksUri: statement.jwksEndpoint };
}

/**
 * The portal app of a statement of this platform's own directory.
 * @throws RegistrationRefused `unapproved_software_statement` when it or its organisation is not active.
 */
async function ownSoftware(partners: PartnerStore, statement: SoftwareStatement): Promise<PartnerApp> {
  const [partner, apps] = await Promise.all([partners.findPartner(statement.orgId), partners.listAppsOfSoftware(statement.softwareId)]);
  const software = softwareAppOf(apps);
  if (!partner || partner.status !== 'active') throw unapproved('The organisation of the software statement is not active in the directory');
  if (software?.partnerId !== statement.orgId || software.status !== 'active')
    throw unapproved('The software of the software statement is not active in the directory');
  return software;
}

/**
 * Who the client belongs to, the keys it gets, and where it may be used: a client of the bank's own, live software
 * is live; any other starts in the sandbox.
 */
async function ownerAndKeys(
  partners: PartnerStore,
  statement: SoftwareStatement,
  now: Date,
): Promise<{ owner: Partner; keys: AppKeys; environment: AppEnvironment }> {
  if (statement.ownDirectory) {
    const software = await ownSoftware(partners, statement);
    return { owner: (await partners.findPartner(statement.orgId)) as Partner, keys: keysOf(software), environment: software.environment };
  }
  const keys = await softwareKeys(partners, statement);
  const candidate: Partner = {
    id: externalPartnerId(statement.directory, statement.orgId),
    name: statement.orgName,
    status: 'active',
    createdAt: now,
  };
  await partners.insertPartnerIfAbsent(candidate);
  const partner = (await partners.findPartner(candidate.id)) ?? candidate;
  if (partner.status !== 'active') throw unapproved('The organisation of the software statement is suspended at this bank');
  return { owner: partner, keys, environment: 'sandbox' };
}

function unapproved(message: string): RegistrationRefused {
  return new RegistrationRefused('unapproved_software_statement', message);
}

/** Field errors of the shared registration rules, in RFC 7591 terms. */
function asRegistrationRefusal(error: unknown): unknown {
  if (error instanceof RegistrationRefused || error instanceof RegistrationTokenInvalid || !(error instanceof DomainError)) return error;
  const code = error instanceof InvalidField && error.path === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata';
  return new RegistrationRefused(code, error.message);
}

/**
 * Deletes a DCR client (RFC 7592 §2.3): it is deregistered for good, its consents end and their tokens stop
 * working at once. The consents end first, so a failure leaves the client registered and the partner can try
 * again with the same token; they are ended once more after the deregistration, for any authorised in between.
 * @param endConsents ends the client's consents and revokes their grants.
 * @throws RegistrationTokenInvalid.
 */
export async function deregisterClient(
  partners: PartnerStore,
  endConsents: (clientId: string, now: Date) => Promise<unknown>,
  clientId: string,
  token: string,
  now: Date,
): Promise<void> {
  await findRegistration(partners, clientId, token);
  await endConsents(clientId, now);
  await changeRegistration(partners, clientId, token, (app) => [{ ...app, status: 'deregistered', registrationTokenHash: null, updatedAt: now }]);
  await endConsents(clientId, now);
}

/**
 * Changes a DCR client as its registration access token allows (checked again on the state being changed, so a
 * token spent by a concurrent request fails).
 * @throws RegistrationTokenInvalid for an unknown client or a wrong token.
 */
async function changeRegistration(
  partners: PartnerStore,
  clientId: string,
  token: string,
  change: (app: PartnerApp) => readonly PartnerApp[] | Promise<readonly PartnerApp[]>,
): Promise<PartnerApp> {
  try {
    return await changeApp(partners, 'operator', clientId, (app) => {
      assertRegistrationToken(app, token);
      return change(app);
    });
  } catch (error) {
    if (error instanceof ResourceNotFound) throw new RegistrationTokenInvalid('The registration access token is invalid');
    throw error;
  }
}

function newRegistrationToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRegistrationToken(token) };
}

function hashRegistrationToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** @throws RegistrationTokenInvalid unless `token` is the live registration access token of a DCR client. */
function assertRegistrationToken(app: PartnerApp, token: string): void {
  const expected = app.registrationTokenHash;
  const actual = Buffer.from(hashRegistrationToken(token));
  const valid =
    app.origin === 'dcr' &&
    app.status !== 'deregistered' &&
    expected !== null &&
    expected.length === actual.length &&
    timingSafeEqual(Buffer.from(expected), actual);
  if (!valid) throw new RegistrationTokenInvalid('The registration access token is invalid');
}
