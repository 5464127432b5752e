// Proves that one serving process at a time claims an embedded database file: a second claim while the first holds it
// is refused naming REPLAY_STORE; once released, or once the holder has died (SIGKILL, leaving its socket file), the
// file can be claimed again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../config/config-error.js';
import { claimEmbeddedDatabase } from './embedded-database-owner.js';

test('a second claim of a claimed file → ConfigError naming REPLAY_STORE; after release → claimed again', async () => {
  const file = join(tmpdir(), `bank-${randomUUID()}.db`);
  const first = await claimEmbeddedDatabase(file);
  await assert.rejects(
    claimEmbeddedDatabase(file),
    (error: unknown) => error instanceof ConfigError && error.variable === 'REPLAY_STORE' && error.message.includes(file),
  );
  await first.release();
  const again = await claimEmbeddedDatabase(file);
  await again.release();
});

test('the holder killed with SIGKILL (its socket file left behind) → the file is claimed again', async () => {
  const file = join(tmpdir(), `bank-${randomUUID()}.db`);
  const socket = join(tmpdir(), `openteller-${createHash('sha256').update(file).digest('hex').slice(0, 24)}.sock`);
  const holder = spawn(process.execPath, [
    '-e',
    `require('node:net').createServer().listen(${JSON.stringify(socket)}, () => console.log('listening'))`,
  ]);
  await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
  await assert.rejects(claimEmbeddedDatabase(file), ConfigError);
  holder.kill('SIGKILL');
  await new Promise<void>((resolve) => holder.once('exit', () => resolve()));
  assert.ok(existsSync(socket), 'the dead holder left its socket file');
  const claim = await claimEmbeddedDatabase(file);
  await claim.release();
});
