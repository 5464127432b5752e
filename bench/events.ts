/**
 * `npm run bench -- events`: event notifications from commit to the partner's receiver. OpenTeller (`openteller serve`
 * in a child process, its push worker delivering) pushes events raised by real state changes — authorised
 * account-access consents found expired when read, through the domain code the API runs (compiled, in a producer
 * process of its own), each change and its event committed in one transaction — to a local receiver; the baseline, in the same run, is a bare loop that signs the
 * same events with the same key and POSTs them to the same receiver. Rounds alternate baseline → OpenTeller; the
 * verdict is the median of the per-round throughput ratios. See bench/README.md.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { eventNotificationClaims, type EventDraft } from '../src/domain/events/event-notification.js';
import { EventType } from '../src/domain/events/event-types.js';
import { newId } from '../src/domain/ids.js';
import { eventSealer } from '../src/events/event-sealer.js';
import { loadKeyMaterial, messageSigningKey } from '../src/oauth/key-material.js';
import type { Database } from '../src/persistence/data-source.js';
import type { ConsentRow } from '../src/persistence/entities/consent.entity.js';
import { TypeOrmEventSubscriptionStore } from '../src/persistence/stores/event-subscription-store.js';
import { TypeOrmServerKeyStore } from '../src/persistence/stores/server-key-store.js';
import { SchemaRegistry } from '../src/validation/schema-registry.js';
import { createBenchDatabase, type BenchDatabase } from './lib/bench-database.js';
import { databaseServerPid, processCpuMs, startCpuSpan } from './lib/cpu.js';
import { median, percentile } from './lib/load.js';
import { openTellerEntry, startOpenTeller } from './lib/openteller.js';
import { benchConfig } from './lib/pisp-fixture.js';
import { cleanUpOnInterrupt, freePort } from './lib/processes.js';
import { ms, printMachineAndDatabase, say } from './lib/report.js';

const env = process.env;
const number = (name: string, fallback: number) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));

const PARAMS = {
  databaseUrl: env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/test',
  events: number('BENCH_EVENTS', 10_000),
  rounds: number('BENCH_ROUNDS', 3),
  /** State changes committed at once by the producer (separate transactions on separate connections). */
  producers: number('BENCH_PRODUCERS', 8),
  /** Partner apps the events are spread over (each app's events are numbered in commit order, one at a time). */
  apps: number('BENCH_APPS', 1),
  /** Requests the baseline keeps in flight. */
  inFlight: number('BENCH_IN_FLIGHT', 8),
};
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 1_000;
const CALLBACK_PATH = '/open-banking/v4.0/event-notifications';

/** What one round measured. */
interface RoundResult {
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly load: string;
}

/**
 * The partner's receiver: answers 202 to every POST, and notes when each event (by `jti`, read from the SET's
 * payload without verifying it, the same work for both sides) arrived.
 */
class Receiver {
  readonly arrivals = new Map<string, number>();
  private readonly server: Server;
  private waiting: { count: number; resolve: () => void } | null = null;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const at = performance.timeOrigin + performance.now();
        const payload = Buffer.concat(chunks).toString('utf8').split('.')[1] ?? '';
        const { jti } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti: string };
        if (!this.arrivals.has(jti)) this.arrivals.set(jti, at);
        response.writeHead(202, { 'x-fapi-interaction-id': String(request.headers['x-fapi-interaction-id'] ?? '') }).end();
        if (this.waiting && this.arrivals.size >= this.waiting.count) this.waiting.resolve();
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${CALLBACK_PATH}`;
  }

  /** Resolves once `count` distinct events have arrived since the last reset; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<void> {
    if (this.arrivals.size >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.arrivals.size} of ${count} events arrived in ${timeoutMs} ms`)), timeoutMs);
      this.waiting = {
        count,
        resolve: () => {
          clearTimeout(timer);
          this.waiting = null;
          resolve();
        },
      };
    });
  }

  reset(): void {
    this.arrivals.clear();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export async function benchEvents(): Promise<number> {
  const adminUrl = new URL(PARAMS.databaseUrl);
  let bench: BenchDatabase | undefined;
  const cleanUp = cleanUpOnInterrupt(() => bench);
  const receiver = new Receiver();
  try {
    await printMachineAndDatabase(adminUrl.href, 'OpenTeller event notification benchmark');
    say(
      `Params:   ${PARAMS.events} events per round, ${PARAMS.rounds} round(s) of baseline → OpenTeller, ${PARAMS.producers} producers, ` +
        `baseline ${PARAMS.inFlight} POSTs in flight`,
    );
    bench = await createBenchDatabase(adminUrl.href);
    const { database, name } = bench;
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const callbackUrl = await receiver.listen();
    const openTeller = await startOpenTeller(bench.url, port, issuer);
    say(`Servers:  OpenTeller \`openteller serve\` (${openTellerEntry()}) on ${issuer}; receiver on ${callbackUrl}`);
    const config = benchConfig(issuer, bench.url, name);
    const signingKey = await messageSigningKey(await loadKeyMaterial(config, new TypeOrmServerKeyStore(database.dataSource)));
    const seal = eventSealer(SchemaRegistry.load(), signingKey);
    const clientIds = Array.from({ length: PARAMS.apps }, () => `cli_bench_events_${randomBytes(4).toString('hex')}`);
    const now = new Date();
    for (const clientId of clientIds) {
      await new TypeOrmEventSubscriptionStore(database.dataSource).insert({
        id: newId('evs'),
        clientId,
        callbackUrl,
        version: '4.0',
        eventTypes: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    say(
      `Events:   resource-update of account-access consents of ${clientIds.length} app(s) (${clientIds.join(', ')}), each expired by reading it (domain getAccountAccessConsent)`,
    );
    say();

    const results: { baseline: RoundResult; openTeller: RoundResult }[] = [];
    for (let round = 1; round <= PARAMS.rounds; round += 1) {
      const baseline = await baselineRound(receiver, seal, issuer, clientIds, callbackUrl);
      const server = await openTellerRound(receiver, database, bench, issuer, clientIds, openTeller.pid);
      results.push({ baseline, openTeller: server });
      say(
        `Round ${round}: baseline ${baseline.perSecond.toFixed(0)} events/s (p50 ${ms(baseline.p50Ms)}, p99 ${ms(baseline.p99Ms)}; load ${baseline.load})` +
          ` | OpenTeller ${server.perSecond.toFixed(0)} events/s (commit→receipt p50 ${ms(server.p50Ms)}, p99 ${ms(server.p99Ms)}; load ${server.load})` +
          ` | ratio ${(server.perSecond / baseline.perSecond).toFixed(2)}`,
      );
    }
    const ratio = median(results.map((result) => result.openTeller.perSecond / result.baseline.perSecond));
    const p99 = median(results.map((result) => result.openTeller.p99Ms));
    say();
    say(
      `Verdict:  throughput ratio (median of rounds) ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}); commit→receipt p99 (median of rounds) ${ms(p99)} (target < ${ms(TARGET_P99_MS)})`,
    );
    await openTeller.stop();
    return ratio >= TARGET_RATIO && p99 < TARGET_P99_MS ? 0 : 1;
  } finally {
    await receiver.close();
    await cleanUp();
  }
}

/** The baseline: sign each event with the bank's key, POST it, `inFlight` at a time; latency from its creation to its receipt. */
async function baselineRound(
  receiver: Receiver,
  seal: (claims: ReturnType<typeof eventNotificationClaims>) => Promise<string>,
  issuer: string,
  clientIds: readonly string[],
  callbackUrl: string,
): Promise<RoundResult> {
  receiver.reset();
  const created = new Map<string, number>();
  const loadBefore = loadavg()[0] ?? 0;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < PARAMS.events) {
      const clientId = clientIds[next % clientIds.length] as string;
      next += 1;
      const jti = newId('evt');
      created.set(jti, performance.timeOrigin + performance.now());
      const draft: EventDraft = {
        clientId,
        resource: { type: 'account-access-consent', id: newId('aac') },
        events: [EventType.ResourceUpdate],
        interactionId: null,
        occurredAt: new Date(),
      };
      const token = await seal(eventNotificationClaims(draft, { issuer, apiBaseUrl: `${issuer}/open-banking/v4.0`, jti, issuedAt: new Date() }));
      const response = await fetch(callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/jwt', 'x-fapi-interaction-id': jti },
        body: token,
      });
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: PARAMS.inFlight }, worker));
  const elapsedMs = performance.now() - started;
  return summarise(receiver, created, PARAMS.events / (elapsedMs / 1000), `${loadBefore.toFixed(2)}→${(loadavg()[0] ?? 0).toFixed(2)}`);
}

/**
 * OpenTeller: `events` authorised consents already past their expiry are read by `producers` concurrent loops through
 * the domain (each read expires its consent and writes its event in one transaction), in a child process running the
 * compiled code with plain node as a serving process does (bench/lib/event-producer.mjs); the server's push worker
 * delivers. Throughput from the first commit to the last receipt; latency from each event's `created_at` to its receipt.
 */
async function openTellerRound(
  receiver: Receiver,
  database: Database,
  bench: BenchDatabase,
  issuer: string,
  clientIds: readonly string[],
  serverPid: number,
): Promise<RoundResult> {
  const ids = await insertExpiringConsents(database, clientIds, PARAMS.events);
  const idsFile = join(tmpdir(), `openteller-bench-events-${process.pid}.json`);
  writeFileSync(idsFile, JSON.stringify(ids));
  const producer = fork(fileURLToPath(new URL('./lib/event-producer.mjs', import.meta.url)), [idsFile], {
    execArgv: env.BENCH_PRODUCER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_PRODUCER_PROFILE}`] : [],
    env: { ...env, DATABASE_URL: bench.url, DATABASE_NAME: bench.name, ISSUER: issuer, BENCH_PRODUCERS: String(PARAMS.producers) },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      producer.once('message', () => resolve());
      producer.once('exit', (code) => reject(new Error(`the event producer exited with ${code} before it was ready`)));
    });
    receiver.reset();
    const loadBefore = loadavg()[0] ?? 0;
    const cpu = startCpuSpan(serverPid, databaseServerPid());
    const producerCpu = processCpuMs(producer.pid ?? 0);
    const started = performance.now();
    const produced = new Promise<number>((resolve, reject) => {
      producer.once('message', (message: { producedMs: number }) => resolve(message.producedMs));
      producer.once('exit', (code) => reject(new Error(`the event producer exited with ${code}`)));
    });
    producer.send('go');
    const producedMs = await produced;
    const producerMs = processCpuMs(producer.pid ?? 0) - producerCpu;
    await receiver.waitFor(PARAMS.events, 300_000);
    const elapsedMs = performance.now() - started;
    const used = cpu();
    const rows: Array<{ jti: string; created_at: Date }> = await database.dataSource.query('SELECT jti, created_at FROM event_notification');
    const created = new Map(rows.map((row) => [row.jti, row.created_at.getTime()]));
    await database.dataSource.query('DELETE FROM event_notification');
    const perEvent = (value: number) => `${(value / PARAMS.events).toFixed(2)} ms`;
    say(
      `          OpenTeller: ${PARAMS.events} state changes committed in ${(producedMs / 1000).toFixed(1)} s, the last delivered ${((elapsedMs - producedMs) / 1000).toFixed(1)} s later; ` +
        `CPU per event: producer ${perEvent(producerMs)}, receiver (bench process) ${perEvent(used.loadGeneratorMs)}, server (push worker) ${perEvent(used.serverMs)}, database ${perEvent(used.databaseMs)}`,
    );
    return summarise(receiver, created, PARAMS.events / (elapsedMs / 1000), `${loadBefore.toFixed(2)}→${(loadavg()[0] ?? 0).toFixed(2)}`);
  } finally {
    producer.kill();
    rmSync(idsFile, { force: true });
  }
}

function summarise(receiver: Receiver, created: ReadonlyMap<string, number>, perSecond: number, load: string): RoundResult {
  const latencies = [...receiver.arrivals].flatMap(([jti, at]) => {
    const from = created.get(jti);
    return from === undefined ? [] : [at - from];
  });
  latencies.sort((a, b) => a - b);
  return { perSecond, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), load };
}

/** Inserts `count` authorised account-access consents, of the apps in turn, whose expiry has just passed. */
async function insertExpiringConsents(database: Database, clientIds: readonly string[], count: number): Promise<{ id: string; clientId: string }[]> {
  const now = new Date();
  const expired = new Date(now.getTime() - 1_000);
  const ids = Array.from({ length: count }, (_, index) => ({ id: newId('aac'), clientId: clientIds[index % clientIds.length] as string }));
  const rows: ConsentRow[] = ids.map(({ id, clientId }) => ({
    id,
    kind: 'account-access',
    clientId,
    status: 'AUTH',
    statusReasonCode: null,
    statusReasonDescription: null,
    permissions: ['ReadAccountsBasic'],
    expiresAt: expired,
    transactionFromAt: null,
    transactionToAt: null,
    customerId: 'cus_sandbox_alice',
    grantId: randomBytes(32).toString('base64url'),
    authorisedAt: now,
    createdAt: now,
    statusUpdatedAt: now,
    request: { ExpirationDateTime: expired.toISOString(), TransactionFromDateTime: null, TransactionToDateTime: null },
    lastUsedAt: null,
    validFromAt: null,
    deletedAt: null,
  }));
  for (let start = 0; start < rows.length; start += 1_000) {
    await database.dataSource.getRepository<ConsentRow>('Consent').insert(rows.slice(start, start + 1_000));
  }
  return ids;
}
