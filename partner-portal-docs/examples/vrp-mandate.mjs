// A domestic variable recurring payment (VRP) mandate through OpenTeller, as a partner (PISP) backend uses it, with
// openid-client 6 and jose:
//
//   1. discovery, private_key_jwt client authentication, one DPoP key for every request
//   2. client credentials grant (scope payments)
//   3. POST /domestic-vrp-consents, signed (x-jws-signature) and idempotent (x-idempotency-key) -> AWAU: by default
//      a sweeping mandate to the customer's own savings account, with the limits of the settings below
//   4. pushed authorization request (scope "openid payments") naming the consent; prints the URL for the customer
//   5. catches the callback on REDIRECT_URI (or reads it pasted on stdin), exchanges the code (PKCE + DPoP) for an
//      access token and a refresh token: the mandate is AUTH
//   6. three payments without the customer: POST /domestic-vrps with the customer token (refreshed with the refresh
//      token when it is about to expire), each signed, with its own InstructionIdentification and idempotency key
//   7. a fourth payment, which breaches the periodic limit: the bank refuses it with 400 U014 naming the limit, as
//      expected
//   8. GET /domestic-vrps/{DomesticVRPId} for each payment (until final) and GET the mandate, still AUTH
//   9. DELETE the mandate (unless KEEP_MANDATE=1): no more payments can be made under it, the refresh token is refused
// Every response's x-jws-signature is verified with the bank's key from jwks_uri.
//
// If the bank refuses a request unexpectedly, the example prints its answer and what to check, deletes the mandate
// it created, and exits with 1.
//
// Environment:
//   ISSUER                OpenTeller issuer (default http://localhost:3000)
//   CLIENT_ID             the app's client id, from the portal or `npx openteller partner create ... --roles PISP` (required)
//   PARTNER_ID            the app's partner id (the portal shows the signing iss, PARTNER_ID/CLIENT_ID) (required)
//   PRIVATE_JWK_FILE      the app's private key for client authentication: a JWK, or a JWKS whose first key is
//                         used; needs "kid" (required)
//   SIGNING_JWK_FILE      the app's private RSA key for message signing (PS256); needs "kid" (required)
//   JWS_TRUST_ANCHOR      the bank's trust anchor (default: the issuer's host name, which is the bank's default)
//   BANK_ORGANISATION_ID  the iss of the bank's response signatures (default openteller)
//   REDIRECT_URI          one of the app's registered redirect URIs, exactly (default http://localhost:8080/callback)
//   VRP_TYPE              Sweeping (between the customer's own accounts) or Other (default Sweeping)
//   CREDITOR_ACCOUNT      who is paid: sort code + account number (14 digits) or IBAN (default 99030131926827,
//                         Alice Thompson's savings account at the sandbox bank: log in as alice to sweep to it)
//   CREDITOR_NAME         default Alice Thompson
//   REFERENCE             default SWEEP TO SAVINGS
//   AMOUNT, CURRENCY      each payment, default 10.00 GBP
//   MAXIMUM_AMOUNT        the largest single payment, MaximumIndividualAmount (default 25.00)
//   PERIOD_LIMIT          what all payments together may add up to in a period (default 30.00: three payments of
//                         AMOUNT fit, a fourth does not); at least 3 x AMOUNT and less than 4 x AMOUNT
//   PERIOD_TYPE           Day, Week, Fortnight, Month, Half-year or Year (default Week)
//   PERIOD_ALIGNMENT      Consent (periods counted from the mandate's first day) or Calendar (default Consent)
//   VALID_TO              the last day of the mandate, YYYY-MM-DD (default: a year from today)
//   REFRESH_MARGIN_SECONDS  refresh the access token when it has fewer seconds left than this (default 60;
//                         300 refreshes it before every payment)
//   KEEP_MANDATE          set to 1 to keep the mandate in force at the end instead of deleting it
//
// Run from the repository (openid-client and jose come from its node_modules):
//   CLIENT_ID=cli_... PARTNER_ID=ptn_... PRIVATE_JWK_FILE=private-jwk.json SIGNING_JWK_FILE=signing-private-jwk.json \
//     node partner-portal-docs/examples/vrp-mandate.mjs
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as client from 'openid-client';
import { BankRefusal, ExampleFailure, exitOnFailure, onFailure } from './example-failures.mjs';
import { authorizeConsent, catchCallback, connectPaymentApp, statusReasons } from './example-support.mjs';

exitOnFailure();
const REDIRECT_URI = process.env.REDIRECT_URI ?? 'http://localhost:8080/callback';
const VRP_TYPE = process.env.VRP_TYPE ?? 'Sweeping';
const CREDITOR_ACCOUNT = (process.env.CREDITOR_ACCOUNT ?? '99030131926827').replace(/\s+/g, '').toUpperCase();
const CREDITOR_NAME = process.env.CREDITOR_NAME ?? 'Alice Thompson';
const REFERENCE = process.env.REFERENCE ?? 'SWEEP TO SAVINGS';
const AMOUNT = amountSetting('AMOUNT', '10.00');
const CURRENCY = process.env.CURRENCY ?? 'GBP';
const MAXIMUM_AMOUNT = amountSetting('MAXIMUM_AMOUNT', '25.00');
const PERIOD_LIMIT = amountSetting('PERIOD_LIMIT', '30.00');
const PERIOD_TYPE = process.env.PERIOD_TYPE ?? 'Week';
const PERIOD_ALIGNMENT = process.env.PERIOD_ALIGNMENT ?? 'Consent';
const VALID_TO = process.env.VALID_TO ?? ukDate(new Date(Date.now() + 365 * 86_400_000));
const REFRESH_MARGIN_SECONDS = Number(process.env.REFRESH_MARGIN_SECONDS ?? '60');
const KEEP_MANDATE = process.env.KEEP_MANDATE === '1';
// The run shows three payments within the limits, then one beyond: check that the settings allow exactly that.
if (AMOUNT.minor > MAXIMUM_AMOUNT.minor) settingError(`AMOUNT (${AMOUNT.text}) must not be above MAXIMUM_AMOUNT (${MAXIMUM_AMOUNT.text})`);
if (PERIOD_LIMIT.minor < 3 * AMOUNT.minor || PERIOD_LIMIT.minor >= 4 * AMOUNT.minor) {
  settingError(
    `PERIOD_LIMIT (${PERIOD_LIMIT.text}) must be at least 3 x AMOUNT and less than 4 x AMOUNT (${AMOUNT.text}), so that three payments fit and the fourth does not`,
  );
}
if (!/^\d{4}-\d\d-\d\d$/.test(VALID_TO)) settingError(`VALID_TO must be a day, YYYY-MM-DD (got "${VALID_TO}")`);
if (!(REFRESH_MARGIN_SECONDS >= 0)) settingError(`REFRESH_MARGIN_SECONDS must be a number of seconds (got "${process.env.REFRESH_MARGIN_SECONDS}")`);

// --- 1. Discovery, client authentication, DPoP, keys -------------------------------------------------
// connectPaymentApp (example-support.mjs) reads ISSUER, CLIENT_ID, PARTNER_ID, the key files and the bank's signing
// settings, discovers the bank, and gives the DPoP key of the whole run and callApi, which signs each request body
// (x-jws-signature) and verifies the bank's signature on each response.
const app = await connectPaymentApp();
const { callApi } = app;
const API = `${app.issuer}/open-banking/v4.0/pisp`;
// Listen for the callback before anything is created: a port in use stops the run here.
const callback = await catchCallback(REDIRECT_URI);

// --- 2. Client credentials token ---------------------------------------------------------------------
let clientToken = await app.clientCredentials();
console.log(`Client credentials token (DPoP-bound), expires in ${clientToken.expires_in} s`);

// --- 3. The VRP consent: the mandate -----------------------------------------------------------------
// The ControlParameters are the limits the bank enforces on every payment: the largest single payment, and what all
// payments together may add up to in each period. Without ValidFromDateTime the mandate may be used from its
// authorisation, and Consent-aligned periods are counted from the day it is created. ValidToDateTime is the last day
// payments may be made (the time of day is disregarded); the refresh token lives until then.
const controlParameters = {
  VRPType: [`UK.OBIE.VRPType.${VRP_TYPE}`],
  // The customer does not authenticate each payment: the only method this bank accepts.
  PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
  ValidToDateTime: `${VALID_TO}T00:00:00+00:00`,
  MaximumIndividualAmount: { Amount: MAXIMUM_AMOUNT.text, Currency: CURRENCY },
  PeriodicLimits: [{ PeriodType: PERIOD_TYPE, PeriodAlignment: PERIOD_ALIGNMENT, Amount: PERIOD_LIMIT.text, Currency: CURRENCY }],
};
// This bank requires the payee in the consent. A Sweeping mandate must pay one of the customer's own accounts.
const initiation = {
  CreditorAccount: {
    SchemeName: /^\d{14}$/.test(CREDITOR_ACCOUNT) ? 'UK.OBIE.SortCodeAccountNumber' : 'UK.OBIE.IBAN',
    Identification: CREDITOR_ACCOUNT,
    Name: CREDITOR_NAME,
  },
  RemittanceInformation: { Structured: [{ CreditorReferenceInformation: { Reference: REFERENCE } }], Unstructured: [] },
};
const risk = { PaymentContextCode: VRP_TYPE === 'Sweeping' ? 'TransferToSelf' : 'TransferToThirdParty' };
const consent = await callApi(clientToken.access_token, `${API}/domestic-vrp-consents`, 'POST', {
  body: { Data: { ControlParameters: controlParameters, Initiation: initiation }, Risk: risk },
  idempotencyKey: randomUUID(),
});
const consentId = consent.Data.ConsentId;
console.log(`Consent ${consentId} created, status ${consent.Data.Status}: ${describeLimits(consent.Data.ControlParameters)}`);
// A mandate of a failed run is of no use: delete it, so that nothing is left that could pay or await a customer.
let deleted = false;
onFailure(async () => {
  if (deleted) return;
  const { access_token: token } = await app.clientCredentials();
  await callApi(token, `${API}/domestic-vrp-consents/${consentId}`, 'DELETE');
  console.error(`Consent ${consentId} deleted: no payment can be made under it any more.`);
});

// --- 4 and 5. Pushed authorization request, callback and code exchange ---------------------------------
// authorizeConsent (example-support.mjs) pushes the authorization request (scope "openid payments", the consent as
// the essential openbanking_intent_id, PKCE), prints the URL, catches the callback and exchanges the code (DPoP).
const tokens = await authorizeConsent(app, {
  consentId,
  redirectUri: REDIRECT_URI,
  callback,
  instructions: [
    'Open this URL in a browser within 60 seconds, log in as a sandbox customer (alice / alice-sandbox-1',
    'for the default sweep to her savings account), read the mandate, choose the account to pay from',
    'and agree:',
  ].join('\n'),
});
// The customer agreed once: from now on your backend pays without them. Keep the refresh token with the mandate, and
// the DPoP key (it is bound to it). It is not rotated, and works until the mandate ends (ValidToDateTime, your
// DELETE, the customer cancelling it at the bank). Access tokens live 5 minutes.
if (!tokens.refresh_token) throw new ExampleFailure('The code exchange gave no refresh token.', 'Report it to the bank: a VRP consent needs one.');
let customerTokens = tokens;
let refreshToken = tokens.refresh_token;
console.log(`Customer access token (DPoP-bound), expires in ${tokens.expires_in} s, scope "${tokens.scope}"; refresh token kept`);

// --- 6. Three payments under the mandate, without the customer ---------------------------------------
// Each payment repeats the consent's Initiation and Risk exactly, and its Instruction repeats the consent's
// CreditorAccount and RemittanceInformation; the bank checks it against the ControlParameters before paying.
// InstructionIdentification is your unique id of the instruction: the bank pays each one once under the mandate
// (another payment with the same one: 409 U029). Keep the idempotency key with the payment in your own records before
// sending: if the answer is lost, send the same body with the same key again, and the bank answers with the same
// payment instead of paying twice.
const run = Date.now().toString(36).toUpperCase();
const payments = [];
console.log('');
for (let number = 1; number <= 3; number += 1) {
  const payment = await pay(number);
  payments.push(payment);
  console.log(
    `Payment ${number}: ${payment.Data.DomesticVRPId}, ${payment.Data.Instruction.InstructedAmount.Amount} ${payment.Data.Instruction.InstructedAmount.Currency}` +
      `, InstructionIdentification ${payment.Data.Instruction.InstructionIdentification}, status ${payment.Data.Status}${statusReasons(payment.Data)}`,
  );
}

// --- 7. A fourth payment, beyond the periodic limit --------------------------------------------------
// The limits are checked on each payment against the payments made in the current period: this one would exceed
// PERIOD_LIMIT, so the bank refuses it with 400 U014, whose Path names the control parameter and whose message states
// the limit, what was used and what is left. Nothing is paid. Expect this answer whenever a payment is due that the
// mandate does not allow: wait for the next period, or ask the customer for a new mandate.
try {
  const paid = await pay(4);
  throw new ExampleFailure(
    `Payment 4 was not refused: ${paid.Data.DomesticVRPId}, status ${paid.Data.Status}.`,
    `PERIOD_LIMIT (${PERIOD_LIMIT.text}) must be less than 4 x AMOUNT (${AMOUNT.text}) for the fourth payment to breach it.`,
  );
} catch (error) {
  const breach = error instanceof BankRefusal && error.status === 400 ? error.body?.Errors?.[0] : undefined;
  if (breach?.ErrorCode !== 'U014') throw error;
  console.log(`Payment 4 of ${AMOUNT.text} ${CURRENCY}: refused, as expected: ${error.status} ${breach.ErrorCode} at ${breach.Path}`);
  console.log(`  ${breach.Message}`);
}

// --- 8. Read the payments and the mandate ------------------------------------------------------------
// A payee at this bank is paid at once (ACSC); one at another bank is ACSP until the scheme settles it, so read the
// payments until they are final (for at most a minute). You also receive resource-update events for them: events.md.
clientToken = await app.clientCredentials(); // the first may have expired
const read = (payment) => callApi(clientToken.access_token, `${API}/domestic-vrps/${payment.Data.DomesticVRPId}`, 'GET');
let latest = [];
for (const payment of payments) latest.push(await read(payment));
for (let attempt = 0; attempt < 30 && latest.some((payment) => payment.Data.Status === 'ACSP'); attempt += 1) {
  await sleep(2_000);
  latest = await Promise.all(latest.map((payment) => (payment.Data.Status === 'ACSP' ? read(payment) : payment)));
}
console.log('');
for (const payment of latest) {
  console.log(`GET /domestic-vrps/${payment.Data.DomesticVRPId}: status ${payment.Data.Status}${statusReasons(payment.Data)}`);
}
// A payment does not use the mandate up: it stays AUTH until it ends.
const mandate = await callApi(clientToken.access_token, `${API}/domestic-vrp-consents/${consentId}`, 'GET');
console.log(
  `Consent ${consentId} is ${mandate.Data.Status}, paying from ${mandate.Data.DebtorAccount?.Identification ?? 'the account the customer chose'}`,
);

// --- 9. End the mandate ------------------------------------------------------------------------------
if (KEEP_MANDATE) {
  console.log(`Kept: the customer sees it, with what is left of each limit, in their connected apps at the bank (and can cancel it).`);
} else {
  // The bank answers 204 (no body, so no signature). The mandate then no longer exists for the API (GET: 400 U011), and
  // its tokens stop working at once.
  await callApi(clientToken.access_token, `${API}/domestic-vrp-consents/${consentId}`, 'DELETE');
  deleted = true;
  console.log(`Consent ${consentId} deleted (204)`);
  try {
    await client.refreshTokenGrant(app.config, refreshToken, undefined, { DPoP: app.DPoP });
    console.log('Unexpected: the refresh token still works');
  } catch (error) {
    if (!(error instanceof client.ResponseBodyError)) throw error;
    console.log(`The refresh token is now refused: ${error.error}`);
  }
}
console.log(`The bank's x-jws-signature verified on all ${app.verifiedResponses} responses with a body`);

/** Pays payment `number` of AMOUNT under the mandate, with a customer access token that is not about to expire. */
async function pay(number) {
  const body = {
    Data: {
      ConsentId: consentId,
      // One of the consent's PSUAuthenticationMethods and VRPType values. PSUInteractionType is left out: the payment
      // is then OffSession (the customer is not present), which a consent without PSUInteractionTypes allows.
      PSUAuthenticationMethod: 'UK.OBIE.SCANotRequired',
      VRPType: `UK.OBIE.VRPType.${VRP_TYPE}`,
      Initiation: initiation,
      Instruction: {
        InstructionIdentification: `VRP-${run}-${number}`,
        EndToEndIdentification: `E2E-${run}-${number}`,
        InstructedAmount: { Amount: AMOUNT.text, Currency: CURRENCY },
        CreditorAccount: initiation.CreditorAccount,
        RemittanceInformation: initiation.RemittanceInformation,
      },
    },
    Risk: risk,
  };
  return callApi(await customerAccessToken(), `${API}/domestic-vrps`, 'POST', { body, idempotencyKey: randomUUID() });
}

/** The customer access token in hand, or a new one from the refresh token when it has too few seconds left. */
async function customerAccessToken() {
  const left = customerTokens.expiresIn() ?? 0;
  if (left > REFRESH_MARGIN_SECONDS) return customerTokens.access_token;
  // Same DPoP key as the code exchange: the refresh token is bound to it.
  const refreshed = await client.refreshTokenGrant(app.config, refreshToken, undefined, { DPoP: app.DPoP });
  console.log(`Access token refreshed with the refresh token (${left} s left); the new one expires in ${refreshed.expires_in} s`);
  customerTokens = refreshed;
  refreshToken = refreshed.refresh_token ?? refreshToken; // this bank does not rotate it, but another might
  return customerTokens.access_token;
}

/** The limits in words, as the bank stored them. */
function describeLimits({ MaximumIndividualAmount: maximum, PeriodicLimits: limits, ValidToDateTime: validTo }) {
  const periodic = limits.map((limit) => `${limit.Amount} ${limit.Currency} a ${limit.PeriodType} (${limit.PeriodAlignment} alignment)`);
  return `up to ${maximum.Amount} ${maximum.Currency} a payment, ${periodic.join(', ')}, until ${validTo.slice(0, 10)}`;
}

/** An amount setting as sent (e.g. "10.00") and in minor units; not an amount → says what to set and exits with 2. */
function amountSetting(name, fallback) {
  const text = process.env[name] ?? fallback;
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) settingError(`${name} must be an amount such as ${fallback} (got "${text}")`);
  return { text, minor: Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) };
}

/** A setting the run cannot go on with: says what is wrong and exits with 2, before anything is created. */
function settingError(message) {
  console.error(`${message}.`);
  process.exit(2);
}

/** The day of `date` in the UK (YYYY-MM-DD): the bank counts mandate days in UK time. */
function ukDate(date) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(date);
}
