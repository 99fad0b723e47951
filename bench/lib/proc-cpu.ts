// CPU time a process (and, optionally, its children) spent, from /proc/PID/stat: the
// server's own cost per operation, beside throughput, so client CPU on the same cores
// does not hide it.
import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

/** The fields of /proc/PID/stat after the command name (which may hold spaces); state is [0]. */
function statFields(pid: number): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of `pid` in seconds (Linux clock ticks are 1/100 s). */
export function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * CPU of `pid` and all its descendants, live or exited, in seconds: for servers that fork a
 * process per connection (PostgreSQL's postmaster and its backends). A child that exits
 * moves its time into its parent's cutime/cstime, so the sum stays continuous.
 */
export function processTreeCpuSeconds(pid: number): number {
  let fields: string[];
  try {
    fields = statFields(pid);
  } catch {
    return 0; // exited between listing and reading: its time is now in the parent's cutime
  }
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  let children = '';
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    children = '';
  }
  let seconds = ticks / TICKS_PER_SECOND;
  for (const child of children.split(' ')) if (child !== '') seconds += processTreeCpuSeconds(Number(child));
  return seconds;
}
