/**
 * `npm run bench -- proofs`: the CPU cost of the resource API's access token check per request, in µs, for a DPoP
 * proof of each algorithm (ES256, PS256, EdDSA), measured in this process on the function the middleware runs
 * (`accessTokenChecker`, the access token itself verified once and cached as in the server, the replay guard an
 * in-process set), and of the request JWS check (`verifyDetachedJws`, PS256 over a 1 kB body). Proofs are minted up
 * front; each is checked once. Prints the median of BENCH_ROUNDS rounds of BENCH_PROOFS checks each.
 */
import { constants, createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { verifyDetachedJws } from '../src/http/jws/detached-jws.js';
import { accessTokenChecker } from '../src/http/middleware/require-access-token.js';
import { createLogger } from '../src/logging/logger.js';

const ISSUER = 'https://bank.example';
const PATH = '/open-banking/v4.0/pisp/domestic-vrps';
const PROOFS = Number(process.env.BENCH_PROOFS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

type Algorithm = 'ES256' | 'PS256' | 'EdDSA';

function keyPair(alg: Algorithm): { privateKey: KeyObject; jwk: JWK } {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'PS256'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  return { privateKey: pair.privateKey, jwk: pair.publicKey.export({ format: 'jwk' }) };
}

function signInput(alg: Algorithm, input: string, key: KeyObject): string {
  const data = Buffer.from(input);
  if (alg === 'ES256') return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  if (alg === 'PS256') return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64url');
  return sign(null, data, key).toString('base64url');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Median µs of this process's CPU (user + system, every thread: WebCrypto runs some work on the thread pool) per call
 * of `check` over ROUNDS rounds of PROOFS calls, each call given the next of `inputs`; CPU rather than wall time, so
 * that other processes on a loaded machine disturb the figure less.
 */
async function measure<Input>(inputs: (round: number) => Input[], check: (input: Input) => Promise<unknown>): Promise<number> {
  const perRound: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const batch = inputs(round);
    const started = process.cpuUsage();
    for (const input of batch) await check(input);
    const used = process.cpuUsage(started);
    perRound.push((used.user + used.system) / batch.length);
  }
  return median(perRound);
}

export async function benchProofs(): Promise<number> {
  const authority = await generateKeyPair('PS256', { extractable: true });
  const authorityJwk = { ...(await exportJWK(authority.publicKey)), kid: 'as-1', alg: 'PS256', use: 'sig' };
  const used = new Set<string>();
  const check = accessTokenChecker({
    issuer: ISSUER,
    audience: `${ISSUER}/open-banking`,
    jwks: { keys: [authorityJwk] },
    rememberProofOnce: async (key) => !used.has(key) && Boolean(used.add(key)),
    logger: createLogger('silent'),
  });
  process.stdout.write(
    `load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')} on ${cpus().length} cores\n`,
  );
  for (const alg of ['ES256', 'PS256', 'EdDSA'] as const) {
    const key = keyPair(alg);
    const token = await new SignJWT({ client_id: 'cli_1', scope: 'payments', cnf: { jkt: await calculateJwkThumbprint(key.jwk) } })
      .setProtectedHeader({ alg: 'PS256', typ: 'at+jwt', kid: 'as-1' })
      .setIssuer(ISSUER)
      .setAudience(`${ISSUER}/open-banking`)
      .setSubject('cli_1')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(authority.privateKey);
    const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg, jwk: key.jwk })).toString('base64url');
    const ath = createHash('sha256').update(token).digest('base64url');
    const proofs = (round: number) =>
      Array.from({ length: PROOFS }, (_, index) => {
        const claims = {
          jti: `${round}.${index}.${randomBytes(6).toString('hex')}`,
          htm: 'POST',
          htu: `${ISSUER}${PATH}`,
          iat: Math.floor(Date.now() / 1000),
          ath,
        };
        const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
        return `${input}.${signInput(alg, input, key.privateKey)}`;
      });
    const microseconds = await measure(proofs, (dpop) =>
      check({ authorization: `DPoP ${token}`, dpop, method: 'POST', path: PATH }, 'client-credentials', ['payments']),
    );
    process.stdout.write(`access token + DPoP proof (${alg}): ${microseconds.toFixed(1)} µs CPU per check\n`);
  }
  const partner = keyPair('PS256');
  const body = Buffer.from(JSON.stringify({ Data: { Filler: 'x'.repeat(1_000) }, Risk: {} }));
  const now = new Date();
  const protectedHeader = {
    alg: 'PS256',
    kid: 'partner-1',
    typ: 'JOSE',
    cty: 'application/json',
    'http://openbanking.org.uk/iat': Math.floor(now.getTime() / 1000) - 1,
    'http://openbanking.org.uk/iss': 'ptn_1/cli_1',
    'http://openbanking.org.uk/tan': 'openbanking.org.uk',
    crit: ['http://openbanking.org.uk/iat', 'http://openbanking.org.uk/iss', 'http://openbanking.org.uk/tan'],
  };
  const encodedHeader = Buffer.from(JSON.stringify(protectedHeader)).toString('base64url');
  const signature = `${encodedHeader}..${signInput('PS256', `${encodedHeader}.${body.toString('base64url')}`, partner.privateKey)}`;
  const expectations = { keys: [{ ...partner.jwk, kid: 'partner-1', use: 'sig' }], issuer: 'ptn_1/cli_1', trustAnchor: 'openbanking.org.uk', now };
  const jwsMicroseconds = await measure(
    () => Array.from({ length: PROOFS }, () => signature),
    (header) => verifyDetachedJws(header, body, expectations),
  );
  process.stdout.write(`x-jws-signature (PS256, 1 kB body): ${jwsMicroseconds.toFixed(1)} µs CPU per check\n`);
  return 0;
}
