/** Open Banking roles a partner app may hold. */
export type PartnerRole = 'AISP' | 'PISP' | 'CBPII';

/** The OAuth scope each role unlocks. */
export const SCOPE_OF_ROLE: Readonly<Record<PartnerRole, string>> = { AISP: 'accounts', PISP: 'payments', CBPII: 'fundsconfirmations' };

/**
 * Where an app may be used: `sandbox` apps connect sandbox customers only; an operator promotes an app to
 * `live` (`openteller partner approve`).
 */
export type AppEnvironment = 'sandbox' | 'live';

/**
 * - `active`: works;
 * - `disabled`: switched off by the partner, who can switch it on again;
 * - `suspended`: switched off by the bank's operator, who alone can reinstate it;
 * - `deregistered`: deleted by the partner through RFC 7592; final.
 * Only an `active` app can obtain tokens or call the API: the others fail on their very next request.
 */
export type AppStatus = 'active' | 'disabled' | 'suspended' | 'deregistered';

/** How the app was registered. */
export type AppOrigin = 'portal' | 'cli' | 'dcr';

/** The public keys an app authenticates and signs with: a key set held by the bank, or the partner's own URL. */
export type AppKeys = { readonly jwks: PublicJwks } | { readonly jwksUri: string };

/** A JSON Web Key Set of public keys, each with a unique `kid`. */
export interface PublicJwks {
  readonly keys: readonly Readonly<Record<string, unknown>>[];
}

/** Who a partner app signs its payment messages as (NOTES §10): its `http://openbanking.org.uk/iss` and its public keys. */
export interface SigningIdentity {
  readonly issuer: string;
  readonly keys: PublicJwks['keys'];
}

/**
 * Finds the signing identity of a client; null for an unknown or inactive one. `appVersion` (the app's current
 * version) lets a cache know when the app's keys changed.
 */
export type SigningIdentityLookup = (clientId: string, appVersion?: number) => Promise<SigningIdentity | null>;

/** A software statement as the partner sent it (a JWT signed by a directory) and its claims. */
export interface SignedSoftwareStatement {
  readonly jwt: string;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** OAuth client metadata (RFC 7591 names) as the authorization server reads it. */
export type ClientMetadata = Readonly<Record<string, unknown>> & {
  readonly client_id: string;
  readonly client_name: string;
  readonly redirect_uris: readonly string[];
  readonly scope: string;
};

/** An organisation that builds apps on the API. */
export interface Partner {
  /** `ptn_…`; also the `org_id` of its software statements. */
  readonly id: string;
  readonly name: string;
  /** An organisation that is not `active` gets no software statement accepted. */
  readonly status: 'active' | 'suspended';
  readonly createdAt: Date;
}

/** A partner's app: one OAuth client. */
export interface PartnerApp {
  readonly clientId: string;
  readonly partnerId: string;
  readonly partnerName: string;
  /** The software's id in the directory (the `software_id` of its software statements): 22 Base62 characters. */
  readonly softwareId: string;
  readonly name: string;
  readonly description: string;
  readonly roles: readonly PartnerRole[];
  readonly environment: AppEnvironment;
  readonly status: AppStatus;
  readonly origin: AppOrigin;
  /** The OAuth metadata the authorization server uses for this client. */
  readonly clientMetadata: ClientMetadata;
  /** For apps registered by DCR: the software statement verified at registration or last update. */
  readonly softwareStatement: SignedSoftwareStatement | null;
  /** SHA-256 of the RFC 7592 registration access token (DCR apps only). */
  readonly registrationTokenHash: string | null;
  /** Incremented by every change: updates are compare-and-set on it. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Persistence of partners and their apps. Every change of an app is a compare-and-set on its `version`. */
export interface PartnerStore {
  /** Stores the app, and its partner when `partner` is given (a new organisation), atomically. */
  insertApp(app: PartnerApp, partner: Partner | null): Promise<void>;
  findApp(clientId: string): Promise<PartnerApp | null>;
  /** What an app may do now and its version, in one indexed read (checked on every API call); see {@link effectiveStatus}. */
  findAppStanding(clientId: string): Promise<AppStanding | null>;
  findPartner(partnerId: string): Promise<Partner | null>;
  /** The partner's apps, newest first. */
  listApps(partnerId: string): Promise<PartnerApp[]>;
  /** Every app registered for one software (its portal app and its DCR registrations). */
  listAppsOfSoftware(softwareId: string): Promise<PartnerApp[]>;
  /** Inserts the partner unless one with its id exists. */
  insertPartnerIfAbsent(partner: Partner): Promise<void>;
  /**
   * Writes the apps, each only if its stored `version` is still the one it was read with (the stored version then
   * goes up by one), all or nothing.
   * @returns false, writing nothing, when any of them changed meanwhile.
   */
  saveApps(apps: readonly PartnerApp[]): Promise<boolean>;
}

/** Whether an app may act now, and its version (what is cached about its keys follows the version). */
export interface AppStanding {
  readonly status: AppStatus;
  readonly version: number;
}

/**
 * A client registered with the software statement of a portal app shares the app's fate: while the app is switched
 * off, suspended or deregistered, so is the client, whatever its own status. Any other app stands on its own.
 * @param softwareStatus the status of the portal app of the client's software, or null when it has none.
 */
export function effectiveStatus(own: AppStatus, softwareStatus: AppStatus | null): AppStatus {
  return own === 'active' && softwareStatus !== null && softwareStatus !== 'active' ? softwareStatus : own;
}

/**
 * The app that stands for its software among the apps of one software id: the one registered in the portal (or by
 * CLI), which its DCR clients are registered from.
 */
export function softwareAppOf(apps: readonly PartnerApp[]): PartnerApp | undefined {
  return apps.find((app) => app.origin !== 'dcr');
}

/** Whether `app` is a client the partner registered by DCR and has not deleted. */
export function isLiveRegistration(app: PartnerApp, partnerId: string): boolean {
  return app.origin === 'dcr' && app.partnerId === partnerId && app.status !== 'deregistered';
}

/** Whether the partner changes the app in the portal: registered there (or by CLI) and not deleted; a DCR client is changed through RFC 7592. */
export function isEditableInPortal(app: PartnerApp): boolean {
  return app.origin !== 'dcr' && app.status !== 'deregistered';
}

/**
 * The `http://openbanking.org.uk/iss` an app signs its payment messages with (NOTES §10):
 * `{organisation id}/{software id}` — here the partner id and the client id.
 */
export function messageSigningIssuer(app: Pick<PartnerApp, 'partnerId' | 'clientId'>): string {
  return `${app.partnerId}/${app.clientId}`;
}

/** The redirect URIs registered for the app. */
export function redirectUrisOf(app: PartnerApp): readonly string[] {
  return app.clientMetadata.redirect_uris;
}

/** The app's keys: the key set the bank holds, or the partner's `jwks_uri`. */
export function keysOf(app: PartnerApp): AppKeys {
  const { jwks, jwks_uri: jwksUri } = app.clientMetadata as { jwks?: PublicJwks; jwks_uri?: string };
  return jwksUri ? { jwksUri } : { jwks: jwks ?? { keys: [] } };
}
