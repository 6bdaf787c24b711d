import { readdirSync, readFileSync } from 'node:fs';

/** A process of the local stack, found under this one. */
export interface StackProcess {
  pid: number;
  role: 'DynamoDB Local (java)' | 'MailDev (node)';
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Descendants of `root` (children, grandchildren: the DynamoDB Local launcher may sit between) as pid → ppid. */
const descendants = (root: number): number[] => {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    // The command name may hold spaces and parentheses: the ppid is the second field after the last ')'.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : Number.NaN;
    if (!Number.isNaN(ppid)) parent.set(Number(entry), ppid);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    for (const [pid, ppid] of parent) {
      if (ppid === p) {
        out.push(pid);
        queue.push(pid);
      }
    }
  }
  return out;
};

/** The DynamoDB Local and MailDev processes this process started (Linux /proc). */
export function stackProcesses(root = process.pid): StackProcess[] {
  const found: StackProcess[] = [];
  for (const pid of descendants(root)) {
    const cmdline = (read(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ');
    if (/DynamoDBLocal/i.test(cmdline) && /java/.test(cmdline)) found.push({ pid, role: 'DynamoDB Local (java)' });
    else if (/maildev/i.test(cmdline)) found.push({ pid, role: 'MailDev (node)' });
  }
  return found;
}

/** Resident set size now (`VmRSS`) and its peak over the process's life (`VmHWM`), in MiB. */
export function memoryOf(pid: number | 'self'): { rssMb: number; peakMb: number } | undefined {
  const status = read(`/proc/${pid}/status`);
  if (!status) return undefined;
  const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}
