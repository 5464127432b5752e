// Forwards your app's event notifications from OpenTeller's live event stream to a local URL, so that you can develop
// your webhook handler without a public callback URL:
//
//   1. discovery, private_key_jwt client authentication, a DPoP key for the stream's tokens
//   2. opens wss://<bank>/open-banking/v4.0/event-stream?after=<last sequence seen> with a client credentials token
//   3. POSTs each event's signed SET to FORWARD_TO (Content-Type: application/jwt); once the receiver accepted it,
//      records its sequence in SEQUENCE_FILE, and only then prints its line (a printed 2xx line is a recorded event)
//   4. after a disconnect (network, token expiry, bank restart), reconnects with backoff from the last sequence
//      recorded: no event is skipped, none is forwarded twice (unless your receiver failed and it is sent again)
//
// Stop it with Ctrl-C; run it again and it resumes where it stopped. A refusal the settings cause (a wrong key, an app
// that is not active) stops it with the bank's answer and what to check.
//
// Environment:
//   ISSUER            OpenTeller issuer (default http://localhost:3000)
//   CLIENT_ID         the app's client id, from the portal or `npx openteller partner create` (required)
//   PRIVATE_JWK_FILE  the app's private key: a JWK, or a JWKS whose first key is used; needs "kid" (required)
//   FORWARD_TO        where each SET is POSTed (default http://localhost:4242/webhooks)
//   SEQUENCE_FILE     where the last forwarded sequence is kept (default .openteller-event-sequence)
//   SCOPE             the token's scope: accounts, payments or fundsconfirmations (default accounts)
//
// Run from the repository (openid-client, jose and ws come from its node_modules):
//   CLIENT_ID=cli_... PRIVATE_JWK_FILE=private-jwk.json node partner-portal-docs/examples/forward-events.mjs
import { randomUUID, createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { exportJWK, SignJWT } from 'jose';
import * as client from 'openid-client';
import WebSocket from 'ws';
import { BankRefusal, ExampleFailure, exitOnFailure } from './example-failures.mjs';
import { bankIssuer, loadPrivateKey, required } from './example-support.mjs';

exitOnFailure();
const ISSUER = bankIssuer();
const CLIENT_ID = required('CLIENT_ID', "your app's client id (cli_…), shown on its page in the portal");
const PRIVATE_JWK_FILE = required('PRIVATE_JWK_FILE', 'the path of your private key file, a JWK with "kid" as generate-keys.mjs writes it');
const FORWARD_TO = process.env.FORWARD_TO ?? 'http://localhost:4242/webhooks';
const SEQUENCE_FILE = process.env.SEQUENCE_FILE ?? '.openteller-event-sequence';
const SCOPE = process.env.SCOPE ?? 'accounts';
const STREAM_URL = `${ISSUER}/open-banking/v4.0/event-stream`;
const MAX_BACKOFF_MS = 30_000;

// --- 1. Discovery, client authentication, DPoP -------------------------------------------------------
const { key, kid } = await loadPrivateKey('PRIVATE_JWK_FILE', PRIVATE_JWK_FILE);
const config = await client.discovery(
  new URL(ISSUER),
  CLIENT_ID,
  undefined,
  client.PrivateKeyJwt({ key, kid }),
  new URL(ISSUER).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
);
// The example keeps the DPoP key pair: openid-client proves possession for the token request, and the example signs
// the proof of each stream upgrade itself (a WebSocket upgrade is a GET of the stream's http(s) URL).
const dpopKeys = await client.randomDPoPKeyPair('ES256');
const DPoP = client.getDPoPHandle(config, dpopKeys);
let token = null;

let stopping = false;
let current = null;
process.removeAllListeners('SIGINT');
process.on('SIGINT', () => {
  stopping = true;
  console.log(`Stopped; the next run resumes after sequence ${readLastSequence()}.`);
  current?.close(1000, 'stopped');
  process.exit(0);
});

// --- 2-4. Stream, forward, reconnect ------------------------------------------------------------------
console.log(`Forwarding the events of ${CLIENT_ID} to ${FORWARD_TO}`);
let backoffMs = 1000;
while (!stopping) {
  const outcome = await streamOnce();
  if (outcome.opened) backoffMs = 1000;
  const waitMs = outcome.retryAfterMs ?? backoffMs;
  console.log(`Disconnected (${outcome.reason}); reconnecting in ${Math.round(waitMs / 1000)} s`);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
}

/** One connection: resolves when it ends, with why and whether it had opened; throws on a refusal retrying cannot fix. */
async function streamOnce() {
  const after = readLastSequence();
  const accessToken = await freshToken();
  const url = new URL(STREAM_URL.replace(/^http/, 'ws'));
  url.searchParams.set('after', String(after));
  const socket = new WebSocket(url, { headers: { authorization: `DPoP ${accessToken}`, dpop: await streamProof(accessToken) } });
  current = socket;
  let opened = false;
  let forwarding = Promise.resolve();
  // Once an event could not be forwarded, the ones after it are not either: the next connection resumes from it.
  let failed = false;
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        const status = response.statusCode;
        if ([400, 401, 403, 404].includes(status)) reject(new BankRefusal(`GET ${STREAM_URL}`, status, text));
        else {
          const retryAfterMs = Number(response.headers['retry-after'] ?? 0) * 1000 || undefined;
          resolve({ opened, reason: `refused ${status}: ${text.slice(0, 200)}`, retryAfterMs });
        }
      });
    });
    socket.on('open', () => {
      opened = true;
      console.log(`Connected; resuming after sequence ${after}`);
    });
    // One event at a time: reading pauses while an event is forwarded, so the bank holds the rest.
    socket.on('message', (data) => {
      socket.pause();
      forwarding = forwarding
        .then(async () => {
          if (failed) return;
          await forward(JSON.parse(data.toString()));
          socket.resume();
        })
        .catch((error) => {
          failed = true;
          socket.close(1000, `forwarding failed: ${error.message}`.slice(0, 120));
        });
    });
    socket.on('error', (error) => {
      if (!opened) resolve({ opened, reason: error.code ?? error.message });
    });
    socket.on('close', (code, reason) => {
      void forwarding.then(() => resolve({ opened, reason: `${code}${reason.length > 0 ? ` ${reason}` : ''}` }));
    });
  });
}

/** POSTs one event's SET to FORWARD_TO; records its sequence only once the receiver accepted it (2xx). */
async function forward(event) {
  const response = await fetch(FORWARD_TO, {
    method: 'POST',
    headers: { 'content-type': 'application/jwt', 'x-fapi-interaction-id': randomUUID() },
    body: event.set,
  });
  if (response.ok) writeLastSequence(event.sequence);
  console.log(`#${event.sequence} ${event.jti} ${event.types.join(',')} → ${response.status}`);
  if (!response.ok) throw new Error(`${FORWARD_TO} answered ${response.status}`);
}

/** A client credentials token with at least 30 s left (a new one for each connection after that). */
async function freshToken() {
  if (!token || token.expiresAtMs - Date.now() < 30_000) {
    const response = await client.clientCredentialsGrant(config, { scope: SCOPE }, { DPoP });
    token = { value: response.access_token, expiresAtMs: Date.now() + (response.expires_in ?? 60) * 1000 };
  }
  return token.value;
}

/** The DPoP proof of the upgrade (RFC 9449 §4.2): htm GET, htu the stream's http(s) URL, ath the token's hash. */
async function streamProof(accessToken) {
  return new SignJWT({ htm: 'GET', htu: STREAM_URL, jti: randomUUID(), ath: createHash('sha256').update(accessToken).digest('base64url') })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(dpopKeys.publicKey) })
    .setIssuedAt()
    .sign(dpopKeys.privateKey);
}

function readLastSequence() {
  let text;
  try {
    text = readFileSync(SEQUENCE_FILE, 'utf8').trim();
  } catch (error) {
    if (error.code === 'ENOENT') return 0;
    throw new ExampleFailure(
      `Cannot read SEQUENCE_FILE ${SEQUENCE_FILE} (${error.code}).`,
      'Set SEQUENCE_FILE to a file this user may read and write.',
    );
  }
  if (!/^\d+$/.test(text)) {
    throw new ExampleFailure(
      `SEQUENCE_FILE ${SEQUENCE_FILE} holds "${text.slice(0, 40)}", not a sequence number.`,
      'Delete it to start from the first event.',
    );
  }
  return Number(text);
}

/** Written to a temporary file and renamed over the old one, so a crash never leaves half a number. */
function writeLastSequence(sequence) {
  writeFileSync(`${SEQUENCE_FILE}.tmp`, `${sequence}\n`);
  renameSync(`${SEQUENCE_FILE}.tmp`, SEQUENCE_FILE);
}
