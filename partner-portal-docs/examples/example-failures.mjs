// What the examples do when a run fails: print the bank's answer (an OAuth error, an RFC 7591 registration error
// or an OBIE error body) and what to check, undo what the run left half done, and exit non-zero. A refusal is
// never shown as a stack trace. Every error the bank sends is explained in partner-portal-docs/errors.md.
import * as client from 'openid-client';

/** The bank refused a request: what was asked, the HTTP status (null for a redirect) and the body it answered. */
export class BankRefusal extends Error {
  constructor(request, status, body, options) {
    super(`${request} was refused${status === null ? '' : ` (${status})`}: ${typeof body === 'string' ? body : JSON.stringify(body)}`, options);
    this.name = 'BankRefusal';
    this.request = request;
    this.status = status;
    this.body = typeof body === 'string' ? parseJson(body) : body;
  }
}

/** A run that cannot go on for a reason the example explains itself, with what to check. */
export class ExampleFailure extends Error {
  constructor(message, hint) {
    super(message);
    this.name = 'ExampleFailure';
    this.hint = hint;
  }
}

const ERRORS_GUIDE = 'partner-portal-docs/errors.md';
const OAUTH_GUIDE = `${ERRORS_GUIDE}#authorization-server-errors`;
const DCR_GUIDE = `${ERRORS_GUIDE}#dynamic-client-registration-errors`;

/** What to check for an OAuth or registration `error` (first match), and where it is explained. */
const OAUTH_HINTS = [
  {
    error: 'invalid_client',
    hint: "CLIENT_ID must be your app's client id, PRIVATE_JWK_FILE the private half of a key registered for the app (with its kid), and the app active (its page in the portal shows the status).",
    guide: OAUTH_GUIDE,
  },
  {
    error: 'invalid_request',
    description: /redirect_uri/,
    hint: "Set REDIRECT_URI to one of the app's registered redirect URIs, exactly as registered (the app's page in the portal lists them).",
    guide: OAUTH_GUIDE,
  },
  {
    error: 'invalid_scope',
    hint: "The app's roles do not give this scope: AISP gives accounts, PISP gives payments. Add the role on the app's page in the portal.",
    guide: OAUTH_GUIDE,
  },
  {
    error: 'invalid_grant',
    hint: 'Open the URL and approve without delay (codes live 60 seconds); the example exchanges the code once.',
    guide: OAUTH_GUIDE,
  },
  { error: 'access_denied', hint: 'The customer did not approve. Run the example again: it creates a new consent.', guide: OAUTH_GUIDE },
  {
    error: 'invalid_software_statement',
    hint: "SSA_FILE must hold a software statement of a directory this bank trusts, unaltered and still valid (the portal's last 7 days): download a fresh one from the app's page.",
    guide: DCR_GUIDE,
  },
  {
    error: 'unapproved_software_statement',
    hint: 'The app the statement is for must be active, and the statement issued by a directory this bank trusts.',
    guide: DCR_GUIDE,
  },
  {
    error: 'invalid_redirect_uri',
    hint: "REDIRECT_URI must be one of the software statement's software_redirect_uris (the redirect URIs of its app).",
    guide: DCR_GUIDE,
  },
  {
    error: 'invalid_client_metadata',
    hint: 'The description names what is wrong. A signed request must be signed with PRIVATE_JWK_FILE, a private key of the app the statement is for.',
    guide: DCR_GUIDE,
  },
  {
    error: 'invalid_token',
    hint: 'Use the registration access token of the latest response: it changes with every read and update.',
    guide: DCR_GUIDE,
  },
];

const VRP_ERRORS = 'partner-portal-docs/vrp.md#errors';

/** What to check for an OBIE error, by the setting behind the field it names (first match), and where it is explained. */
const SETTING_OF_PATH = [
  { path: /^Data\.Permissions/, setting: 'PERMISSIONS' },
  { path: /^Data\.Initiation\.InstructedAmount/, setting: 'AMOUNT and CURRENCY' },
  { path: /^Data\.Initiation\.CreditorAccount/, setting: 'CREDITOR_ACCOUNT and CREDITOR_NAME' },
  { path: /^Data\.Initiation\.RemittanceInformation/, setting: 'REFERENCE' },
  // The VRP mandate's control parameters (the consent's checks, and a payment that breaches them: U014).
  { path: /^Data\.ControlParameters\.MaximumIndividualAmount/, setting: 'MAXIMUM_AMOUNT, AMOUNT and CURRENCY', guide: VRP_ERRORS },
  {
    path: /^Data\.ControlParameters\.PeriodicLimits/,
    setting: 'PERIOD_LIMIT, PERIOD_TYPE, PERIOD_ALIGNMENT and AMOUNT (a Calendar period the mandate starts in is pro-rated)',
    guide: VRP_ERRORS,
  },
  {
    path: /^Data\.ControlParameters\.VRPType/,
    setting: "VRP_TYPE and CREDITOR_ACCOUNT (a Sweeping mandate pays only the customer's own accounts; VRP_TYPE=Other pays someone else)",
    guide: VRP_ERRORS,
  },
  { path: /^Data\.ControlParameters\.Valid/, setting: 'VALID_TO', guide: VRP_ERRORS },
  { path: /^Data\.Instruction\.InstructedAmount/, setting: 'AMOUNT and CURRENCY', guide: VRP_ERRORS },
];

const undoSteps = [];
let failing = false;

/**
 * From now on, a failure (or Ctrl-C) prints what the bank answered and what to check, runs the steps given to
 * {@link onFailure}, and exits with 1 (130 for Ctrl-C).
 */
export function exitOnFailure() {
  process.on('uncaughtException', (error) => void fail(error, 1));
  process.on('unhandledRejection', (error) => void fail(error, 1));
  process.on('SIGINT', () => void fail(new ExampleFailure('Stopped before the end (Ctrl-C).', 'Run the example again when you are ready.'), 130));
}

/** Adds a step that undoes what the run has done so far, should it fail from now on (the newest runs first). */
export function onFailure(undo) {
  undoSteps.unshift(undo);
}

async function fail(error, exitCode) {
  if (failing) return;
  failing = true;
  const explained = explain(error);
  if (explained === null) console.error(error);
  else console.error(`${explained.what}\nWhat to check: ${explained.hint}`);
  for (const undo of undoSteps) {
    try {
      await undo();
    } catch (undoError) {
      console.error(`Could not clean up: ${explain(undoError)?.what ?? undoError}`);
    }
  }
  process.exit(exitCode);
}

/** The failure in words and what to check, or null for a fault of the example itself (shown with its stack). */
function explain(error) {
  if (error instanceof ExampleFailure) return { what: error.message, hint: error.hint };
  if (error instanceof BankRefusal) return refusal(error.request, error.status, error.body);
  if (error instanceof client.ResponseBodyError)
    return refusal(`POST ${error.response?.url ?? 'to the authorization server'}`, error.status, error.cause);
  if (error instanceof client.AuthorizationResponseError) return refusal('the authorization', null, error.cause);
  if (error instanceof client.ClientError && error.cause instanceof Response && error.cause.status >= 500) {
    const { status, url, headers } = error.cause;
    return {
      what: `The bank could not answer ${url} (${status}).`,
      hint:
        status === 503
          ? `The bank is briefly unavailable: run the example again after ${headers.get('retry-after') ?? 'a few'} seconds.`
          : `Run it again; if it keeps happening, tell the bank (see ${ERRORS_GUIDE}).`,
    };
  }
  if (error instanceof client.ClientError) {
    return {
      what: `The bank's discovery document at ISSUER could not be used: ${error.message}${error.code ? ` (${error.code})` : ''}.`,
      hint: `ISSUER (${process.env.ISSUER ?? 'http://localhost:3000'}) must be the bank's issuer exactly as ISSUER/.well-known/openid-configuration names it in "issuer": same scheme, host (localhost is not 127.0.0.1) and port, no path.`,
    };
  }
  if (error instanceof TypeError && error.message === 'fetch failed') {
    return {
      what: `Could not reach the bank (${error.cause?.code ?? error.cause?.message ?? 'no answer'}).`,
      hint: `Is the bank running at ISSUER (${process.env.ISSUER ?? 'http://localhost:3000'})?`,
    };
  }
  return null;
}

function refusal(request, status, body) {
  const heading = `The bank refused ${request}${status === null ? '' : ` (${status})`}:`;
  if (typeof body?.error === 'string') {
    const hint = OAUTH_HINTS.find(
      (entry) => entry.error === body.error && (!entry.description || entry.description.test(body.error_description ?? '')),
    );
    return {
      what: `${heading}\n  ${body.error}${body.error_description ? `: ${body.error_description}` : ''}`,
      hint: `${hint?.hint ?? 'The description says what is wrong.'} See ${hint?.guide ?? ERRORS_GUIDE}.`,
    };
  }
  if (Array.isArray(body?.Errors)) {
    const errors = body.Errors.map((entry) => `  ${entry.ErrorCode}${entry.Path ? ` (${entry.Path})` : ''}: ${entry.Message}`);
    return { what: [heading, ...errors, `  x-fapi-interaction-id ${body.Id}`].join('\n'), hint: obieHint(status, body.Errors) };
  }
  return { what: `${heading}\n  ${typeof body === 'string' ? body.slice(0, 500) : JSON.stringify(body)}`, hint: `See ${ERRORS_GUIDE}.` };
}

function obieHint(status, errors) {
  const signature = errors.find((entry) => ['U015', 'U016', 'U017', 'U018', 'U019'].includes(entry.ErrorCode));
  if (signature) {
    return `SIGNING_JWK_FILE must be the private half of an RSA key registered for the app, and PARTNER_ID and JWS_TRUST_ANCHOR what the app's page in the portal shows under payment message signing. See partner-portal-docs/payments.md#message-signing.`;
  }
  if (status === 401) return `The access token or its DPoP proof was refused, as the message says. See ${ERRORS_GUIDE}#401-in-detail.`;
  const rule = errors.map((entry) => SETTING_OF_PATH.find((candidate) => candidate.path.test(entry.Path ?? ''))).find(Boolean);
  if (rule) return `${rule.setting}: the message says what is allowed. See ${rule.guide ?? `${ERRORS_GUIDE}#errors-by-status`}.`;
  return `Look up the status and ErrorCode in ${ERRORS_GUIDE}#errors-by-status; quote the x-fapi-interaction-id to the bank.`;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
