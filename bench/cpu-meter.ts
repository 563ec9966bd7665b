import { readFile } from 'node:fs/promises';

/** Linux's USER_HZ: /proc counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

export interface CpuUse {
  /** This process (user + system). */
  nodeMs: number;
  /** The given PostgreSQL backends (those serving the bench's database). */
  postgresMs: number;
  /** Every other process on the machine: the noise a shared machine adds to a window. */
  othersMs: number;
  /** Wall time × cores: what the machine had. */
  availableMs: number;
}

/** A process's user + system CPU so far, ms (0 once it is gone). */
export const processCpuMs = async (pid: number): Promise<number> =>
  ((await processTicks(pid)) * 1000) / TICKS_PER_SECOND;

async function processTicks(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // After the command name (which may hold spaces): utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // Gone since: its time is lost, not counted twice.
  }
}

/** Busy and total ticks of the whole machine, from the first line of /proc/stat. */
async function machineTicks(): Promise<{ busy: number; total: number }> {
  const [line] = (await readFile('/proc/stat', 'utf8')).split('\n');
  const values = line!.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  // idle and iowait are the 4th and 5th values.
  return { busy: total - values[3]! - values[4]!, total };
}

/**
 * Splits the CPU used during a window between this process, the PostgreSQL backends serving it and
 * everything else on the machine. `backends` is asked again at the end: a connection opened during
 * the window counts from zero, all of its time being inside the window.
 */
export async function startCpuMeter(backends: () => Promise<number[]>) {
  const before = new Map<number, number>();
  for (const pid of await backends()) before.set(pid, await processTicks(pid));
  const machine = await machineTicks();
  const node = process.cpuUsage();
  return async (): Promise<CpuUse> => {
    const used = process.cpuUsage(node);
    const nodeMs = (used.user + used.system) / 1000;
    const after = await machineTicks();
    let postgresTicks = 0;
    for (const pid of new Set([...before.keys(), ...(await backends())])) {
      const now = await processTicks(pid);
      if (now > 0) postgresTicks += now - (before.get(pid) ?? 0);
    }
    const toMs = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
    const postgresMs = toMs(postgresTicks);
    return {
      nodeMs,
      postgresMs,
      othersMs: Math.max(0, toMs(after.busy - machine.busy) - nodeMs - postgresMs),
      availableMs: toMs(after.total - machine.total),
    };
  };
}
