// Helpers shared by the runnable examples: reading a setting, a file or a private key file; catching the
// authorization callback (a loopback listener, or the URL pasted back into the terminal); an app's connection to the
// bank (discovery, client authentication, DPoP) with the call to the APIs that sign nothing (account information,
// confirmation of funds); what the payment examples add (message signing, the signed call to the payment API); and the
// customer's authorization of a consent.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline/promises';
import { createRemoteJWKSet, importJWK } from 'jose';
import * as client from 'openid-client';
import { BankRefusal, ExampleFailure } from './example-failures.mjs';
import { signDetached, verifyDetached } from './message-signing.mjs';

/**
 * Starts catching the authorization callback on `redirectUri` at once, so that a port in use stops the run before
 * anything is created. For an http loopback redirect URI, a small server on its port catches it; for any other,
 * you paste the URL the browser ended on. `received()` resolves with that URL.
 */
export async function catchCallback(redirectUri) {
  const target = new URL(redirectUri);
  const loopback = target.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(target.hostname);
  if (!loopback) return { received: () => pastedCallback() };
  const port = Number(target.port || 80);
  let deliver;
  const callback = new Promise((resolve) => (deliver = resolve));
  const servers = [];
  const handler = (req, res) => {
    const url = new URL(req.url ?? '/', target.origin);
    if (url.pathname !== target.pathname) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
      .end('Done. You can close this window and go back to the terminal.\n');
    for (const server of servers) server.close();
    deliver(url);
  };
  // Loopback only; "localhost" may resolve to 127.0.0.1 or ::1, so listen on both where available.
  for (const host of target.hostname === 'localhost' ? ['127.0.0.1', '::1'] : [target.hostname]) {
    const server = createServer(handler);
    try {
      await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
      servers.push(server);
    } catch (error) {
      // No IPv6 loopback on this machine: 127.0.0.1 is enough.
      if (host === '::1' && ['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes(error.code)) continue;
      for (const listening of servers) listening.close();
      throw new ExampleFailure(
        `Cannot listen on ${host}:${port} for the callback to REDIRECT_URI ${redirectUri} (${error.code}).`,
        `Stop the program that uses port ${port}, or register a redirect URI with a free port above 1024 and set REDIRECT_URI to it.`,
      );
    }
  }
  console.log(`Listening for the callback on ${redirectUri}`);
  return { received: () => callback };
}

async function pastedCallback() {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  // Ctrl-C at the prompt stops the run like anywhere else.
  prompt.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  const pasted = await prompt.question('Paste the full URL the browser was redirected to: ');
  prompt.close();
  try {
    return new URL(pasted.trim());
  } catch {
    throw new ExampleFailure(`"${pasted.trim()}" is not a URL.`, "Paste the whole address from the browser's address bar, starting with https://.");
  }
}

/** The text of the file a setting names. */
export function readSettingFile(variable, file) {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ExampleFailure(
      `Cannot read ${variable} ${file} (${error.code}).`,
      `Set ${variable} to the path of an existing file (a relative path starts from the directory you run the example in).`,
    );
  }
}

/**
 * The private key in the file a setting names (a JWK, or a JWKS whose first key is used; it needs the "kid" of a
 * public key registered for the app), ready to sign with `alg` (default: the key's "alg", or the usual one for its
 * type).
 */
export async function loadPrivateKey(variable, file, alg) {
  const text = readSettingFile(variable, file);
  const hint = `Set ${variable} to a private key file as generate-keys.mjs writes it: a JWK with "d" and the "kid" of a public key registered for the app.`;
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ExampleFailure(`${variable} ${file} is not JSON.`, hint);
  }
  const jwk = Array.isArray(parsed?.keys) ? parsed.keys[0] : parsed;
  if (!jwk?.d) throw new ExampleFailure(`${variable} ${file} holds no private key.`, hint);
  if (!jwk.kid) throw new ExampleFailure(`${variable} ${file}: the key has no "kid".`, hint);
  const algorithm = alg ?? jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : jwk.kty === 'OKP' ? 'EdDSA' : 'PS256');
  try {
    return { kid: jwk.kid, alg: algorithm, key: await importJWK(jwk, algorithm) };
  } catch (error) {
    throw new ExampleFailure(`${variable} ${file} holds a ${jwk.kty} key that cannot sign with ${algorithm} (${error.message}).`, hint);
  }
}

/**
 * The bank's issuer from ISSUER (default http://localhost:3000), without trailing slashes: every URL of the API is
 * built on it. Not an http(s) URL → says what to set and exits with 2.
 */
export function bankIssuer() {
  const issuer = (process.env.ISSUER ?? 'http://localhost:3000').replace(/\/+$/, '');
  let url;
  try {
    url = new URL(issuer);
  } catch {
    url = null;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    console.error(`Set ISSUER to the bank's issuer, an http(s) URL such as http://localhost:3000 (got "${process.env.ISSUER}").`);
    process.exit(2);
  }
  return issuer;
}

/** The value of a setting the example cannot run without; without it, says what to set and exits with 2. */
export function required(name, what) {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name}: ${what}.`);
    process.exit(2);
  }
  return value;
}

/**
 * The bank's discovery document and private_key_jwt client authentication with the key in `privateJwkFile`, for
 * openid-client; and one DPoP key pair for the whole run (the PAR binds the authorization code to it, and the customer's
 * tokens stay bound to it: keep it with them).
 */
async function discoverBank(issuer, clientId, privateJwkFile) {
  const clientKey = await loadPrivateKey('PRIVATE_JWK_FILE', privateJwkFile);
  const config = await client.discovery(
    new URL(issuer),
    clientId,
    undefined,
    client.PrivateKeyJwt({ key: clientKey.key, kid: clientKey.kid }),
    // A local sandbox issuer is plain http; openid-client refuses http unless told otherwise.
    new URL(issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
  );
  return { config, DPoP: client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256')) };
}

/**
 * An app connected to the bank for an API that signs nothing (account information: scope accounts; confirmation of
 * funds: scope fundsconfirmations), from the settings ISSUER, CLIENT_ID and PRIVATE_JWK_FILE. A missing setting says
 * what to set and exits with 2.
 *
 * - `config`, `DPoP`: as for a payment app (see connectPaymentApp);
 * - `callApi(accessToken, url, method, body)`: calls the API with a DPoP-bound token; returns the parsed JSON body (null
 *   for a 204); throws a BankRefusal with the HTTP status and the OBIE error body otherwise;
 * - `clientCredentials()`: a client credentials token of `scope`.
 */
export async function connectApp(scope) {
  const issuer = bankIssuer();
  const clientId = required('CLIENT_ID', "your app's client id (cli_…), shown on its page in the portal");
  const privateJwkFile = required('PRIVATE_JWK_FILE', 'the path of your private key file, a JWK with "kid" as generate-keys.mjs writes it');
  const { config, DPoP } = await discoverBank(issuer, clientId, privateJwkFile);
  console.log(`Discovered ${config.serverMetadata().issuer}`);
  return {
    issuer,
    config,
    DPoP,
    clientCredentials: () => client.clientCredentialsGrant(config, { scope }, { DPoP }),
    async callApi(accessToken, url, method, body) {
      const headers = new Headers({ accept: 'application/json', 'x-fapi-interaction-id': randomUUID() });
      if (body !== undefined) headers.set('content-type', 'application/json');
      let response;
      try {
        response = await client.fetchProtectedResource(
          config,
          accessToken,
          new URL(url),
          method,
          body === undefined ? undefined : JSON.stringify(body),
          headers,
          { DPoP },
        );
      } catch (error) {
        // openid-client throws on a 401 that carries a WWW-Authenticate challenge; the response is attached.
        if (error instanceof client.WWWAuthenticateChallengeError) {
          const text = await error.response.text();
          throw new BankRefusal(`${method} ${url}`, error.response.status, text || error.response.headers.get('www-authenticate'), { cause: error });
        }
        throw error;
      }
      if (response.status === 204) return null;
      const text = await response.text();
      if (!response.ok) throw new BankRefusal(`${method} ${url}`, response.status, text);
      return JSON.parse(text);
    },
  };
}

/**
 * A payment (PISP) app connected to the bank, from the settings every payment example shares: ISSUER, CLIENT_ID,
 * PARTNER_ID, PRIVATE_JWK_FILE, SIGNING_JWK_FILE, JWS_TRUST_ANCHOR (default: the issuer's host name, which is the
 * bank's default) and BANK_ORGANISATION_ID (default openteller). A missing setting says what to set and exits with 2.
 *
 * - `config`: the bank's discovery document and private_key_jwt client authentication, for openid-client;
 * - `DPoP`: one DPoP key pair for the whole run (the PAR binds the authorization code to it, and the customer's
 *   tokens stay bound to it: keep it with them);
 * - `callApi`: calls the payment API, signing each request body and verifying the bank's signature on each response;
 * - `clientCredentials()`: a client credentials token (scope payments).
 */
export async function connectPaymentApp() {
  const issuer = bankIssuer();
  const clientId = required('CLIENT_ID', "your app's client id (cli_…), shown on its page in the portal");
  const partnerId = required('PARTNER_ID', "your partner id (ptn_…): the part before the slash of the signing iss on the app's page in the portal");
  const privateJwkFile = required('PRIVATE_JWK_FILE', 'the path of your private key file, a JWK with "kid" as generate-keys.mjs writes it');
  const signingJwkFile = required(
    'SIGNING_JWK_FILE',
    'the path of your private RSA key file for message signing, a JWK with "kid" (generate-keys.mjs writes signing-private-jwk.json)',
  );
  const trustAnchor = process.env.JWS_TRUST_ANCHOR ?? new URL(issuer).hostname;
  const bankOrganisationId = process.env.BANK_ORGANISATION_ID ?? 'openteller';

  const signingKey = await loadPrivateKey('SIGNING_JWK_FILE', signingJwkFile, 'PS256'); // message signatures use PS256: an RSA key
  const signer = { key: signingKey.key, kid: signingKey.kid, issuer: `${partnerId}/${clientId}`, trustAnchor };
  const { config, DPoP } = await discoverBank(issuer, clientId, privateJwkFile);
  // The bank signs every payment API response with a PS256 key published at jwks_uri.
  const bankKeys = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
  console.log(`Discovered ${config.serverMetadata().issuer}; signing as ${signer.issuer} (kid ${signer.kid}), trust anchor ${trustAnchor}`);

  const app = {
    issuer,
    config,
    DPoP,
    /** How many responses' signatures were verified so far. */
    verifiedResponses: 0,
    clientCredentials: () => client.clientCredentialsGrant(config, { scope: 'payments' }, { DPoP }),
    /**
     * Calls the payment API with a DPoP-bound token. A POST body is serialised once, signed, and exactly those
     * bytes are sent, with the idempotency key. The response's signature is verified before its body is read.
     * Returns the parsed JSON body (null for a 204, which has no body to sign); throws a BankRefusal with the
     * HTTP status and the OBIE error body otherwise.
     */
    async callApi(accessToken, url, method, { body, idempotencyKey } = {}) {
      const headers = new Headers({ accept: 'application/json', 'x-fapi-interaction-id': randomUUID() });
      let bytes;
      if (body !== undefined) {
        bytes = new TextEncoder().encode(JSON.stringify(body));
        headers.set('content-type', 'application/json');
        if (idempotencyKey !== undefined) headers.set('x-idempotency-key', idempotencyKey);
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
      if (response.status === 204) return null;
      const received = new Uint8Array(await response.arrayBuffer());
      await verifyDetached(response.headers.get('x-jws-signature'), received, bankKeys, { bankOrganisationId, trustAnchor });
      app.verifiedResponses += 1;
      const text = new TextDecoder().decode(received);
      if (!response.ok) throw new BankRefusal(`${method} ${url}`, response.status, text);
      return JSON.parse(text);
    },
  };
  return app;
}

/**
 * The customer's authorization of a consent (FAPI 2.0): a pushed authorization request for `scope` (default
 * "openid payments") naming the consent as the essential openbanking_intent_id claim (with PKCE, state and nonce,
 * DPoP-bound); the authorization URL printed after `instructions`; the callback caught by `callback` (from
 * catchCallback); the code exchanged with the same DPoP key. The customer cancelling (an error in the callback)
 * throws the bank's refusal. Returns the token response, after checking that its ID token names this consent.
 */
export async function authorizeConsent({ config, DPoP }, { consentId, redirectUri, callback, instructions, scope = 'openid payments' }) {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = await client.buildAuthorizationUrlWithPAR(
    config,
    {
      response_type: 'code',
      scope,
      redirect_uri: redirectUri,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
      code_challenge_method: 'S256',
      claims: JSON.stringify({ id_token: { openbanking_intent_id: { value: consentId, essential: true } } }),
    },
    { DPoP },
  );
  console.log(`\n${instructions}\n`);
  console.log(`  ${authorizationUrl.href}\n`);

  const callbackUrl = await callback.received();
  // The customer cancelled, or the bank could not go on: the callback carries an OAuth error instead of a code.
  const callbackError = callbackUrl.searchParams.get('error');
  if (callbackError) {
    throw new BankRefusal('the authorization', null, { error: callbackError, error_description: callbackUrl.searchParams.get('error_description') });
  }
  // Checks state and iss, sends the PKCE verifier, verifies the ID token (signature, nonce, audience).
  const tokens = await client.authorizationCodeGrant(
    config,
    callbackUrl,
    { pkceCodeVerifier, expectedState: state, expectedNonce: nonce },
    undefined,
    {
      DPoP,
    },
  );
  if (tokens.claims().openbanking_intent_id !== consentId) {
    throw new ExampleFailure(
      `The ID token is bound to consent ${tokens.claims().openbanking_intent_id}, not ${consentId}.`,
      'Do not use these tokens; report it to the bank.',
    );
  }
  return tokens;
}

/** A payment's StatusReason in words (" (AC04: The payee account is closed)"), or nothing. */
export function statusReasons(data) {
  return data.StatusReason
    ? ` (${data.StatusReason.map((reason) => `${reason.StatusReasonCode}: ${reason.StatusReasonDescription}`).join('; ')})`
    : '';
}
