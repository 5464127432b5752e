/**
 * `npm run bench -- startup`: the CPU an `openteller serve` process spends from its start to ready (`/health` answers
 * 200) on an existing database — what a restart or a new replica costs. Target (issue 14): ≤ 800 ms CPU. The database
 * is migrated, seeded and served once before the measured starts, so each start finds it as a restarted process does.
 * `BENCH_STARTUP_PROFILE=1` adds one profiled start and prints where its CPU went, by area. See bench/README.md.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBenchDatabase, type BenchDatabase } from './lib/bench-database.js';
import { processCpuMs } from './lib/cpu.js';
import { summarizeProfile, type CpuProfile } from './lib/cpuprofile.js';
import { median } from './lib/load.js';
import { openTellerEntry, startOpenTeller } from './lib/openteller.js';
import { cleanUpOnInterrupt, freePort, ROOT } from './lib/processes.js';
import { ms, printMachineAndDatabase, say } from './lib/report.js';

const env = process.env;
const PARAMS = {
  databaseUrl: env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/test',
  rounds: Number(env.BENCH_ROUNDS || 7),
  profile: env.BENCH_STARTUP_PROFILE === '1',
};
const TARGET_CPU_MS = 800;

export async function benchStartup(): Promise<number> {
  await printMachineAndDatabase(PARAMS.databaseUrl, 'OpenTeller start-up benchmark');
  let bench: BenchDatabase | undefined;
  const cleanUp = cleanUpOnInterrupt(() => bench);
  try {
    bench = await createBenchDatabase(PARAMS.databaseUrl);
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    say(
      `Server:   \`openteller serve\` (${openTellerEntry()}, plain node) on ${issuer}, database ${bench.name} (migrated, seeded, served once first)`,
    );
    await (await startOpenTeller(bench.url, port, issuer)).stop();
    const cpu: number[] = [];
    for (let round = 1; round <= PARAMS.rounds; round += 1) {
      const load = loadavg()[0] ?? 0;
      const started = performance.now();
      const server = await startOpenTeller(bench.url, port, issuer);
      const readyMs = performance.now() - started;
      const used = processCpuMs(server.pid);
      await server.stop();
      cpu.push(used);
      say(`  start ${round}: ${ms(used)} CPU to ready (wall ${ms(readyMs)}, readiness polled every 150 ms; load ${load.toFixed(2)})`);
    }
    const result = median(cpu);
    say();
    say(
      `Verdict:  start-up CPU (median of ${PARAMS.rounds}) ${ms(result)} (target ≤ ${ms(TARGET_CPU_MS)}) → ${result <= TARGET_CPU_MS ? 'MET' : 'NOT MET'}`,
    );
    if (PARAMS.profile) await profileStart(bench.url, port, issuer);
    return 0;
  } finally {
    await cleanUp();
  }
}

/** One more start with V8's CPU profiler on, stopped once ready; prints the CPU by area (self and inclusive). */
async function profileStart(databaseUrl: string, port: number, issuer: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'openteller-startup-profile-'));
  try {
    const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, openTellerEntry(), 'serve'], {
      cwd: ROOT,
      env: {
        ...env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        ISSUER: issuer,
        LOG_LEVEL: 'silent',
        OPENTELLER_MODE: 'sandbox',
      },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (;;) {
      const answer = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
      if (answer?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGINT');
    await exited;
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('the profiled start wrote no profile');
    const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, 200);
    say();
    say(`Profiled start (to ready, then shutdown): ${ms(summary.totalMs - summary.idleMs)} busy`);
    say('  self time by area:');
    for (const share of summary.selfByArea.slice(0, 15))
      say(`    ${(share.share * 100).toFixed(1).padStart(5)} %  ${ms(share.ms).padStart(9)}  ${share.name}`);
    say('  inclusive time by area (a package with what it calls):');
    for (const share of summary.inclusiveByArea.slice(0, 15))
      say(`    ${(share.share * 100).toFixed(1).padStart(5)} %  ${ms(share.ms).padStart(9)}  ${share.name}`);
    say("  inclusive time by OpenTeller's own functions (top 20):");
    for (const share of summary.inclusiveByFunction.filter((entry) => entry.name.includes('[openteller ')).slice(0, 20))
      say(`    ${(share.share * 100).toFixed(1).padStart(5)} %  ${ms(share.ms).padStart(9)}  ${share.name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
