// LOAD CSV's reading side: a line-at-a-time CSV row parser with Memgraph's rules and texts
// (Memgraph's csv/parsing.cpp: Excel dialect, multi-character delimiter and quote, a doubled
// quote escapes itself, a quoted field may span lines, whose line breaks are dropped), and a
// synchronous chunked file reader, so a file of any size is streamed, never held in memory.
// The parser is pure; only `openCsvFile` and `fileLines` touch the file system.

import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Codes, MghaError } from '../errors.js';

export interface CsvOptions {
  header: boolean;
  ignoreBad: boolean;
  /** Default `,`. */
  delimiter: string;
  /** Default `"`. */
  quote: string;
}

/** Memgraph's `CsvReadException` surfaces as its generic client error. */
export function csvError(message: string): MghaError {
  return new MghaError(Codes.MemgraphClientError, message);
}

type ParseResult = { row: string[] } | { error: string } | null;

/**
 * Parses rows from a source of lines (without their `\n`). Keeps Memgraph's line counting,
 * so messages name the line a bad row ended on.
 */
export class CsvParser {
  private lineCount = 0;
  private columns = 0;
  header: string[] | null = null;

  constructor(
    private readonly lines: Iterator<string>,
    private readonly options: CsvOptions,
  ) {
    if (options.delimiter === '') throw csvError('Delimiter should be a non-empty string');
    if (options.quote === '') throw csvError('Quote should be a non-empty string');
  }

  /** Reads the header row when the options ask for one; call once before `next`. */
  readHeader(fileName: string): void {
    if (!this.options.header) return;
    const parsed = this.parseRow();
    if (parsed !== null && 'error' in parsed) throw csvError(`CSV reading : ${parsed.error}`);
    if (parsed === null || parsed.row.length === 0) throw csvError(`CSV file ${fileName} empty!`);
    this.header = parsed.row;
    this.columns = parsed.row.length;
  }

  /** The next good row, or null at the end. Bad rows throw, or are skipped with IGNORE BAD. */
  next(): string[] | null {
    for (;;) {
      const parsed = this.parseRow();
      if (parsed === null) return null;
      if ('row' in parsed) return parsed.row;
      if (!this.options.ignoreBad) throw csvError(`CSV Reader: Bad row at line ${this.lineCount}: ${parsed.error}`);
    }
  }

  private nextLine(): string | null {
    const r = this.lines.next();
    if (r.done === true) return null;
    this.lineCount++;
    return r.value;
  }

  private parseRow(): ParseResult {
    const { delimiter, quote } = this.options;
    let line = this.nextLine();
    // Blank lines hold no row (Memgraph would stop reading at one; skipping is kinder).
    while (line !== null && (line === '' || line === '\r')) line = this.nextLine();
    if (line === null) return null;
    const row: string[] = [];
    let column = '';
    let state: 'initial' | 'next' | 'quoting' | 'expectDelimiter' | 'done' = 'initial';
    for (;;) {
      let s = line.endsWith('\r') ? line.slice(0, -1) : line;
      let i = 0;
      while (state !== 'done' && i < s.length) {
        const ch = s[i];
        if (ch === '\n' || ch === '\r') {
          i++;
          continue;
        }
        if (ch === '\0') return { error: `CSV: Line ${this.lineCount} contains NULL byte` };
        if (state === 'initial' || state === 'next') {
          if (s.startsWith(quote, i)) {
            state = 'quoting';
            i += quote.length;
          } else if (s.startsWith(delimiter, i)) {
            row.push('');
            state = 'next';
            i += delimiter.length;
          } else {
            const at = s.indexOf(delimiter, i);
            if (at < 0) {
              row.push(s.slice(i));
              state = 'done';
            } else {
              row.push(s.slice(i, at));
              i = at + delimiter.length;
              state = 'next';
            }
          }
        } else if (state === 'quoting') {
          if (s.startsWith(quote, i)) {
            if (s.startsWith(quote, i + quote.length)) {
              column += quote;
              i += quote.length * 2;
            } else {
              row.push(column);
              column = '';
              state = 'expectDelimiter';
              i += quote.length;
            }
          } else {
            column += ch;
            i++;
          }
        } else if (state === 'expectDelimiter') {
          if (!s.startsWith(delimiter, i)) {
            return { error: `CSV Reader: Expected '${delimiter}' after '${quote}', but got '${ch}' at line ${this.lineCount}` };
          }
          state = 'next';
          i += delimiter.length;
        }
      }
      s = '';
      if (state !== 'quoting') break;
      const more = this.nextLine();
      if (more === null) {
        return { error: 'There is no more data left to load while inside a quoted string. Did you forget to close the quote?' };
      }
      line = more;
    }
    if (state === 'next') row.push('');
    if (this.columns !== 0 && row.length !== this.columns) {
      return { error: `Expected ${this.columns} columns in row ${this.lineCount}, but got ${row.length}` };
    }
    return { row };
  }
}

const CHUNK_BYTES = 64 * 1024;

/**
 * The lines of a CSV location, read in chunks (UTF-8 split safely across chunk boundaries).
 * The file is opened on the first `next()` and closed at the end or on `return()`.
 */
export function* fileLines(location: string): Generator<string> {
  const fd = openCsvFile(location);
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      pending += decoder.write(buffer.subarray(0, n));
      let at = pending.indexOf('\n');
      let start = 0;
      while (at >= 0) {
        yield pending.slice(start, at);
        start = at + 1;
        at = pending.indexOf('\n', start);
      }
      pending = pending.slice(start);
    }
    pending += decoder.end();
    if (pending !== '') yield pending;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens a CSV location with Memgraph's rules: a path (relative to the server's working
 * directory) that must exist; URLs and compressed files are refused as not supported yet.
 */
export function openCsvFile(location: string): number {
  if (/^(https?|ftp|s3):\/\//i.test(location)) throw csvError('LOAD CSV from a URL is not supported yet.');
  const resolved = path.resolve(location);
  if (!fs.existsSync(resolved)) throw csvError(`CSV file not found: ${location}`);
  let fd: number;
  try {
    fd = fs.openSync(resolved, 'r');
  } catch {
    throw csvError(`CSV file ${location} couldn't be opened!`);
  }
  const magic = Buffer.alloc(3);
  let n = 0;
  try {
    n = fs.readSync(fd, magic, 0, 3, 0);
  } catch {
    fs.closeSync(fd);
    throw csvError(`CSV file ${location} couldn't be opened!`);
  }
  if ((n >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) || (n === 3 && magic.toString('latin1') === 'BZh')) {
    fs.closeSync(fd);
    throw csvError('LOAD CSV of a compressed file is not supported yet.');
  }
  return fd;
}
