// CPU time a process (and, optionally, its children that exited) spent, from /proc/PID/stat:
// the server's own cost per operation, beside throughput, so client CPU on the same cores
// does not hide it.
import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

/** utime + stime of `pid` in seconds (Linux clock ticks are 1/100 s). */
export function processCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
