import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { processCpuMs } from './cpu-meter.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface HubProcess {
  url: string;
  pid: number;
  /** The hub's user + system CPU so far, ms (from /proc/<pid>/stat). */
  cpuMs(): Promise<number>;
  /** The hub's resident set now, bytes. */
  rssBytes(): Promise<number>;
  /** Resets the kernel's peak-RSS mark (VmHWM) so peakRssBytes() measures from here on. */
  resetPeakRss(): Promise<void>;
  peakRssBytes(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The hub as `npm start` runs it (`src/app/main.ts`), in a process of its own, so a bench's load
 * client and fakes do not charge their CPU and garbage to it; its CPU and memory are read from
 * /proc, with nothing added to the hub. `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export async function startHubProcess(
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<HubProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/app/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Only the tail is kept: at LOG_LEVEL=info the hub logs every request.
  const collect = (chunk: Buffer) => {
    output = (output + chunk).slice(-16_384);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!url) {
    url = /Switchboard listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the hub did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid!;
  const statusField = async (name: string) => {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]) * 1024;
  };
  return {
    url,
    pid,
    cpuMs: () => processCpuMs(pid),
    rssBytes: () => statusField('VmRSS'),
    resetPeakRss: () => writeFile(`/proc/${pid}/clear_refs`, '5'),
    peakRssBytes: () => statusField('VmHWM'),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
