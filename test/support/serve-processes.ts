// Several `openteller serve` processes, started together on one test database as an operator's replicas are, behind a
// round-robin HTTP balancer on 127.0.0.1: each request goes to the next process, so the steps of one flow land on
// different processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/config.js';
import { openDatabase } from '../../src/persistence/data-source.js';
import { freeLoopbackPort } from './example-process.js';
import { createTestDatabase } from './test-database.js';
import type { Bank } from './test-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 120_000;
/** Variables of the parent's environment that would change what the processes do; each cluster sets its own. */
const CONFIG_VARIABLES = [
  'OPENTELLER_MODE',
  'PORT',
  'HOST',
  'ISSUER',
  'DATABASE_URL',
  'SIGNING_KEYS_FILE',
  'COOKIE_SECRETS',
  'REDIS_URL',
  'REPLAY_STORE',
];

export interface ServeProcesses extends Bank {
  /** How many requests the balancer sent to each process, in start order. */
  readonly served: readonly number[];
  close(): Promise<void>;
}

/**
 * Starts `count` serve processes at once on a fresh test database (they race to migrate and seed it, as replicas
 * started together do) with `env` added to their environment; resolves when every one answers `/health/ready`.
 */
export async function startServeProcesses(count: number, env: Record<string, string>): Promise<ServeProcesses> {
  const testDatabase = await createTestDatabase();
  const balancer: Server = createServer();
  await new Promise<void>((resolve) => balancer.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(balancer.address() as AddressInfo).port}`;
  const ports = await Promise.all(Array.from({ length: count }, freeLoopbackPort));
  const children = ports.map((port) => startServe({ ...env, PORT: String(port), HOST: '127.0.0.1', ISSUER: issuer, DATABASE_URL: testDatabase.url }));
  const served = ports.map(() => 0);
  let turn = 0;
  balancer.on('request', (incoming, outgoing) => {
    const index = turn++ % ports.length;
    served[index] = (served[index] ?? 0) + 1;
    const upstream = httpRequest(
      { host: '127.0.0.1', port: ports[index], method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  const stop = async () => {
    await Promise.all(children.map((child) => child.stop()));
    balancer.closeAllConnections();
    await new Promise<void>((resolve) => balancer.close(() => resolve()));
  };
  try {
    await Promise.all(children.map((child, index) => child.ready(ports[index] as number)));
  } catch (error) {
    await stop();
    await testDatabase.drop();
    throw error;
  }
  const config = loadConfig({ ...env, ISSUER: issuer, DATABASE_URL: testDatabase.url });
  const database = await openDatabase(config.database, { poolSize: 2 });
  return {
    issuer,
    config,
    database,
    served,
    async close() {
      await stop();
      await database.dataSource.destroy();
      await testDatabase.drop();
    },
  };
}

interface ServeChild {
  ready(port: number): Promise<void>;
  stop(): Promise<void>;
}

function startServe(env: Record<string, string>): ServeChild {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
  for (const variable of CONFIG_VARIABLES) delete childEnv[variable];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'serve'], {
    cwd: ROOT,
    env: { ...childEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return {
    async ready(port) {
      const deadline = Date.now() + READY_TIMEOUT_MS;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`serve on port ${port} exited with ${child.exitCode}: ${output}`);
        const answer = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
        if (answer?.status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`serve on port ${port} was not ready within ${READY_TIMEOUT_MS} ms: ${output}`);
    },
    stop() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      });
    },
  };
}
