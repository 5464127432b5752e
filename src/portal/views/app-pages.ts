import { html, type SafeHtml } from '../../web/html.js';
import type { ConsentSummary } from '../../domain/consents/consent-summaries.js';
import type { AppSnippets, ExampleCommand, KeyFileSetting } from '../app-snippets.js';
import type { ApiCall } from '../../domain/partners/api-calls.js';
import { isEditableInPortal, keysOf, SCOPE_OF_ROLE, type PartnerApp, type PartnerRole } from '../../domain/partners/partner-app.js';
import { csrfField, errorSummary, notice, postButton, textArea, textField, type FieldErrors } from '../../web/form-fields.js';
import { formatDateTime } from '../../web/formats.js';
import { renderAppEventsSection, type AppEventsModel } from './app-events-section.js';
import type { TestClockView } from '../../domain/payments/test-clocks/test-clocks.js';
import { renderPortalPage, type PortalViewer } from './portal-layout.js';

const CONSENT_KINDS: Readonly<Record<ConsentSummary['kind'], string>> = {
  'account-access': 'Account access',
  'domestic-payment': 'Domestic payment',
  'domestic-vrp': 'Domestic VRP',
  'funds-confirmation': 'Funds confirmation',
};

const ROLE_LABELS: Readonly<Record<PartnerRole, string>> = {
  AISP: 'AISP — read account information',
  PISP: 'PISP — initiate payments',
  CBPII: 'CBPII — confirm funds',
};

/** The partner's home: its apps, and what to do before the first one. */
export function renderDashboardPage(model: { viewer: PortalViewer; emailConfirmed: boolean; apps: readonly PartnerApp[]; notice?: string }): string {
  const { viewer, apps } = model;
  const body = html`<h1>Your apps</h1>
${notice(model.notice)}
${
  !model.emailConfirmed &&
  html`<div class="alert" role="alert"><p>Confirm your email address to create apps: follow the link we sent to ${viewer.email}.${viewer.sandbox && html` In the sandbox it is in your <a href="/portal/mailbox">sandbox mailbox</a>.`}</p></div>
<p>${postButton({ action: '/portal/resend-confirmation', csrf: viewer.csrf, label: 'Send the link again' })}</p>`
}
${
  apps.length === 0
    ? html`<p>You have no apps yet. An app is one OAuth client: it gets a client id, works with sandbox customers at once, and goes live when the bank approves it.</p>`
    : html`<div class="table-wrap"><table class="table">
<caption>Apps of ${viewer.organisationName}</caption>
<thead><tr><th scope="col">App</th><th scope="col">Client id</th><th scope="col">Roles</th><th scope="col">Environment</th><th scope="col">Status</th><th scope="col">Registered</th></tr></thead>
<tbody>${apps.map(
        (app) =>
          html`<tr><td><a href="/portal/apps/${app.clientId}">${app.name}</a>${app.origin === 'dcr' && html` <span class="badge">DCR</span>`}</td><td class="mono">${app.clientId}</td><td>${app.roles.join(', ')}</td><td>${environmentBadge(app)}</td><td>${statusBadge(app)}</td><td>${formatDateTime(app.createdAt)}</td></tr>`,
      )}</tbody>
</table></div>`
}
${model.emailConfirmed && html`<p><a class="button button--primary button--inline" href="/portal/apps/new">Create an app</a></p>`}`;
  return renderPortalPage({ title: 'Your apps', body, viewer });
}

/** What the app form holds (as typed, so a refused form comes back as it was sent). */
export interface AppFormValues {
  readonly name: string;
  readonly description: string;
  readonly redirectUris: string;
  readonly roles: readonly string[];
  readonly keysSource: 'jwks' | 'jwks_uri';
  readonly jwks: string;
  readonly jwksUri: string;
}

/** Creating an app, or editing one (`clientId` set; its keys are then managed on the app's page). */
export function renderAppFormPage(model: { viewer: PortalViewer; values: AppFormValues; errors?: FieldErrors; clientId?: string }): string {
  const { viewer, values, errors, clientId } = model;
  const editing = clientId !== undefined;
  const title = editing ? `Edit ${values.name}` : 'Create an app';
  const body = html`<h1>${title}</h1>
${errorSummary(errors)}
<form class="form" method="post" action="${editing ? `/portal/apps/${clientId}/edit` : '/portal/apps'}" novalidate>
${csrfField(viewer.csrf)}
${textField({ name: 'name', label: 'App name', value: values.name, hint: 'Customers see it when they approve access.', required: true, errors })}
${textArea({ name: 'description', label: 'Description (optional)', value: values.description, rows: 2, errors })}
${textArea({ name: 'redirect_uris', label: 'Redirect URIs', value: values.redirectUris, hint: `One per line. https only${viewer.sandbox ? ' (http://localhost and http://127.0.0.1 also work in the sandbox)' : ''}.`, required: true, errors })}
<fieldset class="fieldset">
<legend class="fieldset__legend">Roles</legend>
${errors?.roles && html`<span class="field__error" id="roles-error">${errors.roles}</span>`}
<div class="choices">${(Object.keys(ROLE_LABELS) as PartnerRole[]).map(
    (role) =>
      html`<div class="choice"><input class="choice__input" type="checkbox" id="role-${role}" name="roles" value="${role}"${values.roles.includes(role) ? html` checked` : ''}><label class="choice__label" for="role-${role}"><span class="choice__title">${ROLE_LABELS[role]}</span><span class="choice__detail">scope ${SCOPE_OF_ROLE[role]}</span></label></div>`,
  )}</div>
</fieldset>
${
  editing
    ? values.keysSource === 'jwks_uri' &&
      textField({ name: 'jwks_uri', label: 'Key set URL (jwks_uri)', type: 'url', value: values.jwksUri, required: true, errors })
    : html`<fieldset class="fieldset">
<legend class="fieldset__legend">Public keys</legend>
<div class="choices">
<div class="choice"><input class="choice__input" type="radio" id="keys-jwks" name="keys_source" value="jwks"${values.keysSource === 'jwks' ? html` checked` : ''}><label class="choice__label" for="keys-jwks"><span class="choice__title">Paste a key set (JWKS)</span><span class="choice__detail">the bank keeps it; rotate keys here</span></label></div>
<div class="choice"><input class="choice__input" type="radio" id="keys-jwks-uri" name="keys_source" value="jwks_uri"${values.keysSource === 'jwks_uri' ? html` checked` : ''}><label class="choice__label" for="keys-jwks-uri"><span class="choice__title">Give the URL of your key set (jwks_uri)</span><span class="choice__detail">you publish and rotate keys there</span></label></div>
</div>
</fieldset>
${textArea({ name: 'jwks', label: 'Key set (JWKS)', value: values.jwks, rows: 6, hint: 'Public keys only, each with a kid: {"keys": [{"kty": "EC", "crv": "P-256", "x": "…", "y": "…", "kid": "…", "alg": "ES256"}]}. PS256 (RSA), ES256 or EdDSA.', errors })}
${textField({ name: 'jwks_uri', label: 'Key set URL (jwks_uri)', type: 'url', value: values.jwksUri, errors })}`
}
<div class="actions actions--row">
<button class="button button--primary button--inline" type="submit">${editing ? 'Save changes' : 'Create app'}</button>
<a class="button button--secondary button--inline" href="${editing ? `/portal/apps/${clientId}` : '/portal'}">Cancel</a>
</div>
</form>`;
  return renderPortalPage({ title, body, viewer });
}

/** Everything about one app: credentials, configuration, keys, software statement, consents, calls and events. */
export interface AppPageModel {
  readonly viewer: PortalViewer;
  readonly app: PartnerApp;
  readonly issuer: string;
  readonly registrationEndpoint: string;
  /** The example commands for this app's roles, and its settings as JSON. */
  readonly snippets: AppSnippets;
  readonly canDownloadStatement: boolean;
  /** Whether the bank runs a directory of its own (software statements). */
  readonly hasDirectory: boolean;
  /** For payment apps: who they sign payment messages as (`http://openbanking.org.uk/iss` and `…/tan`). */
  readonly messageSigning: { readonly issuer: string; readonly trustAnchor: string } | null;
  /** This software's registrations by DCR (on a portal app's page). */
  readonly registrations: readonly PartnerApp[];
  readonly consents: readonly ConsentSummary[];
  readonly calls: readonly ApiCall[];
  /** The app's sandbox test clocks; null or absent in production mode (no section then). */
  readonly testClocks?: readonly TestClockView[] | null;
  /** The app's event subscription and newest events. */
  readonly events: AppEventsModel;
  readonly notice?: string;
  readonly error?: string;
  readonly keyErrors?: FieldErrors;
}

/** The app's page. */
export function renderAppPage(model: AppPageModel): string {
  const { viewer, app } = model;
  const keys = keysOf(app);
  const managedInPortal = isEditableInPortal(app);
  const switchable = app.status !== 'deregistered';
  const base = `/portal/apps/${app.clientId}`;
  const body = html`<p><a href="/portal">← Your apps</a></p>
<h1>${app.name}</h1>
<p>${environmentBadge(app)} ${statusBadge(app)}${app.origin === 'dcr' && html` <span class="badge">Registered by DCR</span>`}</p>
${notice(model.notice)}
${model.error && html`<div class="alert" role="alert"><p>${model.error}</p></div>`}
${app.description && html`<p class="lead">${app.description}</p>`}
<section class="section" aria-labelledby="credentials-heading">
<h2 id="credentials-heading">Credentials</h2>
<dl class="details">
<dt>Client id</dt><dd class="mono" id="client-id">${app.clientId}</dd>
<dt>Software id</dt><dd class="mono">${app.softwareId}</dd>
<dt>Issuer</dt><dd class="mono">${model.issuer}</dd>
<dt>Discovery</dt><dd><a class="mono" href="${model.issuer}/.well-known/openid-configuration">${model.issuer}/.well-known/openid-configuration</a></dd>
<dt>Client authentication</dt><dd>private_key_jwt, DPoP-bound tokens, pushed authorization requests</dd>
<dt>Scope</dt><dd class="mono">${app.clientMetadata.scope}</dd>
<dt>Redirect URIs</dt><dd>${app.clientMetadata.redirect_uris.map((uri) => html`<span class="mono">${uri}</span><br>`)}</dd>
<dt>Environment</dt><dd>${app.environment === 'live' ? 'Live: every customer of the bank' : 'Sandbox: sandbox customers only, until the bank approves the app'}</dd>
${
  model.messageSigning &&
  html`<dt>Payment message signing</dt><dd>Sign with PS256 and an RSA key of this app; <span class="mono">http://openbanking.org.uk/iss</span> = <span class="mono" id="signing-iss">${model.messageSigning.issuer}</span>, <span class="mono">http://openbanking.org.uk/tan</span> = <span class="mono">${model.messageSigning.trustAnchor}</span></dd>`
}
</dl>
${managedInPortal && html`<p><a href="${base}/edit">Edit name, description, redirect URIs and roles</a></p>`}
</section>
${configurationSection(app, model.snippets)}
<section class="section" aria-labelledby="keys-heading">
<h2 id="keys-heading">Keys</h2>
${
  'jwksUri' in keys
    ? html`<p>The bank fetches this app's public keys from <span class="mono">${keys.jwksUri}</span>. To rotate, publish the new key there, start using it, then remove the old one.</p>`
    : html`<p>${
        managedInPortal
          ? 'To rotate a key without breaking running integrations: add the new key, switch your software to it, then retire the old key. Both work in between.'
          : 'This client uses the key set of its software: add and retire keys on the page of the app its software statement came from, and they apply here too.'
      }</p>
<div class="table-wrap"><table class="table">
<caption>Registered public keys</caption>
<thead><tr><th scope="col">Key id (kid)</th><th scope="col">Type</th><th scope="col">Algorithm</th>${managedInPortal && html`<th scope="col"><span class="visually-hidden">Actions</span></th>`}</tr></thead>
<tbody>${keys.jwks.keys.map(
        (key) =>
          html`<tr><td class="mono">${String(key.kid)}</td><td>${String(key.kty)}${typeof key.crv === 'string' && html` ${key.crv}`}</td><td>${typeof key.alg === 'string' ? key.alg : 'any allowed'}</td>${
            managedInPortal &&
            html`<td>${keys.jwks.keys.length > 1 ? postButton({ action: `${base}/keys/retire`, csrf: viewer.csrf, label: 'Retire', fields: { kid: String(key.kid) }, accessibleLabel: `Retire key ${String(key.kid)}` }) : html`<span class="note">last key</span>`}</td>`
          }</tr>`,
      )}</tbody>
</table></div>
${
  managedInPortal &&
  html`<form class="form" method="post" action="${base}/keys" novalidate>
${csrfField(viewer.csrf)}
${textArea({ name: 'jwk', label: 'Add a public key (a JWK, or a JWKS of several)', rows: 5, errors: model.keyErrors })}
<div class="actions actions--row"><button class="button button--secondary button--inline" type="submit">Add key</button></div>
</form>`
}`
}
</section>
<section class="section" aria-labelledby="statement-heading">
<h2 id="statement-heading">Software statement and Dynamic Client Registration</h2>
${
  model.canDownloadStatement
    ? html`<p>A software statement is this app's record in the bank's directory, signed by the directory. Register clients with it at <span class="mono">${model.registrationEndpoint}</span> (RFC 7591, or a signed JWT as the Open Banking DCR profile asks). It is valid for 7 days.</p>
<p><a class="button button--secondary button--inline" href="${base}/software-statement" download>Download software statement</a></p>`
    : html`<p>${
        app.origin === 'dcr'
          ? 'This client was registered by Dynamic Client Registration: manage it at its registration_client_uri with its registration access token.'
          : model.hasDirectory
            ? 'Software statements are issued for active apps only.'
            : 'This bank runs no directory of its own: register by Dynamic Client Registration with a software statement from your ecosystem directory.'
      }</p>`
}
${
  model.registrations.length > 0 &&
  html`<div class="table-wrap"><table class="table">
<caption>Clients registered by DCR for this software</caption>
<thead><tr><th scope="col">Client id</th><th scope="col">Status</th><th scope="col">Registered</th></tr></thead>
<tbody>${model.registrations.map((registration) => html`<tr><td class="mono"><a href="/portal/apps/${registration.clientId}">${registration.clientId}</a></td><td>${statusBadge(registration)}</td><td>${formatDateTime(registration.createdAt)}</td></tr>`)}</tbody>
</table></div>`
}
</section>
<section class="section" aria-labelledby="consents-heading">
<h2 id="consents-heading">Consents</h2>
${
  model.consents.length === 0
    ? html`<p>No consents yet.</p>`
    : html`<div class="table-wrap"><table class="table">
<caption>The newest ${model.consents.length} consents of this app</caption>
<thead><tr><th scope="col">ConsentId</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th></tr></thead>
<tbody>${model.consents.map(
        (consent) =>
          html`<tr><td class="mono">${consent.consentId}</td><td>${CONSENT_KINDS[consent.kind]}</td><td>${consent.status}</td><td>${formatDateTime(consent.createdAt)}</td><td>${consent.kind === 'domestic-payment' ? '—' : consent.expiresAt ? formatDateTime(consent.expiresAt) : 'open-ended'}</td><td>${formatDateTime(consent.lastUsedAt)}</td></tr>`,
      )}</tbody>
</table></div>`
}
</section>
${model.testClocks && testClocksSection(model.testClocks)}
<section class="section" aria-labelledby="calls-heading">
<h2 id="calls-heading">Last API calls</h2>
${
  model.calls.length === 0
    ? html`<p>No API calls yet. Calls appear here within a second or two.</p>`
    : html`<div class="table-wrap"><table class="table">
<caption>The newest ${model.calls.length} calls to the Open Banking API, live event stream connections included (the newest 100 are kept)</caption>
<thead><tr><th scope="col">Time</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">x-fapi-interaction-id</th></tr></thead>
<tbody>${model.calls.map(
        (call) =>
          html`<tr><td>${formatDateTime(call.at)}</td><td class="mono">${call.method}</td><td class="mono">${call.path}</td><td>${call.status}</td><td>${call.reason ?? ''}</td><td class="mono">${call.interactionId}</td></tr>`,
      )}</tbody>
</table></div>`
}
</section>
${renderAppEventsSection(model.events, base, viewer.csrf)}
${switchable && switchSection(app, base, viewer)}`;
  return renderPortalPage({ title: app.name, body, viewer });
}

/** The app's test clocks (sandbox): each clock's time, status and consents. */
function testClocksSection(clocks: readonly TestClockView[]): SafeHtml {
  return html`<section class="section" aria-labelledby="test-clocks-heading">
<h2 id="test-clocks-heading">Test clocks</h2>
<p>Sandbox only: your app's clocks, which run the payments of the standing orders and scheduled payments attached to them when your app advances them (see <span class="mono">scheduled-payments.md</span>, Test clocks).</p>
${
  clocks.length === 0
    ? html`<p>No test clocks yet.</p>`
    : html`<div class="table-wrap"><table class="table">
<caption>This app's ${clocks.length} test clocks, oldest first</caption>
<thead><tr><th scope="col">TestClockId</th><th scope="col">Name</th><th scope="col">FrozenTime</th><th scope="col">Status</th><th scope="col">Consents</th></tr></thead>
<tbody>${clocks.map(
        ({ clock, status, consentIds }) =>
          html`<tr><td class="mono">${clock.id}</td><td>${clock.name ?? ''}</td><td>${formatDateTime(clock.frozenTime)}</td><td>${status}</td><td class="mono">${consentIds.join(', ')}</td></tr>`,
      )}</tbody>
</table></div>`
}
</section>`;
}

const EXAMPLE_TITLES: Readonly<Record<ExampleCommand['purpose'], string>> = {
  'account-information': 'Account information (AISP): read the accounts a customer shares',
  payment: 'Payments (PISP): make a payment a customer approves',
  'vrp-mandate': 'Variable recurring payments (PISP): a mandate a customer gives once, then payments without them',
  'funds-confirmation': 'Confirmation of funds (CBPII): ask whether a customer’s account can pay an amount',
};

/**
 * What a live app's partner must set before a payment example moves real money, or the funds example checks a real
 * account (each defaults to sandbox accounts).
 */
const LIVE_WARNINGS: Readonly<Partial<Record<ExampleCommand['purpose'], SafeHtml>>> = {
  payment: html`<p class="alert" role="note">This app is live: with a live customer, the payment is real. Set <span class="mono">AMOUNT</span>, <span class="mono">CREDITOR_ACCOUNT</span> and <span class="mono">CREDITOR_NAME</span> too, for a payee you mean to pay (by default it pays 10.00 GBP to an account of the sandbox).</p>`,
  'funds-confirmation': html`<p class="alert" role="note">This app is live: the example checks a live customer's account. Set <span class="mono">DEBTOR_ACCOUNT</span> and <span class="mono">DEBTOR_NAME</span> to the account of the customer who will agree (by default it names an account of the sandbox).</p>`,
  'vrp-mandate': html`<p class="alert" role="note">This app is live: with a live customer, the three payments are real. Set <span class="mono">CREDITOR_ACCOUNT</span> and <span class="mono">CREDITOR_NAME</span> to an account of the customer's own (or <span class="mono">VRP_TYPE=Other</span> and a payee you mean to pay), and <span class="mono">AMOUNT</span> and <span class="mono">PERIOD_LIMIT</span> too (by default it sweeps 3 × 10.00 GBP to an account of the sandbox).</p>`,
};

/**
 * The commands that run the partner docs' examples against this app, one per role with an API to try, and its
 * settings as JSON. The bank answers only an active app, so only an active app is offered commands.
 */
function configurationSection(app: PartnerApp, snippets: AppSnippets): SafeHtml {
  return html`<section class="section" aria-labelledby="config-heading">
<h2 id="config-heading">Configuration</h2>
${
  app.status === 'active'
    ? html`<p>These commands run the examples of the partner docs against this app, from the root of a copy of the OpenTeller repository (the examples use its <span class="mono">node_modules</span>). Each prints an address to open in a browser, where a customer approves, and catches the callback itself when the redirect URI is an <span class="mono">http://localhost</span> or <span class="mono">http://127.0.0.1</span> address (otherwise it asks for the address the browser ended on). When the bank refuses a request, the example prints the bank's answer and what to check.</p>
${snippets.commands.map((command) => exampleCommand(app, command))}`
    : html`<p>This app is ${STATUS_LABELS[app.status].toLowerCase()}: the bank refuses its requests, so there is no command to run.</p>`
}
<p>Configure any OpenID Connect client library with:</p>
<pre class="code" aria-label="JSON configuration">${snippets.json}</pre>
</section>`;
}

/** One example's command, after what the partner sets first: the paths of their private key files. */
function exampleCommand(app: PartnerApp, command: ExampleCommand): SafeHtml {
  return html`<h3>${EXAMPLE_TITLES[command.purpose]}</h3>
<p>Your private keys never leave your machine, so the portal cannot fill in their files: first set ${command.keyFiles.map((file, index) => html`${index > 0 && ' and '}${keyFileSentence(file)}`)}, for example ${command.keyFiles.map((file, index) => html`${index > 0 && ' and '}<span class="mono">export ${file.variable}="$HOME/my-app/${file.generatedAs}"</span>`)}. Then run <span class="mono">${command.example}</span>:</p>
${app.environment === 'live' && LIVE_WARNINGS[command.purpose]}
<pre class="code" aria-label="Command: ${EXAMPLE_TITLES[command.purpose]}">${command.shell}</pre>`;
}

function keyFileSentence(file: KeyFileSetting): SafeHtml {
  const which =
    file.kids.length === 0
      ? html`a key you publish at your key set URL`
      : html`${file.kids.length > 1 ? 'one of the keys' : 'the key'} ${file.kids.map((kid, index) => html`${index > 0 && ' or '}<span class="mono">${kid}</span>`)}`;
  return html`<span class="mono">${file.variable}</span> to the path of your private key for ${file.purpose}, the private half of ${which} (<span class="mono">generate-keys.mjs</span> names it <span class="mono">${file.generatedAs}</span>)`;
}

function switchSection(app: PartnerApp, base: string, viewer: PortalViewer): SafeHtml {
  return html`<section class="section" aria-labelledby="switch-heading">
<h2 id="switch-heading">${app.status === 'active' ? 'Switch the app off' : 'Switch the app on'}</h2>
${
  app.status === 'suspended'
    ? html`<p>The bank has suspended this app: it gets no tokens and its tokens are refused. Contact the bank to have it reinstated.</p>`
    : app.status === 'active'
      ? html`<p>A switched-off app gets no tokens, and the tokens it holds are refused from their next call. You can switch it on again.</p>${postButton({ action: `${base}/disable`, csrf: viewer.csrf, label: 'Switch off', variant: 'danger' })}`
      : html`<p>This app is switched off.</p>${postButton({ action: `${base}/enable`, csrf: viewer.csrf, label: 'Switch on', variant: 'primary' })}`
}
</section>`;
}

function environmentBadge(app: PartnerApp): SafeHtml {
  return app.environment === 'live' ? html`<span class="badge badge--good">Live</span>` : html`<span class="badge">Sandbox</span>`;
}

const STATUS_LABELS: Readonly<Record<PartnerApp['status'], string>> = {
  active: 'Active',
  disabled: 'Switched off',
  suspended: 'Suspended by the bank',
  deregistered: 'Deregistered',
};

function statusBadge(app: PartnerApp): SafeHtml {
  return html`<span class="badge${app.status === 'active' ? ' badge--good' : ' badge--bad'}">${STATUS_LABELS[app.status]}</span>`;
}
