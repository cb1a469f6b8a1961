import { readdirSync, readFileSync } from 'node:fs';

// /proc/<pid>/stat counts CPU time in clock ticks of 1/100 s (USER_HZ on Linux).
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used so far, plus with `reapedChildren` those of its
 * children that have exited; 0 where /proc cannot tell.
 */
export function processCpuSeconds(pid: number, reapedChildren = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    const children = reapedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
    return (own + children) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used by PostgreSQL on this machine, null when it is not local: every live server
 * process, plus the backends that have exited (counted in their parent, the postmaster).
 */
export function postgresCpuSeconds(): number | null {
  let total = 0;
  let found = false;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue; // the process ended while we looked
    }
    found = true;
    total += processCpuSeconds(Number(entry), true);
  }
  return found ? total : null;
}

/** Seconds on a core, and runnable but waiting for one. */
export interface SchedSeconds {
  onCpu: number;
  waiting: number;
}

/**
 * Seconds a process's main thread (its JavaScript, for Node) has spent on a core, and runnable but
 * waiting for one, from /proc/<pid>/task/<pid>/schedstat (nanoseconds); zeros where /proc cannot tell.
 * Their sum near the wall time says the thread always had work; the waiting share, that the cores
 * were busy with other processes (PostgreSQL, the load generator) when it had.
 */
export function mainThreadSchedSeconds(pid: number): SchedSeconds {
  try {
    const [onCpu, waiting] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return { onCpu: onCpu! / 1e9, waiting: waiting! / 1e9 };
  } catch {
    return { onCpu: 0, waiting: 0 };
  }
}
