import { loadavg } from 'node:os';
import autocannon, { type Request, type Result } from 'autocannon';
import { databaseServerPid, startCpuSpan, type CpuSpan } from './cpu.js';

/** What one load run measured. Latencies are recorded per response (ms, float), not autocannon's 1 ms buckets. */
export interface LoadResult {
  readonly label: string;
  readonly seconds: number;
  readonly responses: number;
  readonly ok: number;
  /** Responses that were not a success (non-2xx, or refused by `accept`). */
  readonly non2xx: number;
  readonly errors: number;
  readonly statusCounts: Record<string, number>;
  /** Successful (2xx, or accepted by `accept`) responses per second. */
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  /**
   * Requests that had to reuse a DPoP proof (or, with `nextRequest`, the last request's material) because the
   * pre-generated ones ran out (they fail by design).
   */
  readonly proofsShort: number;
  /** With `accept`: the first few responses it refused (status and start of the body), for the report. */
  readonly refusedSamples: readonly string[];
  /** CPU used during the run by the server, the database server and the load generator (ms). */
  readonly cpu: CpuSpan;
  /** The machine's 1-minute load average when the run started and when it ended (a shared machine is noisy). */
  readonly load: { readonly before: number; readonly after: number };
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

/** The headers and body of one request, made before the run (see {@link LoadOptions.nextRequest}). */
export interface PreparedRequest {
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface LoadOptions {
  readonly label: string;
  readonly origin: string;
  readonly path: string;
  readonly connections: number;
  /** Run for this long… */
  readonly durationSeconds: number;
  /** …or, when set, until this many responses came back (autocannon's `amount`; the duration is then ignored). */
  readonly amount?: number;
  /** GET unless told. */
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Pre-generated DPoP proofs: each request takes the next unused one. */
  readonly proofs?: readonly string[];
  /**
   * The material of the next request (added to `headers`), or undefined when none is left: the request then
   * reuses the previous one's, which fails by design (replayed proof or idempotency key), and counts as short.
   */
  readonly nextRequest?: () => PreparedRequest | undefined;
  /**
   * Whether a response is a success (default: any 2xx). Given, every response body is read: a 2xx it refuses
   * counts as a failure (`<status>-refused` in the status counts) and its latency is not recorded.
   */
  readonly accept?: (status: number, body: string) => boolean;
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
  const request: Request = { method: options.method ?? 'GET', path: options.path, headers };
  const refusedSamples: string[] = [];
  let refusedLast = false;
  const accept = options.accept;
  if (accept) {
    // autocannon calls onResponse right before it emits 'response' for the same response (same tick).
    request.onResponse = (status, body) => {
      const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
      refusedLast = !accept(status, text);
      if (refusedLast && refusedSamples.length < 5) refusedSamples.push(`${status} ${text.slice(0, 400)}`);
    };
  }
  const nextRequest = options.nextRequest;
  if (nextRequest) {
    let last: PreparedRequest | undefined;
    request.setupRequest = (req) => {
      let prepared = nextRequest();
      if (prepared === undefined) {
        proofsShort += 1;
        prepared = last;
      }
      last = prepared;
      req.headers = { ...headers, ...prepared?.headers };
      if (prepared?.body !== undefined) req.body = prepared.body;
      return req;
    };
  } else if (proofs) {
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
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const stopCpu = startCpuSpan(options.serverPid, databasePid);
  const started = process.hrtime.bigint();
  let lastResponse = started;
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${options.origin}${options.path}`,
        connections: options.connections,
        ...(options.amount === undefined ? { duration: options.durationSeconds } : { amount: options.amount }),
        timeout: 30,
        requests: [request],
      },
      (error, value) => (error ? reject(error) : resolve(value)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      const success = accept ? !refusedLast : statusCode >= 200 && statusCode < 300;
      const key = accept && refusedLast && statusCode >= 200 && statusCode < 300 ? `${statusCode}-refused` : String(statusCode);
      statusCounts[key] = (statusCounts[key] ?? 0) + 1;
      lastResponse = process.hrtime.bigint();
      if (success) latencies.push(responseTime);
    });
  });
  // With `amount`, autocannon notices the end only at its next 1 s tick (its duration is rounded up to that):
  // the run lasted until the last response.
  const seconds =
    options.amount === undefined ? result.duration || Number(process.hrtime.bigint() - started) / 1e9 : Number(lastResponse - started) / 1e9;
  const cpu = stopCpu();
  const ok = latencies.length;
  const responses = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  return {
    label: options.label,
    seconds,
    responses,
    ok,
    non2xx: responses - ok,
    errors: result.errors,
    statusCounts,
    rps: ok / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, ok),
    proofsShort,
    refusedSamples,
    cpu,
    load: { before: loadBefore, after: loadavg()[0] ?? Number.NaN },
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
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}
