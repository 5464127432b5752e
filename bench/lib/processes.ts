import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/lib/ → ../..). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A server running in a child process (`node --import tsx <script>`), reachable on 127.0.0.1:port. */
export interface ChildServer {
  readonly name: string;
  readonly origin: string;
  readonly pid: number;
  /** Sends a signal to the child (e.g. SIGUSR1/SIGUSR2 for the profiling hooks). */
  signal(name: NodeJS.Signals): void;
  /** Asks the child's profiling hooks (bench/lib/hooks, over IPC) to do `command`; resolves with their answer. */
  command(command: string): Promise<unknown>;
  stop(): Promise<void>;
}

const running = new Set<ChildServer>();

/** A TCP port that was free a moment ago (the child binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Starts `node --import tsx <args>` with `env` added, and waits until `GET <origin><healthPath>` answers 200.
 * Output of the child is kept (last 4 kB) and shown if it dies before it is ready.
 */
export async function startChildServer(
  name: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  options: { healthPath?: string; nodeOptions?: string[]; ipc?: boolean; tsx?: boolean } = {},
): Promise<ChildServer> {
  const healthPath = options.healthPath ?? '/health';
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.tsx === false ? [] : ['--import', 'tsx']), ...(options.nodeOptions ?? []), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    },
  );
  let nextId = 0;
  const waiting = new Map<number, (value: unknown) => void>();
  child.on('message', (message: { id?: number; result?: unknown }) => {
    if (typeof message?.id === 'number') waiting.get(message.id)?.(message.result);
    if (typeof message?.id === 'number') waiting.delete(message.id);
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited before it was ready:\n${output}`);
    try {
      const response = await fetch(`${origin}${healthPath}`);
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become ready in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  const server: ChildServer = {
    name,
    origin,
    pid: child.pid ?? -1,
    signal(signalName) {
      if (!exited) child.kill(signalName);
    },
    command(command) {
      if (!options.ipc) return Promise.reject(new Error(`${name} was started without IPC`));
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no answer to ${command}`)), 60_000);
        waiting.set(id, (value) => {
          clearTimeout(timer);
          resolve(value);
        });
        child.send({ id, command });
      });
    },
    async stop() {
      running.delete(server);
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
  running.add(server);
  return server;
}

/** Stops every child server still running (on failure or interruption). */
export async function stopAllChildServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

/**
 * The clean-up of a benchmark (stop its child servers, drop its database), run on Ctrl-C or SIGTERM (then exit
 * 130) and returned for the normal end of the run (which also stops listening for those signals).
 */
export function cleanUpOnInterrupt(database: () => { drop(): Promise<void> } | undefined): () => Promise<void> {
  const cleanUp = async () => {
    await stopAllChildServers();
    await database()?.drop();
  };
  const onSignal = () => {
    process.stdout.write('\ninterrupted: stopping servers and dropping the bench database…\n');
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return async () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUp();
  };
}
