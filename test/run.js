// Runs every test file (src/**/*.test.ts beside the code, test/**/*.test.ts for journeys) with node's test
// runner and tsx, one file per process. TEST_DATABASE_URL=mysql://… switches the database-backed tests to
// MySQL/MariaDB; each test file creates and drops its own database. A test file still running after ten minutes fails, so
// one that hangs cannot hold the whole run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = [...findTests('src'), ...findTests('test')].sort();
const only = process.argv.slice(2);
const selected = only.length > 0 ? files.filter((file) => only.some((pattern) => file.includes(pattern))) : files;
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...selected], {
  stdio: 'inherit',
  env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
});
process.exit(result.status ?? 1);
