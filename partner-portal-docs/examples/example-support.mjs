// Helpers shared by the runnable examples: reading a private key file, an environment variable, and
// receiving the authorization callback (a loopback listener, or the URL pasted back into the terminal).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline/promises';

/**
 * Resolves with the URL the browser was sent back to. For an http loopback REDIRECT_URI, a small server on
 * its port catches it; for any other redirect URI, paste the URL the browser ended on.
 */
export async function waitForCallback(redirectUri) {
  const target = new URL(redirectUri);
  const loopback = target.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(target.hostname);
  if (!loopback) {
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    const pasted = await prompt.question('Paste the full URL the browser was redirected to: ');
    prompt.close();
    return new URL(pasted.trim());
  }
  const port = Number(target.port || 80);
  return new Promise((resolve, reject) => {
    const servers = [];
    const handler = (req, res) => {
      const url = new URL(req.url ?? '/', target.origin);
      if (url.pathname !== target.pathname) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Done. You can close this window and go back to the terminal.\n');
      for (const server of servers) server.close();
      resolve(url);
    };
    // Loopback only; "localhost" may resolve to 127.0.0.1 or ::1, so listen on both where available.
    const hosts = target.hostname === 'localhost' ? ['127.0.0.1', '::1'] : [target.hostname];
    let announced = false;
    for (const host of hosts) {
      const server = createServer(handler);
      servers.push(server);
      server.once('error', (error) => {
        // No IPv6 loopback on this machine: 127.0.0.1 is enough.
        if (host === '::1' && ['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes(error.code)) return;
        reject(new Error(`Cannot listen on ${host}:${port} for the callback: ${error.message}`));
      });
      server.listen(port, host, () => {
        if (!announced) console.log(`Waiting for the callback on ${redirectUri} …`);
        announced = true;
      });
    }
  });
}

export function loadPrivateJwk(file) {
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  const jwk = Array.isArray(parsed.keys) ? parsed.keys[0] : parsed;
  if (!jwk?.d) throw new Error(`${file} must hold a private JWK (or a JWKS whose first key is private)`);
  if (!jwk.kid) throw new Error(`${file}: the key needs a "kid" matching the public key you registered`);
  if (!jwk.alg) jwk.alg = jwk.kty === 'EC' ? 'ES256' : jwk.kty === 'OKP' ? 'EdDSA' : 'PS256';
  return jwk;
}

export function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} (see the comment at the top of this file)`);
    process.exit(2);
  }
  return value;
}
