import { startChildServer, type ChildServer } from './processes.js';

/**
 * The real `openteller serve` (src/cli/run.ts through tsx, or BENCH_OPENTELLER_ENTRY with plain node) in a child
 * process; `nodeOptions` e.g. profiling hooks (with `ipc` to command them), `env` extra settings (payment limits…).
 */
export async function startOpenTeller(
  databaseUrl: string,
  port: number,
  issuer: string,
  nodeOptions: string[] = [],
  env: Record<string, string> = {},
  ipc = false,
): Promise<ChildServer> {
  const compiled = process.env.BENCH_OPENTELLER_ENTRY;
  return startChildServer(
    'openteller',
    [compiled ?? 'src/cli/run.ts', 'serve'],
    { DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', ISSUER: issuer, LOG_LEVEL: 'silent', OPENTELLER_MODE: 'sandbox', ...env },
    port,
    { nodeOptions, ipc, tsx: compiled === undefined || nodeOptions.length > 0 },
  );
}
