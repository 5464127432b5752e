import autocannon, { type Request, type Result } from 'autocannon';
import { databaseServerPid, startCpuSpan, type CpuSpan } from './cpu.js';

/** What one load run measured. Latencies are recorded per response (ms, float), not autocannon's 1 ms buckets. */
export interface LoadResult {
  readonly label: string;
  readonly seconds: number;
  readonly responses: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly statusCounts: Record<string, number>;
  /** 2xx responses per second. */
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  /** Requests that had to reuse a DPoP proof because the pre-generated ones ran out (they fail by design). */
  readonly proofsShort: number;
  /** CPU used during the run by the server, the database server and the load generator (ms). */
  readonly cpu: CpuSpan;
  /** Latencies of the 2xx responses (ms), sorted. */
  readonly latencies: readonly number[];
}

/** Several runs of the same thing: median req/s, pooled latencies, summed failures and CPU. */
export interface CombinedResult {
  readonly label: string;
  readonly runs: readonly LoadResult[];
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly failures: number;
  /** CPU per 2xx response (ms). */
  readonly cpuPerRequest: CpuSpan;
  /** Average cores busy (server + database + load generator). */
  readonly busyCores: number;
}

export function combine(label: string, runs: readonly LoadResult[]): CombinedResult {
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  const ok = runs.reduce((sum, run) => sum + run.ok, 0);
  const total = (pick: (cpu: CpuSpan) => number) => runs.reduce((sum, run) => sum + pick(run.cpu), 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  return {
    label,
    runs,
    rps: median(runs.map((run) => run.rps)),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok,
    failures: runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0),
    cpuPerRequest: {
      serverMs: total((cpu) => cpu.serverMs) / Math.max(1, ok),
      databaseMs: total((cpu) => cpu.databaseMs) / Math.max(1, ok),
      loadGeneratorMs: total((cpu) => cpu.loadGeneratorMs) / Math.max(1, ok),
    },
    busyCores: (total((cpu) => cpu.serverMs) + total((cpu) => cpu.databaseMs) + total((cpu) => cpu.loadGeneratorMs)) / (seconds * 1000),
  };
}

export interface LoadOptions {
  readonly label: string;
  readonly origin: string;
  readonly path: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly headers?: Record<string, string>;
  /** Pre-generated DPoP proofs: each request takes the next unused one. */
  readonly proofs?: readonly string[];
  /** The server's pid, to account its CPU time. */
  readonly serverPid?: number;
}

let databasePid: number | undefined | null = null;

/** Drives GET `path` with autocannon (in this process) for the given time, with the given connections. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let next = 0;
  let proofsShort = 0;
  const proofs = options.proofs;
  const headers = { accept: 'application/json', ...options.headers };
  const request: Request = { method: 'GET', path: options.path, headers };
  if (proofs) {
    request.setupRequest = (req) => {
      let proof = proofs[next];
      if (proof === undefined) {
        proofsShort += 1;
        proof = proofs[proofs.length - 1] ?? '';
      } else next += 1;
      req.headers = { ...headers, dpop: proof };
      return req;
    };
  }
  if (databasePid === null) databasePid = databaseServerPid();
  const stopCpu = startCpuSpan(options.serverPid, databasePid);
  const started = process.hrtime.bigint();
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      { url: `${options.origin}${options.path}`, connections: options.connections, duration: options.durationSeconds, timeout: 30, requests: [request] },
      (error, value) => (error ? reject(error) : resolve(value)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = stopCpu();
  const ok = latencies.length;
  const responses = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  return {
    label: options.label,
    seconds: result.duration || seconds,
    responses,
    ok,
    non2xx: responses - ok,
    errors: result.errors,
    statusCounts,
    rps: ok / (result.duration || seconds),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, ok),
    proofsShort,
    cpu,
    latencies,
  };
}

/** The p-th percentile (nearest rank) of sorted values; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}
