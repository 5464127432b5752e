import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU time (user + system, ms) of a process, from /proc (Linux); NaN when unreadable. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (fields 14 and 15 of stat), in clock ticks (USER_HZ = 100).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The database server's pid when it runs on this machine (mariadbd or mysqld), else undefined. */
export function databaseServerPid(): number | undefined {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const pid = Number(execFileSync('pidof', ['-s', name], { encoding: 'utf8' }).trim());
      if (pid > 0) return pid;
    } catch {
      // not running under that name
    }
  }
  return undefined;
}

/** Busy CPU time (ms) of the whole machine, all cores, from /proc/stat (Linux); NaN when unreadable. */
export function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    // user nice system idle iowait irq softirq steal …: busy = everything but idle and iowait.
    const busy = fields.reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + (index < 8 ? value : 0)), 0);
    return (busy * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU used by the server process, the database server and this process (the load generator) over a span. */
export interface CpuSpan {
  readonly serverMs: number;
  readonly databaseMs: number;
  readonly loadGeneratorMs: number;
  /** Busy CPU of the whole machine over the span (all processes, all cores), to see what else ran meanwhile. */
  readonly machineMs?: number;
}

export function startCpuSpan(serverPid: number | undefined, databasePid: number | undefined): () => CpuSpan {
  const server = serverPid === undefined ? Number.NaN : processCpuMs(serverPid);
  const database = databasePid === undefined ? Number.NaN : processCpuMs(databasePid);
  const own = process.cpuUsage();
  const machine = machineBusyMs();
  return () => {
    const ownDelta = process.cpuUsage(own);
    return {
      serverMs: serverPid === undefined ? Number.NaN : processCpuMs(serverPid) - server,
      databaseMs: databasePid === undefined ? Number.NaN : processCpuMs(databasePid) - database,
      loadGeneratorMs: (ownDelta.user + ownDelta.system) / 1000,
      machineMs: machineBusyMs() - machine,
    };
  };
}
