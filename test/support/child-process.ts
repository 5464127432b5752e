import assert from 'node:assert/strict';
import { spawn, type SpawnOptions } from 'node:child_process';

/** What a finished process printed and how it ended. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command to completion, collecting what it prints; a command still running after `timeoutMs` is killed and the
 * run fails, naming `what` and what it printed so far.
 */
export function runToExit(command: string, args: readonly string[], options: SpawnOptions & { timeoutMs: number; what: string }): Promise<Run> {
  const { timeoutMs, what, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not exit within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Asserts the exit code, showing what the process printed when it differs. */
export function assertExit(run: Run, code: number): void {
  assert.equal(run.code, code, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
}
