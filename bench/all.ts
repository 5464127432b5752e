/**
 * `npm run bench -- all`: every benchmark in turn, each in its own process (`node --import tsx bench/run.ts <name>`,
 * its output passed through), then a summary table (markdown) of target, median ratio, verdict and machine load, on
 * stdout and in bench/results/all-<time>.md. See bench/README.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from './lib/processes.js';
import { say, seconds } from './lib/report.js';

/** The benchmarks `all` runs, in order, with what each is compared with and any setting it runs with. */
const BENCHMARKS: ReadonlyArray<{ name: string; what: string; env?: Record<string, string> }> = [
  { name: 'aisp', what: 'GET …/balances vs bare Koa + mysql2 (throughput only: BENCH_SKIP_SCALE=1)', env: { BENCH_SKIP_SCALE: '1' } },
  { name: 'pisp', what: 'POST …/domestic-payments vs raw mysql2 transaction' },
  { name: 'vrp', what: 'POST …/domestic-vrps vs the pisp baseline' },
  { name: 'events', what: 'event notifications vs a bare sign-and-POST loop' },
  { name: 'proofs', what: 'µs of CPU per token + DPoP check and per JWS check (no baseline)' },
  { name: 'token', what: 'POST /token (client credentials, private_key_jwt + DPoP) vs oidc-provider in memory' },
  { name: 'hot-account', what: '1,000 payments from one account, 50 in flight, vs raw SQL' },
  { name: 'startup', what: 'CPU of openteller serve from its start to ready, existing database (ms, median of 7 starts)' },
];

/** What one benchmark's output said. */
interface Outcome {
  readonly name: string;
  readonly what: string;
  readonly target: string;
  readonly ratio: string;
  readonly verdict: string;
  readonly exitCode: number;
  readonly load: string;
  readonly minutes: number;
}

export async function benchAll(): Promise<number> {
  const started = performance.now();
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
  const outcomes: Outcome[] = [];
  for (const bench of BENCHMARKS.filter((each) => only.length === 0 || only.includes(each.name))) {
    say();
    say(`==================== npm run bench -- ${bench.name} ====================`);
    const loadBefore = loadavg()[0] ?? Number.NaN;
    const benchStarted = performance.now();
    const { output, exitCode } = await runChild(bench.name, { ...bench.env, ...overriddenByEnvironment(bench.env) });
    const loadAfter = loadavg()[0] ?? Number.NaN;
    outcomes.push({
      name: bench.name,
      what: bench.what,
      ...verdictOf(output),
      exitCode,
      load: `${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}${otherCoresOf(output)}`,
      minutes: (performance.now() - benchStarted) / 60_000,
    });
  }
  const table = summaryTable(outcomes);
  say();
  say(table);
  const directory = join(ROOT, 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `all-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, `# npm run bench -- all, ${new Date().toISOString()}\n\n${table}\n`);
  say(`Summary written to ${file}; total time ${seconds(started)}`);
  return outcomes.every((outcome) => outcome.exitCode === 0) ? 0 : 1;
}

/** Settings given by the environment win over the defaults of `all` (e.g. BENCH_SKIP_SCALE=0 to run aisp's scale check). */
function overriddenByEnvironment(env: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.keys(env ?? {}).flatMap((key) => (process.env[key] === undefined ? [] : [[key, process.env[key]]])));
}

/** Runs one benchmark in its own process, its output passed through and kept. */
function runChild(name: string, env: Record<string, string>): Promise<{ output: string; exitCode: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', name], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('exit', (code) => resolve({ output, exitCode: code ?? 1 }));
  });
}

/**
 * The target, the median ratio and the verdict from a benchmark's output: a ceiling in ms (`target ≤ x ms`, start-up)
 * with its figure, else the first line naming a target (`target ≥ x`);
 * its ratio is the median of the per-round ratios it prints (`per round a / b / c`, `median of the per-round ratios x`,
 * `(median of rounds) x`), and its verdict `MET` / `NOT MET` (events: from its exit code).
 */
export function verdictOf(output: string): Pick<Outcome, 'target' | 'ratio' | 'verdict'> {
  const ceiling = output.split('\n').find((each) => /target ≤ [\d.]+ ms/.test(each));
  if (ceiling) {
    const figure = /([\d.]+) ms \(target ≤/.exec(ceiling)?.[1] ?? '?';
    return {
      target: `≤ ${/target ≤ ([\d.]+) ms/.exec(ceiling)?.[1] ?? '?'} ms`,
      ratio: `${figure} ms`,
      verdict: /→ (MET|NOT MET)/.exec(ceiling)?.[1] ?? '?',
    };
  }
  const line = output.split('\n').find((each) => /target ≥ [\d.]+/.test(each));
  if (!line) return { target: '—', ratio: '—', verdict: /Error|INVALID/.test(output) ? 'failed' : 'measured (no target)' };
  const target = `≥ ${/target ≥ ([\d.]+)/.exec(line)?.[1] ?? '?'}`;
  const perRound = /per round ([\d.]+(?: \/ [\d.]+)*)/.exec(line)?.[1];
  let ratio: number | undefined;
  if (perRound) {
    const values = perRound
      .split(' / ')
      .map(Number)
      .sort((a, b) => a - b);
    ratio = values[Math.ceil(values.length / 2) - 1];
  } else {
    const stated = /median of the per-round ratios:? ([\d.]+)|\(median of rounds\) ([\d.]+)|= ([\d.]+)/.exec(line);
    ratio = Number(stated?.[1] ?? stated?.[2] ?? stated?.[3]);
  }
  const met = /→ (MET|NOT MET)/.exec(line)?.[1] ?? (ratio !== undefined && ratio >= Number(target.slice(2)) ? 'MET' : 'NOT MET');
  const invalid = /INVALID/.test(output);
  return { target, ratio: ratio === undefined || Number.isNaN(ratio) ? '?' : ratio.toFixed(3), verdict: invalid ? `${met} (INVALID run)` : met };
}

/** The cores other processes used meanwhile, as the benchmark reported them (the largest figure it printed). */
function otherCoresOf(output: string): string {
  const figures = [...output.matchAll(/other processes (?:on the machine during the measured runs: )?([\d.]+) cores/g)].map((match) =>
    Number(match[1]),
  );
  return figures.length > 0 ? `; others up to ${Math.max(...figures).toFixed(2)} cores` : '';
}

function summaryTable(outcomes: readonly Outcome[]): string {
  const rows = outcomes.map(
    (outcome) =>
      `| \`${outcome.name}\` | ${outcome.what} | ${outcome.target} | ${outcome.ratio} | ${outcome.verdict}${outcome.exitCode === 0 ? '' : ` (exit ${outcome.exitCode})`} | ${outcome.load} | ${outcome.minutes.toFixed(1)} |`,
  );
  return [
    '| bench | what | target | median ratio (or figure) | verdict | load (1-min average before → after) | minutes |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
