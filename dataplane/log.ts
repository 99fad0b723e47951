// pino JSON logs: one event per line on stdout, with the instance name and role on every line.
import pino, { type Logger } from 'pino';
import type { PinoLevel } from './config.js';

export interface LogOptions {
  level: PinoLevel;
  instance: string;
  role: string;
  alsoToStderr: boolean;
}

export function createLogger(options: LogOptions): Logger {
  const base = { instance: options.instance, role: options.role };
  // Level names ("info") rather than pino's numbers: log pipelines match on them.
  const common = { level: options.level, base, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }) } };
  // Synchronous destinations: a crash or process.exit() right after a log call must not lose the line.
  const stdout = pino.destination({ fd: 1, sync: true });
  if (!options.alsoToStderr) return pino(common, stdout);
  const streams = pino.multistream([
    { level: options.level, stream: stdout },
    { level: options.level, stream: pino.destination({ fd: 2, sync: true }) },
  ]);
  return pino(common, streams);
}
