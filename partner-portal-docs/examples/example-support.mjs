// Helpers shared by the runnable examples: reading a setting, a file or a private key file, and catching the
// authorization callback (a loopback listener, or the URL pasted back into the terminal).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline/promises';
import { importJWK } from 'jose';
import { ExampleFailure } from './example-failures.mjs';

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
