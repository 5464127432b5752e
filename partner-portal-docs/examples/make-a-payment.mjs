// A single domestic payment through OpenTeller, as a partner (PISP) backend makes it, with openid-client 6 and jose:
//
//   1. discovery, private_key_jwt client authentication, one DPoP key for every request
//   2. client credentials grant (scope payments)
//   3. POST /domestic-payment-consents, signed (x-jws-signature) and idempotent (x-idempotency-key) -> AWAU
//   4. pushed authorization request (scope "openid payments") naming the consent; prints the URL for the customer
//   5. catches the callback on REDIRECT_URI (or reads it pasted on stdin), exchanges the code (PKCE + DPoP)
//   6. POST /domestic-payments with the customer token, signed and idempotent; sends it twice with the same
//      key to show that the retry returns the same payment
//   7. GET /domestic-payments/{DomesticPaymentId} until the payment is final (ACSC or RJCT)
// Every response's x-jws-signature is verified with the bank's key from jwks_uri.
//
// If the bank refuses a request, the example prints its answer and what to check, and exits with 1. Payment
// consents cannot be deleted: the consent asks the customer to approve within 10 minutes
// (Authorisation.CompletionDateTime), so the consent of a run that fails midway ends (RJCT, U036) by then, and
// the example says what became of it.
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
//   AMOUNT, CURRENCY      default 10.00 GBP
//   CREDITOR_ACCOUNT      sort code + account number (14 digits) or IBAN (default 99030141873205, Bob Patel's
//                         current account at the sandbox bank)
//   CREDITOR_NAME         default Bob Patel
//   REFERENCE             default INVOICE 1001
//
// Run from the repository (openid-client and jose come from its node_modules):
//   CLIENT_ID=cli_... PARTNER_ID=ptn_... PRIVATE_JWK_FILE=private-jwk.json SIGNING_JWK_FILE=signing-private-jwk.json \
//     node partner-portal-docs/examples/make-a-payment.mjs
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as client from 'openid-client';
import { createRemoteJWKSet } from 'jose';
import { BankRefusal, ExampleFailure, exitOnFailure, onFailure } from './example-failures.mjs';
import { bankIssuer, catchCallback, loadPrivateKey, required } from './example-support.mjs';
import { signDetached, verifyDetached } from './message-signing.mjs';

exitOnFailure();
const ISSUER = bankIssuer();
const CLIENT_ID = required('CLIENT_ID', "your app's client id (cli_…), shown on its page in the portal");
const PARTNER_ID = required('PARTNER_ID', "your partner id (ptn_…): the part before the slash of the signing iss on the app's page in the portal");
const PRIVATE_JWK_FILE = required('PRIVATE_JWK_FILE', 'the path of your private key file, a JWK with "kid" as generate-keys.mjs writes it');
const SIGNING_JWK_FILE = required(
  'SIGNING_JWK_FILE',
  'the path of your private RSA key file for message signing, a JWK with "kid" (generate-keys.mjs writes signing-private-jwk.json)',
);
const TRUST_ANCHOR = process.env.JWS_TRUST_ANCHOR ?? new URL(ISSUER).hostname;
const BANK_ORGANISATION_ID = process.env.BANK_ORGANISATION_ID ?? 'openteller';
const REDIRECT_URI = process.env.REDIRECT_URI ?? 'http://localhost:8080/callback';
const AMOUNT = process.env.AMOUNT ?? '10.00';
const CURRENCY = process.env.CURRENCY ?? 'GBP';
const CREDITOR_ACCOUNT = (process.env.CREDITOR_ACCOUNT ?? '99030141873205').replace(/\s+/g, '').toUpperCase();
const CREDITOR_NAME = process.env.CREDITOR_NAME ?? 'Bob Patel';
const REFERENCE = process.env.REFERENCE ?? 'INVOICE 1001';
const API = `${ISSUER}/open-banking/v4.0/pisp`;
const AUTHORISATION_MINUTES = 10;

// --- 1. Discovery, client authentication, DPoP, keys -------------------------------------------------
const clientKey = await loadPrivateKey('PRIVATE_JWK_FILE', PRIVATE_JWK_FILE);
const signingKey = await loadPrivateKey('SIGNING_JWK_FILE', SIGNING_JWK_FILE, 'PS256'); // message signatures use PS256: an RSA key
const signer = { key: signingKey.key, kid: signingKey.kid, issuer: `${PARTNER_ID}/${CLIENT_ID}`, trustAnchor: TRUST_ANCHOR };
const config = await client.discovery(
  new URL(ISSUER),
  CLIENT_ID,
  undefined,
  client.PrivateKeyJwt({ key: clientKey.key, kid: clientKey.kid }),
  // A local sandbox issuer is plain http; openid-client refuses http unless told otherwise.
  new URL(ISSUER).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
);
// The bank signs every payment API response with a PS256 key published at jwks_uri.
const bankKeys = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
// One DPoP key pair for the whole flow: the PAR binds the authorization code to it.
const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
console.log(`Discovered ${config.serverMetadata().issuer}; signing as ${signer.issuer} (kid ${signer.kid}), trust anchor ${TRUST_ANCHOR}`);
// Listen for the callback before anything is created: a port in use stops the run here.
const callback = await catchCallback(REDIRECT_URI);

// --- 2. Client credentials token ---------------------------------------------------------------------
let clientToken = await client.clientCredentialsGrant(config, { scope: 'payments' }, { DPoP });
console.log(`Client credentials token (DPoP-bound), expires in ${clientToken.expires_in} s`);

// --- 3. Payment consent ------------------------------------------------------------------------------
const initiation = {
  InstructionIdentification: `INSTR-${Date.now()}`,
  EndToEndIdentification: `E2E-${Date.now()}`,
  InstructedAmount: { Amount: AMOUNT, Currency: CURRENCY },
  CreditorAccount: {
    SchemeName: /^\d{14}$/.test(CREDITOR_ACCOUNT) ? 'UK.OBIE.SortCodeAccountNumber' : 'UK.OBIE.IBAN',
    Identification: CREDITOR_ACCOUNT,
    Name: CREDITOR_NAME,
  },
  RemittanceInformation: { Unstructured: [REFERENCE] },
};
const risk = { PaymentContextCode: 'TransferToThirdParty' };
// The customer has AUTHORISATION_MINUTES to approve; after that an unapproved consent ends (RJCT, U036).
const authorisation = { AuthorisationType: 'Single', CompletionDateTime: new Date(Date.now() + AUTHORISATION_MINUTES * 60_000).toISOString() };
const consent = await callApi(clientToken.access_token, `${API}/domestic-payment-consents`, 'POST', {
  body: { Data: { Initiation: initiation, Authorisation: authorisation }, Risk: risk },
  idempotencyKey: randomUUID(),
});
const consentId = consent.Data.ConsentId;
const charges = consent.Data.Charges?.map((charge) => `${charge.Amount.Amount} ${charge.Amount.Currency} (${charge.Type})`).join(', ') ?? 'none';
console.log(`Consent ${consentId} created, status ${consent.Data.Status}, charges ${charges}`);
// Payment consents cannot be deleted: if the run fails from here, say what became of this one.
onFailure(async () => {
  const { access_token: token } = await client.clientCredentialsGrant(config, { scope: 'payments' }, { DPoP });
  const { Data } = await callApi(token, `${API}/domestic-payment-consents/${consentId}`, 'GET');
  const outcome = {
    AWAU: `nothing can be paid with it unless a customer approves it, and it ends (RJCT, U036) at ${authorisation.CompletionDateTime}`,
    AUTH: 'the customer approved it, but no payment was made with it: no money has moved',
    RJCT: 'it has ended; no money has moved',
    COND: 'a payment was made with it (above)',
  };
  console.error(`Consent ${consentId} is ${Data.Status}: ${outcome[Data.Status] ?? 'see payments.md#payment-consents'}.`);
});

// --- 4. Pushed authorization request -----------------------------------------------------------------
const pkceCodeVerifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const nonce = client.randomNonce();
const authorizationUrl = await client.buildAuthorizationUrlWithPAR(
  config,
  {
    response_type: 'code',
    scope: 'openid payments',
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
console.log('alice / alice-sandbox-1), choose the account to pay from and approve. If the bank asks for a');
console.log('one-time code, the sandbox shows it on the page:\n');
console.log(`  ${authorizationUrl.href}\n`);

// --- 5. Callback and code exchange -------------------------------------------------------------------
const callbackUrl = await callback.received();
// The customer cancelled, or the bank could not go on: the callback carries an OAuth error instead of a code.
const callbackError = callbackUrl.searchParams.get('error');
if (callbackError) {
  throw new BankRefusal('the authorization', null, { error: callbackError, error_description: callbackUrl.searchParams.get('error_description') });
}
const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier, expectedState: state, expectedNonce: nonce }, undefined, {
  DPoP,
});
const idToken = tokens.claims();
if (idToken.openbanking_intent_id !== consentId) {
  throw new ExampleFailure(
    `The ID token is bound to consent ${idToken.openbanking_intent_id}, not ${consentId}.`,
    'Do not use these tokens; report it to the bank.',
  );
}
console.log(`Customer access token (DPoP-bound), expires in ${tokens.expires_in} s, scope "${tokens.scope}", acr ${idToken.acr}`);

// --- 6. The payment, with the customer token ---------------------------------------------------------
// Repeat the consent's Initiation and Risk exactly. Keep the idempotency key with the payment in your own
// records before sending: if the answer is lost, send the same body with the same key again.
const paymentRequest = { Data: { ConsentId: consentId, Initiation: initiation }, Risk: risk };
const idempotencyKey = randomUUID();
const payment = await callApi(tokens.access_token, `${API}/domestic-payments`, 'POST', { body: paymentRequest, idempotencyKey });
const paymentId = payment.Data.DomesticPaymentId;
console.log(`\nPayment ${paymentId}: status ${payment.Data.Status}${reasons(payment.Data)}`);
const retried = await callApi(tokens.access_token, `${API}/domestic-payments`, 'POST', { body: paymentRequest, idempotencyKey });
console.log(
  `Sent again with the same x-idempotency-key: payment ${retried.Data.DomesticPaymentId}, status ${retried.Data.Status} (no second payment)`,
);

// --- 7. Status until final ---------------------------------------------------------------------------
clientToken = await client.clientCredentialsGrant(config, { scope: 'payments' }, { DPoP }); // the first may have expired
let current = payment;
for (let attempt = 0; current.Data.Status === 'ACSP' && attempt < 30; attempt += 1) {
  await sleep(2_000);
  current = await callApi(clientToken.access_token, `${API}/domestic-payments/${paymentId}`, 'GET');
}
console.log(`GET /domestic-payments/${paymentId}: status ${current.Data.Status}${reasons(current.Data)}`);
const afterwards = await callApi(clientToken.access_token, `${API}/domestic-payment-consents/${consentId}`, 'GET');
console.log(`Consent ${consentId} is now ${afterwards.Data.Status} (used)`);

/**
 * Calls the payment API with a DPoP-bound token. A POST body is serialised once, signed, and exactly those
 * bytes are sent, with the idempotency key. The response's signature is verified before its body is read.
 * Returns the parsed JSON body; throws a BankRefusal with the HTTP status and the OBIE error body otherwise.
 */
async function callApi(accessToken, url, method, { body, idempotencyKey } = {}) {
  const headers = new Headers({ accept: 'application/json', 'x-fapi-interaction-id': randomUUID() });
  let bytes;
  if (body !== undefined) {
    bytes = new TextEncoder().encode(JSON.stringify(body));
    headers.set('content-type', 'application/json');
    headers.set('x-idempotency-key', idempotencyKey);
    headers.set('x-jws-signature', await signDetached(bytes, signer));
  }
  let response;
  try {
    response = await client.fetchProtectedResource(config, accessToken, new URL(url), method, bytes, headers, { DPoP });
  } catch (error) {
    // openid-client throws on a 401 that carries a WWW-Authenticate challenge; the response is attached.
    if (error instanceof client.WWWAuthenticateChallengeError) {
      throw new BankRefusal(`${method} ${url}`, error.response.status, await error.response.text(), { cause: error });
    }
    throw error;
  }
  const received = new Uint8Array(await response.arrayBuffer());
  await verifyDetached(response.headers.get('x-jws-signature'), received, bankKeys, {
    bankOrganisationId: BANK_ORGANISATION_ID,
    trustAnchor: TRUST_ANCHOR,
  });
  const text = new TextDecoder().decode(received);
  if (!response.ok) throw new BankRefusal(`${method} ${url}`, response.status, text);
  return JSON.parse(text);
}

function reasons(data) {
  return data.StatusReason
    ? ` (${data.StatusReason.map((reason) => `${reason.StatusReasonCode}: ${reason.StatusReasonDescription}`).join('; ')})`
    : '';
}
