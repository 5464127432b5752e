import { keysOf, type PartnerApp } from '../domain/partners/partner-app.js';

/** What the examples need to know about the bank that runs the portal. */
export interface BankSettings {
  readonly issuer: string;
  /** The trust anchor payment message signatures name (`http://openbanking.org.uk/tan`). */
  readonly trustAnchor: string;
  /** Who the bank signs its payment API responses as (`http://openbanking.org.uk/iss`). */
  readonly bankOrganisationId: string;
}

/** A private key file the partner points a variable at before running an example: the portal never sees it. */
export interface KeyFileSetting {
  readonly variable: 'PRIVATE_JWK_FILE' | 'SIGNING_JWK_FILE';
  /** What the key signs, in words. */
  readonly purpose: string;
  /** The kids of the app's registered keys whose private half fits; empty when the bank fetches the keys from a jwks_uri. */
  readonly kids: readonly string[];
  /** The name `generate-keys.mjs` gives the file. */
  readonly generatedAs: string;
}

/** A command that runs one of the partner docs' examples against the app exactly as shown, once the key files are set. */
export interface ExampleCommand {
  readonly role: 'AISP' | 'PISP' | 'CBPII';
  /** What the example does: read accounts, make a single payment, a VRP mandate with payments under it, or confirm funds. */
  readonly purpose: 'account-information' | 'payment' | 'vrp-mandate' | 'funds-confirmation';
  readonly example: string;
  readonly keyFiles: readonly KeyFileSetting[];
  readonly shell: string;
}

/** The app's configuration: the commands for each role that has an API to try, and the settings as JSON. */
export interface AppSnippets {
  /** In the order AISP (account information), PISP (a payment, then a VRP mandate), CBPII (confirmation of funds). */
  readonly commands: readonly ExampleCommand[];
  readonly json: string;
}

/**
 * Ready-to-run configuration for an app: the commands that run the account-information, payment, VRP and confirmation
 * of funds examples of the partner docs (for the roles the app holds) with the bank's and the app's settings filled in, and the same
 * settings as JSON for any OpenID Connect client library.
 */
export function appSnippets(bank: BankSettings, app: PartnerApp): AppSnippets {
  const keys = keysOf(app);
  const registered = 'jwks' in keys ? keys.jwks.keys : [];
  const kidOf = (key: Readonly<Record<string, unknown>>): string => (typeof key.kid === 'string' ? key.kid : '');
  const clientKey: KeyFileSetting = {
    variable: 'PRIVATE_JWK_FILE',
    purpose: 'client authentication (private_key_jwt)',
    kids: registered.map(kidOf),
    generatedAs: 'private-jwk.json',
  };
  const common = { ISSUER: bank.issuer, CLIENT_ID: app.clientId, REDIRECT_URI: exampleRedirectUri(app) };
  const commands: ExampleCommand[] = [];
  if (app.roles.includes('AISP')) {
    const example = 'partner-portal-docs/examples/getting-started.mjs';
    commands.push({ role: 'AISP', purpose: 'account-information', example, keyFiles: [clientKey], shell: command(common, [clientKey], example) });
  }
  if (app.roles.includes('PISP')) {
    const signingKey: KeyFileSetting = {
      variable: 'SIGNING_JWK_FILE',
      purpose: 'payment message signing (PS256)',
      kids: registered.filter((key) => key.kty === 'RSA').map(kidOf),
      generatedAs: 'signing-private-jwk.json',
    };
    const settings = {
      ...common,
      PARTNER_ID: app.partnerId,
      JWS_TRUST_ANCHOR: bank.trustAnchor,
      BANK_ORGANISATION_ID: bank.bankOrganisationId,
    };
    const keyFiles = [clientKey, signingKey];
    for (const [purpose, example] of [
      ['payment', 'partner-portal-docs/examples/make-a-payment.mjs'],
      ['vrp-mandate', 'partner-portal-docs/examples/vrp-mandate.mjs'],
    ] as const) {
      commands.push({ role: 'PISP', purpose, example, keyFiles, shell: command(settings, keyFiles, example) });
    }
  }
  if (app.roles.includes('CBPII')) {
    const example = 'partner-portal-docs/examples/funds-confirmation.mjs';
    commands.push({ role: 'CBPII', purpose: 'funds-confirmation', example, keyFiles: [clientKey], shell: command(common, [clientKey], example) });
  }
  const json = JSON.stringify(
    {
      issuer: bank.issuer,
      discovery: `${bank.issuer}/.well-known/openid-configuration`,
      client_id: app.clientId,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_kid: clientKey.kids[0] ?? '<kid of your private key>',
      redirect_uri: app.clientMetadata.redirect_uris[0],
      scope: app.clientMetadata.scope,
      pushed_authorization_requests: 'required',
      dpop: 'required (ES256, PS256 or EdDSA proofs)',
      open_banking_api: `${bank.issuer}/open-banking/v4.0`,
    },
    null,
    2,
  );
  return { commands, json };
}

/**
 * The redirect URI the examples use: the first http loopback one, whose callback the example catches itself, or else
 * the first (the example then asks for the address the browser ended on).
 */
function exampleRedirectUri(app: PartnerApp): string {
  const uris = app.clientMetadata.redirect_uris;
  return uris.find((uri) => /^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(uri)) ?? uris[0] ?? '';
}

/**
 * `VARIABLE=value` lines, then the key file variables, which the shell refuses to run without (with a sentence saying
 * what to set), then the example.
 */
function command(settings: Readonly<Record<string, string>>, keyFiles: readonly KeyFileSetting[], example: string): string {
  return [
    ...Object.entries(settings).map(([name, value]) => `${name}=${shellWord(value)} \\`),
    ...keyFiles.map(({ variable, purpose }) => `${variable}="\${${variable}:?set it to the path of your private key file for ${purpose} first}" \\`),
    `  node ${example}`,
  ].join('\n');
}

/** A value as one shell word: as it is when it holds no character the shell treats specially, else in single quotes. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
