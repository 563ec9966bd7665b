import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AuditServices } from '../../src/audit/index.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Seals what is waiting until the chain covers `position` (the sealer follows the log a little behind). */
export async function sealedThrough(
  audit: AuditServices,
  position: bigint,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await audit.sealer?.flush();
    const last = await audit.seals.last();
    if (last && BigInt(last.seal.toPosition) >= position) return;
    if (Date.now() > deadline) throw new Error(`not sealed through ${position} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a process to its end, collecting what it prints. */
export function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The offline verifier as an auditor runs it: plain node, nothing of the project loaded. */
export const verifyOffline = (file: string, ...args: string[]) =>
  run(process.execPath, ['scripts/verify-audit-proof.mjs', file, ...args]);

/** `npm run audit -- ...` without npm: node with tsx, as package.json's script runs it. */
export const auditCli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/audit.ts', ...args], { LOG_LEVEL: 'warn', ...env });

export const ndjson = (text: string): Array<Record<string, unknown>> =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
