// Event notifications for a partner app (events.md), with openid-client 6 and jose:
//
//   1. discovery, private_key_jwt client authentication, one DPoP key, a client credentials token
//   2. the app's subscription: created (POST /event-subscriptions) or changed (PUT) so that it says what this run
//      wants; both requests are signed (x-jws-signature) and the bank's signature on the answer is checked
//   3. then, with LISTEN_PORT set, a receiver at http://localhost:LISTEN_PORT/open-banking/v4.0/event-notifications
//      to which the bank pushes each event (it answers 202); without it, aggregated polling (POST /events, a long
//      poll) that acknowledges each event it has handled
// Each event is a Security Event Token signed by the bank: its signature is verified with the bank's key from
// jwks_uri, and its issuer, audience (your client id) and type (secevent+jwt) are checked before it is trusted.
// Events may come more than once (delivery is at least once): they are told apart by their jti.
//
// Environment:
//   ISSUER                OpenTeller issuer (default http://localhost:3000)
//   CLIENT_ID, PARTNER_ID, PRIVATE_JWK_FILE, SIGNING_JWK_FILE, JWS_TRUST_ANCHOR, BANK_ORGANISATION_ID
//                         as for make-a-payment.mjs (the app's page in the portal shows them)
//   SCOPE                 the token's scope: accounts, payments or fundsconfirmations (default payments)
//   EVENT_TYPES           comma-separated UK.OBIE.* codes to subscribe to (default: every type)
//   LISTEN_PORT           receive pushed events on this port (the sandbox accepts an http://localhost callback);
//                         without it, poll
//   CALLBACK_URL          the callback URL to subscribe (default http://localhost:LISTEN_PORT/open-banking/v4.0/event-notifications)
//   STOP_AFTER            stop after this many distinct events (default: run until Ctrl-C)
//
// Run from the repository:
//   CLIENT_ID=cli_... PARTNER_ID=ptn_... PRIVATE_JWK_FILE=private-jwk.json SIGNING_JWK_FILE=signing-private-jwk.json \
//     node partner-portal-docs/examples/receive-events.mjs
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { BankRefusal, ExampleFailure, exitOnFailure } from './example-failures.mjs';
import { bankIssuer, loadPrivateKey, required } from './example-support.mjs';
import { signDetached, verifyDetached } from './message-signing.mjs';

exitOnFailure();
const ISSUER = bankIssuer();
const CLIENT_ID = required('CLIENT_ID', "your app's client id (cli_…), shown on its page in the portal");
const PARTNER_ID = required('PARTNER_ID', "your partner id (ptn_…): the part before the slash of the signing iss on the app's page in the portal");
const PRIVATE_JWK_FILE = required('PRIVATE_JWK_FILE', 'the path of your private key file, a JWK with "kid" as generate-keys.mjs writes it');
const SIGNING_JWK_FILE = required('SIGNING_JWK_FILE', 'the path of your private RSA key file for message signing, a JWK with "kid"');
const TRUST_ANCHOR = process.env.JWS_TRUST_ANCHOR ?? new URL(ISSUER).hostname;
const BANK_ORGANISATION_ID = process.env.BANK_ORGANISATION_ID ?? 'openteller';
const SCOPE = process.env.SCOPE ?? 'payments';
const EVENT_TYPES = process.env.EVENT_TYPES ? process.env.EVENT_TYPES.split(',').map((type) => type.trim()) : undefined;
const LISTEN_PORT = process.env.LISTEN_PORT ? Number(process.env.LISTEN_PORT) : undefined;
const CALLBACK_PATH = '/open-banking/v4.0/event-notifications';
const CALLBACK_URL = process.env.CALLBACK_URL ?? (LISTEN_PORT ? `http://localhost:${LISTEN_PORT}${CALLBACK_PATH}` : undefined);
const STOP_AFTER = process.env.STOP_AFTER ? Number(process.env.STOP_AFTER) : Infinity;
const API = `${ISSUER}/open-banking/v4.0`;

// --- 1. Discovery, keys, token -------------------------------------------------------------------------
const clientKey = await loadPrivateKey('PRIVATE_JWK_FILE', PRIVATE_JWK_FILE);
const signingKey = await loadPrivateKey('SIGNING_JWK_FILE', SIGNING_JWK_FILE, 'PS256');
const signer = { key: signingKey.key, kid: signingKey.kid, issuer: `${PARTNER_ID}/${CLIENT_ID}`, trustAnchor: TRUST_ANCHOR };
const config = await client.discovery(
  new URL(ISSUER),
  CLIENT_ID,
  undefined,
  client.PrivateKeyJwt({ key: clientKey.key, kid: clientKey.kid }),
  new URL(ISSUER).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
);
const bankKeys = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));

/** A client credentials token, fetched again a minute before the last one expires. */
let token = { value: '', expiresAt: 0 };
async function accessToken() {
  if (Date.now() > token.expiresAt - 60_000) {
    const granted = await client.clientCredentialsGrant(config, { scope: SCOPE }, { DPoP });
    token = { value: granted.access_token, expiresAt: Date.now() + (granted.expires_in ?? 300) * 1000 };
  }
  return token.value;
}

/** Calls the API; `signed` requests carry x-jws-signature and their answers' signatures are checked. */
async function callApi(method, path, { body, signed = false } = {}) {
  const headers = new Headers({ accept: 'application/json', 'x-fapi-interaction-id': randomUUID() });
  let bytes;
  if (body !== undefined) {
    bytes = new TextEncoder().encode(JSON.stringify(body));
    headers.set('content-type', 'application/json');
    if (signed) headers.set('x-jws-signature', await signDetached(bytes, signer));
  }
  let response;
  try {
    response = await client.fetchProtectedResource(config, await accessToken(), new URL(`${API}${path}`), method, bytes, headers, { DPoP });
  } catch (error) {
    if (error instanceof client.WWWAuthenticateChallengeError) {
      throw new BankRefusal(`${method} ${path}`, error.response.status, await error.response.text(), { cause: error });
    }
    throw error;
  }
  const received = new Uint8Array(await response.arrayBuffer());
  if (signed && received.length > 0) {
    await verifyDetached(response.headers.get('x-jws-signature'), received, bankKeys, {
      bankOrganisationId: BANK_ORGANISATION_ID,
      trustAnchor: TRUST_ANCHOR,
    });
  }
  const text = new TextDecoder().decode(received);
  if (!response.ok) throw new BankRefusal(`${method} ${path}`, response.status, text);
  return text ? JSON.parse(text) : undefined;
}

// --- 2. The subscription -------------------------------------------------------------------------------
const wanted = { Version: '4.0', ...(CALLBACK_URL ? { CallbackUrl: CALLBACK_URL } : {}), ...(EVENT_TYPES ? { EventTypes: EVENT_TYPES } : {}) };
const [existing] = (await callApi('GET', '/event-subscriptions', { signed: true })).Data.EventSubscription;
const subscription = existing
  ? await callApi('PUT', `/event-subscriptions/${existing.EventSubscriptionId}`, {
      body: { Data: { EventSubscriptionId: existing.EventSubscriptionId, ...wanted } },
      signed: true,
    })
  : await callApi('POST', '/event-subscriptions', { body: { Data: wanted }, signed: true });
const { EventSubscriptionId, CallbackUrl, EventTypes } = subscription.Data;
console.log(
  `Subscription ${EventSubscriptionId} ${existing ? 'changed' : 'created'}: ${CallbackUrl ? `pushed to ${CallbackUrl}` : 'polling only'}, ` +
    `event types ${EventTypes?.join(', ') ?? 'all'}`,
);

// --- 3. Receive -----------------------------------------------------------------------------------------
const seen = new Set();

/**
 * Verifies one event (signature with the bank's key, issuer, audience, typ) and prints it once per jti.
 * @returns its jti; throws ExampleFailure-like errors with an RFC 8935 code in `err` when it is not to be trusted.
 */
async function handleEvent(set) {
  let payload;
  try {
    ({ payload } = await jwtVerify(set, bankKeys, { issuer: ISSUER, audience: CLIENT_ID, typ: 'secevent+jwt', algorithms: ['PS256'] }));
  } catch (error) {
    throw Object.assign(new Error(`an event that does not verify: ${error.message}`), {
      err: error.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? 'invalid_audience' : 'invalid_key',
    });
  }
  if (!seen.has(payload.jti)) {
    seen.add(payload.jti);
    for (const [type, event] of Object.entries(payload.events)) {
      const subject = event.subject ?? {};
      const resource = `${subject['http://openbanking.org.uk/rty'] ?? 'resource'} ${subject['http://openbanking.org.uk/rid'] ?? payload.sub}`;
      console.log(
        `Event ${payload.jti}: ${type.replace('urn:uk:org:openbanking:events:', '')} of ${resource} at ${new Date(payload.toe * 1000).toISOString()}`,
      );
    }
  }
  return payload.jti;
}

function finishIfDone() {
  if (seen.size < STOP_AFTER) return false;
  console.log(`Received ${seen.size} event(s); stopping.`);
  return true;
}

if (LISTEN_PORT) {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      const interactionId = request.headers['x-fapi-interaction-id'] ?? randomUUID();
      if (request.method !== 'POST' || !request.url?.endsWith(CALLBACK_PATH)) {
        response.writeHead(404).end();
        return;
      }
      try {
        await handleEvent(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(202, { 'x-fapi-interaction-id': interactionId }).end();
      } catch (error) {
        console.error(`Refused ${error.message}`);
        response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ err: error.err, description: error.message }));
      }
      if (finishIfDone()) server.close(() => process.exit(0));
    });
  });
  server.on('error', (error) => {
    throw new ExampleFailure(`Cannot listen on port ${LISTEN_PORT} (${error.code}).`, 'Set LISTEN_PORT to a free port.');
  });
  server.listen(LISTEN_PORT, () => console.log(`Listening for events on http://localhost:${LISTEN_PORT}${CALLBACK_PATH}`));
} else {
  let ack = [];
  let setErrs = {};
  console.log('Polling POST /events (each poll waits up to 10 s for an event)');
  while (!finishIfDone()) {
    const polled = await callApi('POST', '/events', {
      body: { maxEvents: 20, returnImmediately: false, ack, ...(Object.keys(setErrs).length ? { setErrs } : {}) },
    });
    ack = [];
    setErrs = {};
    for (const [jti, set] of Object.entries(polled.sets)) {
      try {
        ack.push(await handleEvent(set));
      } catch (error) {
        console.error(`Refused ${error.message}`);
        setErrs[jti] = { err: error.err, description: error.message.slice(0, 256) };
      }
    }
  }
  await callApi('POST', '/events', { body: { maxEvents: 0, ack } });
  console.log(`Acknowledged ${ack.length} event(s).`);
}
