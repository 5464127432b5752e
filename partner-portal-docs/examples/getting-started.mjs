// The whole partner flow against OpenTeller, as a partner backend runs it, with openid-client 6 and jose:
//
//   1. discovery, private_key_jwt client authentication, one DPoP key for every request
//   2. client credentials grant (scope accounts)
//   3. POST /account-access-consents                     -> ConsentId (status AWAU)
//   4. pushed authorization request (PAR) naming the consent; prints the URL for the customer
//   5. catches the callback on REDIRECT_URI, exchanges the code (PKCE + DPoP)
//   6. GET /accounts and GET /accounts/{AccountId}
//   7. DELETE the consent and shows that the customer token stops working
//
// If the bank refuses a request, the example prints its answer and what to check, and exits with 1. A run that
// fails (or is stopped with Ctrl-C) after step 3 deletes its consent, so nothing is left awaiting a customer.
//
// Environment:
//   ISSUER            OpenTeller issuer (default http://localhost:3000)
//   CLIENT_ID         the app's client id, from the portal or `npx openteller partner create` (required)
//   PRIVATE_JWK_FILE  the app's private key: a JWK, or a JWKS whose first key is used; needs "kid" (required)
//   REDIRECT_URI      one of the app's registered redirect URIs, exactly (default http://localhost:8080/callback)
//   PERMISSIONS       comma-separated OBIE permissions (default ReadAccountsBasic,ReadAccountsDetail)
//   KEEP_CONSENT      set to 1 to skip step 7
//
// Run from the repository (openid-client and jose come from its node_modules):
//   CLIENT_ID=cli_... PRIVATE_JWK_FILE=private-jwk.json node partner-portal-docs/examples/getting-started.mjs
import * as client from 'openid-client';
import { BankRefusal, ExampleFailure, exitOnFailure, onFailure } from './example-failures.mjs';
import { catchCallback, connectApp } from './example-support.mjs';

exitOnFailure();
const REDIRECT_URI = process.env.REDIRECT_URI ?? 'http://localhost:8080/callback';
const PERMISSIONS = (process.env.PERMISSIONS ?? 'ReadAccountsBasic,ReadAccountsDetail').split(',').map((value) => value.trim());

// --- 1. Discovery, client authentication, DPoP -------------------------------------------------------
// connectApp (example-support.mjs) reads ISSUER, CLIENT_ID and PRIVATE_JWK_FILE, discovers the bank and makes one DPoP
// key pair for the whole flow: the PAR binds the authorization code to it, so the code exchange must use the same one.
// openid-client adds a fresh proof to every request and handles DPoP nonces.
const { issuer, config, DPoP, callApi, clientCredentials } = await connectApp('accounts');
const API = `${issuer}/open-banking/v4.0/aisp`;
// Listen for the callback before anything is created: a port in use stops the run here.
const callback = await catchCallback(REDIRECT_URI);

// --- 2. Client credentials token ---------------------------------------------------------------------
const clientToken = await clientCredentials();
console.log(`Client credentials token (DPoP-bound), expires in ${clientToken.expires_in} s`);

// --- 3. Account-access consent ----------------------------------------------------------------------
const consent = await callApi(clientToken.access_token, `${API}/account-access-consents`, 'POST', {
  Data: { Permissions: PERMISSIONS },
  Risk: {},
});
const consentId = consent.Data.ConsentId;
console.log(`Consent ${consentId} created, status ${consent.Data.Status}, permissions ${consent.Data.Permissions.join(', ')}`);
// A consent of a failed run is of no use: delete it, so that nothing is left awaiting a customer (a consent the
// customer denied stays RJCT).
onFailure(async () => {
  const { access_token: token } = await clientCredentials();
  await callApi(token, `${API}/account-access-consents/${consentId}`, 'DELETE');
  const ended = await callApi(token, `${API}/account-access-consents/${consentId}`, 'GET');
  console.error(`Consent ${consentId} is now ${ended.Data.Status}: it cannot be used or authorised any more.`);
});

// --- 4. Pushed authorization request -----------------------------------------------------------------
const pkceCodeVerifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const nonce = client.randomNonce();
const authorizationUrl = await client.buildAuthorizationUrlWithPAR(
  config,
  {
    response_type: 'code',
    scope: 'openid accounts',
    redirect_uri: REDIRECT_URI,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    claims: JSON.stringify({ id_token: { openbanking_intent_id: { value: consentId, essential: true } } }),
  },
  { DPoP },
);
console.log('\nOpen this URL in a browser within 60 seconds, log in as a sandbox customer (for example');
console.log('alice / alice-sandbox-1; see npx openteller sandbox customers), pick accounts and approve:\n');
console.log(`  ${authorizationUrl.href}\n`);

// --- 5. Callback and code exchange -------------------------------------------------------------------
const callbackUrl = await callback.received();
// The customer denied, or the bank could not go on: the callback carries an OAuth error instead of a code.
const callbackError = callbackUrl.searchParams.get('error');
if (callbackError) {
  throw new BankRefusal('the authorization', null, { error: callbackError, error_description: callbackUrl.searchParams.get('error_description') });
}
// Checks state and iss, sends the PKCE verifier, verifies the ID token (signature, nonce, audience).
const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier, expectedState: state, expectedNonce: nonce }, undefined, {
  DPoP,
});
const idToken = tokens.claims();
console.log(`Customer access token (DPoP-bound), expires in ${tokens.expires_in} s, scope "${tokens.scope}"`);
console.log(`ID token: sub ${idToken.sub}, openbanking_intent_id ${idToken.openbanking_intent_id}`);
if (idToken.openbanking_intent_id !== consentId) {
  throw new ExampleFailure(
    `The ID token is bound to consent ${idToken.openbanking_intent_id}, not ${consentId}.`,
    'Do not use these tokens; report it to the bank.',
  );
}

// --- 6. Accounts -------------------------------------------------------------------------------------
const accounts = await callApi(tokens.access_token, `${API}/accounts`, 'GET');
console.log('\nGET /accounts:');
console.log(JSON.stringify(accounts.Data.Account, null, 2));
const first = accounts.Data.Account[0];
if (first) {
  const one = await callApi(tokens.access_token, `${API}/accounts/${encodeURIComponent(first.AccountId)}`, 'GET');
  console.log(`\nGET /accounts/${first.AccountId}: ${one.Data.Account[0].Nickname ?? ''} ${one.Data.Account[0].Currency}`);
}

// --- 7. Revoke the consent ---------------------------------------------------------------------------
if (process.env.KEEP_CONSENT !== '1') {
  const { access_token: token } = await clientCredentials(); // the first may have expired
  await callApi(token, `${API}/account-access-consents/${consentId}`, 'DELETE');
  const after = await callApi(token, `${API}/account-access-consents/${consentId}`, 'GET');
  console.log(`\nConsent ${consentId} deleted; its status is now ${after.Data.Status}`);
  try {
    await callApi(tokens.access_token, `${API}/accounts`, 'GET');
    console.log('Unexpected: the customer token still works');
  } catch (error) {
    if (!(error instanceof BankRefusal)) throw error;
    console.log(`GET /accounts with the customer token is now refused: ${error.status} ${error.body.Message}`);
  }
}
