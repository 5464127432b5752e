import { createHash } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error.js';

/** The claim of one serving process on an embedded database file; release it at shutdown. */
export interface EmbeddedDatabaseClaim {
  release(): Promise<void>;
}

/**
 * Claims an embedded database file for this serving process, for as long as it runs: with one-time values in memory
 * (README "Scaling"), a second process serving the same file would accept a DPoP proof or client assertion the first
 * has seen. The claim is a Unix socket this process listens on (named after the file, in the temp folder): the
 * operating system drops it when the process ends, however it ends, so a crash leaves nothing that blocks a restart.
 * @throws ConfigError naming REPLAY_STORE when another running process has claimed the file.
 */
export async function claimEmbeddedDatabase(file: string): Promise<EmbeddedDatabaseClaim> {
  const path = join(tmpdir(), `openteller-${createHash('sha256').update(file).digest('hex').slice(0, 24)}.sock`);
  let server: Server;
  try {
    server = await listenOn(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (await answers(path)) {
      throw new ConfigError(
        'REPLAY_STORE',
        `is "memory", but another process already serves ${file}: one-time values in memory need the embedded database served by one process. Stop the other process, or set REDIS_URL (or REPLAY_STORE=database) on both`,
      );
    }
    unlinkSync(path);
    server = await listenOn(path);
  }
  server.unref();
  return { release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function listenOn(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.end());
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Whether a process listens on the socket (a socket file left by a process that ended refuses the connection). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
