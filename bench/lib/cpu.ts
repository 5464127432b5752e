import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

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

/**
 * The pid of the database server the benchmarks use, found by the port it listens on (BENCH_DATABASE_URL's, default
 * 3306): the process holding that listening socket (/proc/net/tcp{,6} → socket inode → /proc/<pid>/fd). Another
 * MySQL or MariaDB running on the machine is not mistaken for it. Falls back to the name (mariadbd, mysqld) when the
 * socket cannot be traced (another user's process); undefined when the database is not on this machine.
 */
export function databaseServerPid(): number | undefined {
  const url = new URL(process.env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/test');
  return pidListeningOn(Number(url.port || 3306)) ?? pidByName();
}

function pidListeningOn(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // fields[1] = local address:port (hex), fields[3] = state (0A = LISTEN), fields[9] = inode.
      if (fields[3] === '0A' && Number.parseInt(fields[1]?.split(':')[1] ?? '', 16) === port && fields[9]) inodes.add(`socket:[${fields[9]}]`);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let descriptors: string[];
    try {
      descriptors = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const descriptor of descriptors) {
      try {
        if (inodes.has(readlinkSync(`/proc/${entry}/fd/${descriptor}`))) return Number(entry);
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

function pidByName(): number | undefined {
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
