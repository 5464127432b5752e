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
import { exitOnFailure, onFailure } from './example-failures.mjs';
import { authorizeConsent, catchCallback, connectPaymentApp, statusReasons } from './example-support.mjs';

exitOnFailure();
const REDIRECT_URI = process.env.REDIRECT_URI ?? 'http://localhost:8080/callback';
const AMOUNT = process.env.AMOUNT ?? '10.00';
const CURRENCY = process.env.CURRENCY ?? 'GBP';
const CREDITOR_ACCOUNT = (process.env.CREDITOR_ACCOUNT ?? '99030141873205').replace(/\s+/g, '').toUpperCase();
const CREDITOR_NAME = process.env.CREDITOR_NAME ?? 'Bob Patel';
const REFERENCE = process.env.REFERENCE ?? 'INVOICE 1001';
const AUTHORISATION_MINUTES = 10;

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
  const { access_token: token } = await app.clientCredentials();
  const { Data } = await callApi(token, `${API}/domestic-payment-consents/${consentId}`, 'GET');
  const outcome = {
    AWAU: `nothing can be paid with it unless a customer approves it, and it ends (RJCT, U036) at ${authorisation.CompletionDateTime}`,
    AUTH: 'the customer approved it, but no payment was made with it: no money has moved',
    RJCT: 'it has ended; no money has moved',
    COND: 'a payment was made with it (above)',
  };
  console.error(`Consent ${consentId} is ${Data.Status}: ${outcome[Data.Status] ?? 'see payments.md#payment-consents'}.`);
});

// --- 4 and 5. Pushed authorization request, callback and code exchange ---------------------------------
// authorizeConsent (example-support.mjs) pushes the authorization request (scope "openid payments", the consent as
// the essential openbanking_intent_id, PKCE), prints the URL, catches the callback and exchanges the code (DPoP).
const tokens = await authorizeConsent(app, {
  consentId,
  redirectUri: REDIRECT_URI,
  callback,
  instructions: [
    'Open this URL in a browser within 60 seconds, log in as a sandbox customer (for example',
    'alice / alice-sandbox-1), choose the account to pay from and approve. If the bank asks for a',
    'one-time code, the sandbox shows it on the page:',
  ].join('\n'),
});
console.log(`Customer access token (DPoP-bound), expires in ${tokens.expires_in} s, scope "${tokens.scope}", acr ${tokens.claims().acr}`);

// --- 6. The payment, with the customer token ---------------------------------------------------------
// Repeat the consent's Initiation and Risk exactly. Keep the idempotency key with the payment in your own
// records before sending: if the answer is lost, send the same body with the same key again.
const paymentRequest = { Data: { ConsentId: consentId, Initiation: initiation }, Risk: risk };
const idempotencyKey = randomUUID();
const payment = await callApi(tokens.access_token, `${API}/domestic-payments`, 'POST', { body: paymentRequest, idempotencyKey });
const paymentId = payment.Data.DomesticPaymentId;
console.log(`\nPayment ${paymentId}: status ${payment.Data.Status}${statusReasons(payment.Data)}`);
const retried = await callApi(tokens.access_token, `${API}/domestic-payments`, 'POST', { body: paymentRequest, idempotencyKey });
console.log(
  `Sent again with the same x-idempotency-key: payment ${retried.Data.DomesticPaymentId}, status ${retried.Data.Status} (no second payment)`,
);

// --- 7. Status until final ---------------------------------------------------------------------------
clientToken = await app.clientCredentials(); // the first may have expired
let current = payment;
for (let attempt = 0; current.Data.Status === 'ACSP' && attempt < 30; attempt += 1) {
  await sleep(2_000);
  current = await callApi(clientToken.access_token, `${API}/domestic-payments/${paymentId}`, 'GET');
}
console.log(`GET /domestic-payments/${paymentId}: status ${current.Data.Status}${statusReasons(current.Data)}`);
const afterwards = await callApi(clientToken.access_token, `${API}/domestic-payment-consents/${consentId}`, 'GET');
console.log(`Consent ${consentId} is now ${afterwards.Data.Status} (used)`);
