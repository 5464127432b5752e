import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import { createPool, type RowDataPacket } from 'mysql2/promise';
import type { Config } from '../../src/config/config.js';
import { balancesOf, startOfUtcDay } from '../../src/domain/accounts/balances.js';
import { accessTokenVerifier } from '../../src/http/middleware/require-access-token.js';
import { presentBalances } from '../../src/http/presenters/balance-presenter.js';
import { createLogger } from '../../src/logging/logger.js';
import { loadKeyMaterial, messageSigningKey, publicJwks } from '../../src/oauth/key-material.js';
import { SchemaRegistry } from '../../src/validation/schema-registry.js';
import { resourceIndicator } from '../../src/oauth/resource-server.js';
import type { Database } from '../../src/persistence/data-source.js';
import { TypeOrmAccountStore } from '../../src/persistence/stores/account-store.js';
import { TypeOrmConsentStore } from '../../src/persistence/stores/consent-store.js';
import { SqlConsentedAccountReader } from '../../src/persistence/stores/consented-account-reader.js';
import { ReplayGuardStore } from '../../src/persistence/stores/replay-guard-store.js';
import { TypeOrmServerKeyStore } from '../../src/persistence/stores/server-key-store.js';
import { databaseServerPid, processCpuMs } from './cpu.js';
import type { ProofMinter } from './dpop.js';
import { median } from './load.js';
import { eventSealer } from '../../src/events/event-sealer.js';
import { EventOutboxWriter } from '../../src/persistence/stores/event-outbox-writer.js';

/** Cost of one step of the request, run alone and sequentially in this process. */
export interface StepCost {
  readonly name: string;
  readonly wallP50Ms: number;
  /** CPU of this (Node) process per call: the server-side cost of the step. */
  readonly nodeCpuMs: number;
  /** CPU of the database server per call. */
  readonly databaseCpuMs: number;
}

interface StepInput {
  readonly database: Database;
  readonly databaseUrl: string;
  readonly config: Config;
  readonly issuer: string;
  readonly path: string;
  readonly token: string;
  readonly minter: ProofMinter;
  readonly consentId: string;
  readonly accountIds: readonly string[];
  readonly accountId: string;
  readonly iterations: number;
}

async function measure(name: string, iterations: number, step: (i: number) => Promise<unknown>): Promise<StepCost> {
  for (let i = 0; i < Math.min(200, iterations); i += 1) await step(-1 - i);
  const databasePid = databaseServerPid();
  const times: number[] = [];
  const cpu = process.cpuUsage();
  const databaseCpu = databasePid === undefined ? Number.NaN : processCpuMs(databasePid);
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now();
    await step(i);
    times.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  return {
    name,
    wallP50Ms: median(times),
    nodeCpuMs: (used.user + used.system) / 1000 / iterations,
    databaseCpuMs: databasePid === undefined ? Number.NaN : (processCpuMs(databasePid) - databaseCpu) / iterations,
  };
}

/**
 * Runs each step of GET …/accounts/{id}/balances on its own, with the application's own code (the token
 * verifier, stores and domain functions from src/) against the bench database, plus the same SQL through a
 * bare mysql2 pool, so that the cost of each step and of the TypeORM layer can be read off.
 */
export async function measureSteps(input: StepInput): Promise<StepCost[]> {
  const { dataSource } = input.database;
  const n = input.iterations;
  const keys = await loadKeyMaterial(input.config, new TypeOrmServerKeyStore(dataSource));
  const jwks = publicJwks(keys);
  const keySet = createLocalJWKSet(jwks);
  const audience = resourceIndicator(input.issuer);
  const htu = `${input.issuer}${input.path}`;
  const fresh = (count: number) => input.minter.mintMany(count, 'GET', htu);
  const proof = fresh(1)[0] as string;
  const jwk = decodeProtectedHeader(proof).jwk as JWK;
  const replay = new ReplayGuardStore(dataSource, 'mysql');
  const outbox = new EventOutboxWriter({
    issuer: input.issuer,
    apiBaseUrl: `${input.issuer}/open-banking/v4.0`,
    seal: eventSealer(SchemaRegistry.load(), await messageSigningKey(keys)),
  });
  const consents = new TypeOrmConsentStore(dataSource, outbox);
  const accounts = new TypeOrmAccountStore(dataSource);
  const reads = new SqlConsentedAccountReader(dataSource, input.database.dialect);
  const pool = createPool({
    uri: input.databaseUrl,
    connectionLimit: 2,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const verifier = accessTokenVerifier({ issuer: input.issuer, audience, jwks, rememberProofOnce: async () => true, logger: createLogger('silent') })(
    'authorization-code',
    'accounts',
  );
  const results: StepCost[] = [];
  try {
    results.push(
      await measure('access token: jwtVerify (PS256, local JWKS)', n, () =>
        jwtVerify(input.token, keySet, { issuer: input.issuer, audience, typ: 'at+jwt', algorithms: ['PS256', 'ES256'], clockTolerance: 5 }),
      ),
    );
    results.push(
      await measure('DPoP proof: jwtVerify (ES256, EmbeddedJWK)', n, () => jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] })),
    );
    results.push(await measure('DPoP proof: calculateJwkThumbprint', n, () => calculateJwkThumbprint(jwk)));
    const proofs = fresh(n + 200);
    results.push(
      await measure('token + proof middleware, replay guard stubbed', n, async (i) => {
        const headers: Record<string, string> = { authorization: `DPoP ${input.token}`, dpop: proofs[i < 0 ? n - 1 - i : i] ?? proof };
        const ctx = { method: 'GET', path: input.path, state: {}, get: (name: string) => headers[name.toLowerCase()] ?? '' };
        await verifier(ctx as never, async () => {});
      }),
    );
    const expires = new Date(Date.now() + 120_000);
    results.push(
      await measure('replay guard INSERT (ReplayGuardStore, TypeORM)', n, () =>
        replay.rememberOnce('rs-dpop', randomBytes(32).toString('base64url'), expires),
      ),
    );
    results.push(
      await measure('replay guard INSERT (bare mysql2)', n, () =>
        pool.query('INSERT INTO replay_guard (scope, marker, expires_at) VALUES (?, ?, ?)', [
          'rs-dpop',
          randomBytes(32).toString('base64url'),
          expires,
        ]),
      ),
    );
    results.push(
      await measure('consent check: consent store findWithAccountIds (one statement)', n, async () => {
        await consents.findWithAccountIds(input.consentId);
      }),
    );
    results.push(await measure('account check: account store listByIds (2 SELECTs)', n, () => accounts.listByIds([input.accountId])));
    const cutoff = startOfUtcDay(new Date());
    results.push(
      await measure('consent + balances: SqlConsentedAccountReader.readBalances (one statement, what a request reads)', n, () =>
        reads.readBalances(input.consentId, input.accountId, cutoff),
      ),
    );
    results.push(
      await measure('balances SELECT (bare mysql2)', n, () =>
        pool.query(
          `SELECT a.id, a.currency, a.balance_minor, a.overdraft_limit_minor,
             (SELECT SUM(e.amount_minor) FROM ledger_entry e WHERE e.account_id = a.id AND e.status = 'BOOK' AND e.booked_at >= ?) AS booked_since,
             (SELECT SUM(e.amount_minor) FROM ledger_entry e WHERE e.account_id = a.id AND e.status = 'PDNG' AND e.amount_minor < 0) AS pending_debits
           FROM account a WHERE a.id IN (?)`,
          [cutoff, input.accountId],
        ),
      ),
    );
    results.push(
      await measure('baseline SELECT balance_minor (bare mysql2)', n, () =>
        pool.query<RowDataPacket[]>('SELECT balance_minor FROM account WHERE id = ?', [input.accountId]),
      ),
    );
    const balances = balancesOf((await reads.readBalances(input.consentId, input.accountId, cutoff)).data, [input.accountId], new Date());
    results.push(await measure('presentBalances + JSON.stringify', n, async () => JSON.stringify(presentBalances(balances, htu))));
  } finally {
    await pool.end();
  }
  return results;
}
