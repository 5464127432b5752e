// Registers a client by Dynamic Client Registration (RFC 7591, Open Banking DCR profile), with openid-client 6
// and jose:
//
//   1. reads the software statement and the app's private key; discovery gives the registration_endpoint
//   2. signs a registration request (a JWT: iss = software_id, aud = issuer, 5 minutes, single-use jti) with
//      the app's key and POSTs it as application/jose                      -> client_id, registration access token
//   3. proves the new client works: client credentials grant (scope accounts, private_key_jwt, DPoP)
//   4. reads the registration back with GET /register/{client_id} (RFC 7592): the registration access token
//      rotates, and the one just used is refused from now on
//   5. with DEREGISTER=1, deletes the client (DELETE /register/{client_id}) and shows its token is refused
//
// If the bank refuses a request, the example prints its answer and what to check, and exits with 1; a refused
// registration registers nothing.
//
// Environment:
//   ISSUER            OpenTeller issuer (default http://localhost:3000)
//   SSA_FILE          the software statement: the portal's "Download software statement", or the output of
//                     `openteller ssa issue --client <client_id>` (required). It must grant the AISP role.
//   PRIVATE_JWK_FILE  the private key of the app the statement is for, as generate-keys.mjs writes it: a JWK,
//                     or a JWKS whose first key is used; needs "kid" (required)
//   REDIRECT_URI      one of the statement's software_redirect_uris (default http://localhost:8080/callback)
//   DEREGISTER        set to 1 to delete the new client at the end (step 5)
//
// Run from the repository (openid-client and jose come from its node_modules):
//   SSA_FILE=ssa.jwt PRIVATE_JWK_FILE=private-jwk.json node partner-portal-docs/examples/register-by-dcr.mjs
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { decodeJwt, SignJWT } from 'jose';
import { BankRefusal, ExampleFailure, exitOnFailure } from './example-failures.mjs';
import { bankIssuer, loadPrivateKey, readSettingFile, required } from './example-support.mjs';

exitOnFailure();
const ISSUER = bankIssuer();
const SSA_FILE = required('SSA_FILE', 'the path of the app\'s software statement (the portal\'s "Download software statement")');
const PRIVATE_JWK_FILE = required('PRIVATE_JWK_FILE', 'the path of the private key file of the app the statement is for, a JWK with "kid"');
const REDIRECT_URI = process.env.REDIRECT_URI ?? 'http://localhost:8080/callback';

// --- 1. Statement, key, discovery --------------------------------------------------------------------
const softwareStatement = readSettingFile('SSA_FILE', SSA_FILE).trim();
const statement = readStatement(softwareStatement); // only read here: the bank verifies its signature
const privateKey = await loadPrivateKey('PRIVATE_JWK_FILE', PRIVATE_JWK_FILE);
// Plain discovery: openid-client's discovery() wants a client id, which we only get in step 2.
const discoveryUrl = `${ISSUER}/.well-known/openid-configuration`;
const discoveryResponse = await fetch(discoveryUrl);
if (!discoveryResponse.ok) throw new BankRefusal(`GET ${discoveryUrl}`, discoveryResponse.status, await discoveryResponse.text());
const serverMetadata = await discoveryResponse.json();
console.log(
  `Software statement for software_id ${statement.software_id} (${statement.software_client_name}), roles ${statement.software_roles?.join(', ') ?? 'none'}`,
);
console.log(`  issued ${dateOf(statement.iat)}, accepted until ${dateOf(statement.exp)}`);
console.log(`Registration endpoint: ${serverMetadata.registration_endpoint}`);

// --- 2. Signed registration request ------------------------------------------------------------------
// The claims are the client metadata asked for, plus the statement. The FAPI settings (private_key_jwt, PAR,
// code flow, PS256 ID tokens, DPoP-bound tokens) are fixed by the bank whatever is asked; the response shows them.
const now = Math.floor(Date.now() / 1000);
const registrationRequest = await new SignJWT({
  redirect_uris: [REDIRECT_URI],
  scope: 'openid accounts',
  token_endpoint_auth_method: 'private_key_jwt',
  token_endpoint_auth_signing_alg: privateKey.alg,
  software_statement: softwareStatement,
})
  .setProtectedHeader({ alg: privateKey.alg, kid: privateKey.kid, typ: 'JWT' })
  .setIssuer(statement.software_id) // iss = the statement's software_id
  .setAudience(serverMetadata.issuer) // aud = the issuer (or the registration endpoint)
  .setIssuedAt(now)
  .setExpirationTime(now + 300) // exp - iat: at most one hour
  .setJti(randomUUID()) // each request is accepted once
  .sign(privateKey.key);

const registered = await registrationCall('POST', serverMetadata.registration_endpoint, undefined, registrationRequest);
console.log(`\nRegistered client ${registered.client_id}`);
console.log(`  scope "${registered.scope}", redirect_uris ${registered.redirect_uris.join(', ')}`);
console.log(
  `  token_endpoint_auth_method ${registered.token_endpoint_auth_method}, dpop_bound_access_tokens ${registered.dpop_bound_access_tokens}, require_pushed_authorization_requests ${registered.require_pushed_authorization_requests}`,
);
console.log(`  registration_client_uri ${registered.registration_client_uri}`);
console.log(`  registration_access_token ${registered.registration_access_token}`);

// --- 3. The new client works -------------------------------------------------------------------------
const config = new client.Configuration(
  serverMetadata,
  registered.client_id,
  undefined,
  client.PrivateKeyJwt({ key: privateKey.key, kid: privateKey.kid }),
);
// A local sandbox issuer is plain http; openid-client refuses http unless told otherwise.
if (new URL(ISSUER).protocol === 'http:') client.allowInsecureRequests(config);
const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
const clientToken = await client.clientCredentialsGrant(config, { scope: 'accounts' }, { DPoP });
console.log(
  `\nClient credentials token for ${registered.client_id}: token_type ${clientToken.token_type}, scope "${clientToken.scope}", expires in ${clientToken.expires_in} s`,
);

// --- 4. Read the registration (RFC 7592): the registration access token rotates ----------------------
const firstToken = registered.registration_access_token;
const read = await registrationCall('GET', registered.registration_client_uri, firstToken);
console.log(`\nGET ${registered.registration_client_uri}: client_name "${read.client_name}", software_id ${read.software_id}`);
console.log(
  `  registration_access_token rotated: ${read.registration_access_token !== firstToken ? 'yes' : 'NO'}; keep the new one: ${read.registration_access_token}`,
);
if (read.registration_access_token === firstToken) process.exitCode = 1;
const reused = await fetch(registered.registration_client_uri, { headers: { authorization: `Bearer ${firstToken}` } });
console.log(`  the previous token is now refused: ${reused.status} ${(await reused.json()).error}`);

// --- 5. Optional: deregister -------------------------------------------------------------------------
if (process.env.DEREGISTER === '1') {
  await registrationCall('DELETE', registered.registration_client_uri, read.registration_access_token);
  console.log(`\nDELETE ${registered.registration_client_uri}: 204, the client is deregistered`);
  try {
    await client.clientCredentialsGrant(config, { scope: 'accounts' }, { DPoP });
    console.log('Unexpected: the deleted client still gets tokens');
    process.exitCode = 1;
  } catch (error) {
    console.log(`A client credentials grant now fails: ${error.error ?? error.message}`);
  }
}

/**
 * One call to the registration endpoints: a signed request (POST) or the registration access token (GET, PUT,
 * DELETE). Returns the JSON body (null for 204); throws a BankRefusal with the status and RFC 7591 error body otherwise.
 */
async function registrationCall(method, url, registrationAccessToken, signedRequest) {
  const headers = { accept: 'application/json' };
  if (registrationAccessToken) headers.authorization = `Bearer ${registrationAccessToken}`;
  if (signedRequest) headers['content-type'] = 'application/jose';
  const response = await fetch(url, { method, headers, body: signedRequest });
  if (response.status === 204) return null;
  const text = await response.text();
  if (!response.ok) throw new BankRefusal(`${method} ${url}`, response.status, text);
  return JSON.parse(text);
}

/** The claims of the software statement, read without verifying it (the bank does that). */
function readStatement(jwt) {
  try {
    return decodeJwt(jwt);
  } catch {
    throw new ExampleFailure(
      `SSA_FILE ${SSA_FILE} holds no software statement (a JWT).`,
      "Download the software statement from the app's page in the portal again.",
    );
  }
}

/** A JWT date (seconds since 1970) as ISO 8601. */
function dateOf(seconds) {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : 'unknown';
}
