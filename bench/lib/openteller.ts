import { startChildServer, type ChildServer } from './processes.js';

/** The server entry the benchmarks run: what `npm start` runs (compiled by `npm run bench`), unless overridden. */
export function openTellerEntry(): string {
  return process.env.BENCH_OPENTELLER_ENTRY || 'dist/cli/run.js';
}

/**
 * The real `openteller serve` (the compiled dist/cli/run.js with plain node, as in production; a `.ts` entry
 * such as src/cli/run.ts in BENCH_OPENTELLER_ENTRY runs through tsx) in a child process; `nodeOptions` e.g. profiling hooks (with `ipc` to command them), `env` extra settings (payment limits…).
 */
export async function startOpenTeller(
  databaseUrl: string,
  port: number,
  issuer: string,
  nodeOptions: string[] = [],
  env: Record<string, string> = {},
  ipc = false,
): Promise<ChildServer> {
  const entry = openTellerEntry();
  return startChildServer(
    'openteller',
    [entry, 'serve'],
    { DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', ISSUER: issuer, LOG_LEVEL: 'silent', OPENTELLER_MODE: 'sandbox', ...env },
    port,
    { nodeOptions, ipc, tsx: entry.endsWith('.ts') || nodeOptions.length > 0 },
  );
}
