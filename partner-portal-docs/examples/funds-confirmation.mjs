// Confirmation of funds through OpenTeller, as a card issuer's (CBPII) backend uses it, with openid-client 6:
//
//   1. discovery, private_key_jwt client authentication, one DPoP key for every request
//   2. client credentials grant (scope fundsconfirmations)
//   3. POST /funds-confirmation-consents naming the customer's account (DebtorAccount) -> AWAU
//   4. pushed authorization request (scope "openid fundsconfirmations") naming the consent; prints the URL for the
//      customer, who reads which app may check which account, and agrees
//   5. catches the callback on REDIRECT_URI (or reads it pasted on stdin), exchanges the code (PKCE + DPoP) for an
//      access token and a refresh token: the consent is AUTH
//   6. POST /funds-confirmations for AMOUNT (a card payment the customer is making) and for LARGE_AMOUNT: the bank
//      answers each with FundsAvailable true or false, never the balance
//   7. later, with the customer away: a new access token from the refresh token, and another confirmation
//   8. GET the consent (still AUTH), then DELETE it (unless KEEP_CONSENT=1): the refresh token is refused afterwards
// The confirmation of funds API signs nothing and takes no idempotency key.
//
// If the bank refuses a request unexpectedly, the example prints its answer and what to check, deletes the consent it
// created, and exits with 1.
//
// Environment:
//   ISSUER            OpenTeller issuer (default http://localhost:3000)
//   CLIENT_ID         the app's client id, from the portal or `npx openteller partner create ... --roles CBPII` (required)
//   PRIVATE_JWK_FILE  the app's private key: a JWK, or a JWKS whose first key is used; needs "kid" (required)
//   REDIRECT_URI      one of the app's registered redirect URIs, exactly (default http://localhost:8080/callback)
//   DEBTOR_ACCOUNT    the customer's account: sort code + account number (14 digits) or IBAN (default 99030131926819,
//                     Alice Thompson's current account at the sandbox bank: log in as alice)
//   DEBTOR_NAME       default Alice Thompson
//   AMOUNT            what the first confirmation asks about, in the account's currency (default 20.00)
//   LARGE_AMOUNT      what the second asks about (default 100000.00: more than the sandbox accounts hold)
//   CURRENCY          the account's currency (default GBP)
//   VALID_DAYS        how many days the consent lasts, its ExpirationDateTime (default 90; 0 for open-ended)
//   KEEP_CONSENT      set to 1 to keep the consent in force at the end instead of deleting it
//
// Run from the repository (openid-client and jose come from its node_modules):
//   CLIENT_ID=cli_... PRIVATE_JWK_FILE=private-jwk.json node partner-portal-docs/examples/funds-confirmation.mjs
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { exitOnFailure, onFailure } from './example-failures.mjs';
import { authorizeConsent, catchCallback, connectApp } from './example-support.mjs';

exitOnFailure();
const REDIRECT_URI = process.env.REDIRECT_URI ?? 'http://localhost:8080/callback';
const DEBTOR_ACCOUNT = (process.env.DEBTOR_ACCOUNT ?? '99030131926819').replace(/\s+/g, '').toUpperCase();
const DEBTOR_NAME = process.env.DEBTOR_NAME ?? 'Alice Thompson';
const AMOUNT = process.env.AMOUNT ?? '20.00';
const LARGE_AMOUNT = process.env.LARGE_AMOUNT ?? '100000.00';
const CURRENCY = process.env.CURRENCY ?? 'GBP';
const VALID_DAYS = Number(process.env.VALID_DAYS ?? '90');
const KEEP_CONSENT = process.env.KEEP_CONSENT === '1';
for (const [name, value] of [
  ['AMOUNT', AMOUNT],
  ['LARGE_AMOUNT', LARGE_AMOUNT],
]) {
  if (!/^\d{1,13}(\.\d{1,5})?$/.test(value)) settingError(`${name} must be an amount such as 20.00 (got "${value}")`);
}
if (!(Number.isInteger(VALID_DAYS) && VALID_DAYS >= 0)) settingError(`VALID_DAYS must be a whole number of days (got "${process.env.VALID_DAYS}")`);

// --- 1. Discovery, client authentication, DPoP -------------------------------------------------------
// connectApp (example-support.mjs) reads ISSUER, CLIENT_ID and PRIVATE_JWK_FILE, discovers the bank, and gives the DPoP
// key of the whole run (the customer's tokens are bound to it: keep it with them) and callApi for the API.
const app = await connectApp('fundsconfirmations');
const { callApi } = app;
const API = `${app.issuer}/open-banking/v4.0/cbpii`;
// Listen for the callback before anything is created: a port in use stops the run here.
const callback = await catchCallback(REDIRECT_URI);

// --- 2. Client credentials token ---------------------------------------------------------------------
let clientToken = await app.clientCredentials();
console.log(`Client credentials token (DPoP-bound), expires in ${clientToken.expires_in} s`);

// --- 3. The funds confirmation consent ---------------------------------------------------------------
// DebtorAccount names the account funds are confirmed in: the customer's account at this bank, by sort code and account
// number or IBAN. The customer can agree only if it is theirs. Without ExpirationDateTime the consent lasts until the
// customer or you end it.
const debtorAccount = {
  SchemeName: /^\d{14}$/.test(DEBTOR_ACCOUNT) ? 'UK.OBIE.SortCodeAccountNumber' : 'UK.OBIE.IBAN',
  Identification: DEBTOR_ACCOUNT,
  Name: DEBTOR_NAME,
};
const expiration = VALID_DAYS > 0 ? { ExpirationDateTime: new Date(Date.now() + VALID_DAYS * 86_400_000).toISOString() } : {};
const consent = await callApi(clientToken.access_token, `${API}/funds-confirmation-consents`, 'POST', {
  Data: { DebtorAccount: debtorAccount, ...expiration },
});
const consentId = consent.Data.ConsentId;
console.log(
  `Consent ${consentId} created, status ${consent.Data.Status}, for ${debtorAccount.SchemeName} ${debtorAccount.Identification}` +
    (consent.Data.ExpirationDateTime ? ` until ${consent.Data.ExpirationDateTime}` : ', open-ended'),
);
// A consent of a failed run is of no use: delete it, so that nothing is left awaiting a customer or able to check funds.
let deleted = false;
onFailure(async () => {
  if (deleted) return;
  const { access_token: token } = await app.clientCredentials();
  await callApi(token, `${API}/funds-confirmation-consents/${consentId}`, 'DELETE');
  console.error(`Consent ${consentId} deleted: no funds can be confirmed under it any more.`);
});

// --- 4 and 5. Pushed authorization request, callback and code exchange ---------------------------------
// authorizeConsent (example-support.mjs) pushes the authorization request (here scope "openid fundsconfirmations", the
// consent as the essential openbanking_intent_id, PKCE), prints the URL, catches the callback and exchanges the code.
const tokens = await authorizeConsent(app, {
  consentId,
  redirectUri: REDIRECT_URI,
  callback,
  scope: 'openid fundsconfirmations',
  instructions: [
    'Open this URL in a browser within 60 seconds, log in as the customer whose account the consent names',
    '(alice / alice-sandbox-1 for the default), read which app may check which account, and agree:',
  ].join('\n'),
});
// The customer agreed once: from now on your backend asks without them, as card payments come. Keep the refresh token
// with the consent, and the DPoP key (it is bound to it). It works until the consent ends (ExpirationDateTime, your
// DELETE, the customer revoking it at the bank). Access tokens live 5 minutes.
console.log(`Customer access token (DPoP-bound), expires in ${tokens.expires_in} s, scope "${tokens.scope}"`);

// --- 6. Confirm funds --------------------------------------------------------------------------------
// Reference is your reference of the card payment the question is about (up to 35 characters). InstructedAmount must
// be in the account's currency. The answer is yes or no for the amount right now: the bank counts the booked balance,
// the card payments still pending and the overdraft, exactly as it decides payments. Nothing is reserved: a yes now does
// not promise a yes later.
console.log('');
await confirm(tokens.access_token, AMOUNT);
await confirm(tokens.access_token, LARGE_AMOUNT);

// --- 7. Later, without the customer ------------------------------------------------------------------
const refreshed = await client.refreshTokenGrant(app.config, tokens.refresh_token, undefined, { DPoP: app.DPoP });
console.log('Refreshed the access token with the refresh token');
await confirm(refreshed.access_token, AMOUNT);

// --- 8. Read and end the consent ---------------------------------------------------------------------
clientToken = await app.clientCredentials(); // the first may have expired
const current = await callApi(clientToken.access_token, `${API}/funds-confirmation-consents/${consentId}`, 'GET');
console.log(`\nConsent ${consentId} is ${current.Data.Status}`);
if (KEEP_CONSENT) {
  console.log('Kept: the customer sees it in their connected apps at the bank, and can revoke it there.');
} else {
  // Delete it when the customer closes their card with you, or withdraws the consent in your app. It becomes CANC and
  // its tokens stop working at once.
  await callApi(clientToken.access_token, `${API}/funds-confirmation-consents/${consentId}`, 'DELETE');
  deleted = true;
  const ended = await callApi(clientToken.access_token, `${API}/funds-confirmation-consents/${consentId}`, 'GET');
  console.log(`Consent ${consentId} deleted (204); its status is now ${ended.Data.Status}`);
  try {
    await client.refreshTokenGrant(app.config, tokens.refresh_token, undefined, { DPoP: app.DPoP });
    console.log('Unexpected: the refresh token still works');
  } catch (error) {
    if (!(error instanceof client.ResponseBodyError)) throw error;
    console.log(`The refresh token is now refused: ${error.error}`);
  }
}

/** Asks whether the account could pay `amount` now, and prints the answer. */
async function confirm(accessToken, amount) {
  const reference = `CARD-${randomUUID().slice(0, 8).toUpperCase()}`;
  const answer = await callApi(accessToken, `${API}/funds-confirmations`, 'POST', {
    Data: { ConsentId: consentId, Reference: reference, InstructedAmount: { Amount: amount, Currency: CURRENCY } },
  });
  console.log(
    `Funds for ${answer.Data.InstructedAmount.Amount} ${answer.Data.InstructedAmount.Currency} (reference ${answer.Data.Reference}): ` +
      `${answer.Data.FundsAvailable ? 'available' : 'not available'} (${answer.Data.FundsConfirmationId})`,
  );
  return answer;
}

/** A setting that cannot work: says which and exits with 2, before anything is created. */
function settingError(message) {
  console.error(message);
  process.exit(2);
}
