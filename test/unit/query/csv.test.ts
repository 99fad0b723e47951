// LOAD CSV's row parser (Memgraph's rules and texts) and chunked file reader.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CsvParser, fileLines, type CsvOptions } from '../../../dataplane/query/csv.js';

const defaults: CsvOptions = { header: false, ignoreBad: false, delimiter: ',', quote: '"' };

function rows(text: string, options: Partial<CsvOptions> = {}): { header: string[] | null; rows: string[][] } {
  const parser = new CsvParser(text.split('\n')[Symbol.iterator](), { ...defaults, ...options });
  parser.readHeader('test.csv');
  const out: string[][] = [];
  for (let r = parser.next(); r !== null; r = parser.next()) out.push(r);
  return { header: parser.header, rows: out };
}

test('plain, quoted, escaped and empty fields; CRLF line ends', () => {
  expect(rows('a,"b,c","d""e",,\r\n1,2,3,4,5').rows).toEqual([
    ['a', 'b,c', 'd"e', '', ''],
    ['1', '2', '3', '4', '5'],
  ]);
});

test('a quoted field spans lines, whose breaks Memgraph drops', () => {
  expect(rows('"one\ntwo",x').rows).toEqual([['onetwo', 'x']]);
});

test('multi-character delimiter and quote', () => {
  expect(rows("a::'b::c'::d", { delimiter: '::', quote: "'" }).rows).toEqual([['a', 'b::c', 'd']]);
});

test('header: column count enforced with Memgraph\'s text; IGNORE BAD skips the bad rows', () => {
  expect(rows('a,b\n1,2', { header: true })).toEqual({ header: ['a', 'b'], rows: [['1', '2']] });
  expect(() => rows('a,b\n1,2\n3', { header: true })).toThrow('CSV Reader: Bad row at line 3: Expected 2 columns in row 3, but got 1');
  expect(rows('a,b\n1\n2,3\n4,5,6\n7,8', { header: true, ignoreBad: true }).rows).toEqual([
    ['2', '3'],
    ['7', '8'],
  ]);
});

test('bad quoting and unclosed quotes answer with Memgraph\'s texts', () => {
  expect(() => rows('"a"b')).toThrow("CSV Reader: Bad row at line 1: CSV Reader: Expected ',' after '\"', but got 'b' at line 1");
  expect(() => rows('"abc')).toThrow(
    'CSV Reader: Bad row at line 1: There is no more data left to load while inside a quoted string. Did you forget to close the quote?',
  );
  expect(() => rows('', { header: true })).toThrow('CSV file test.csv empty!');
});

test('fileLines streams a file in chunks and closes it when stopped early', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-csv-'));
  try {
    const file = path.join(dir, 'big.csv');
    // Multi-byte characters straddle the 64 KiB chunk boundaries.
    const line = 'žluťoučký,kůň,' + 'x'.repeat(50);
    fs.writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `${line}${i}`).join('\n') + '\n');
    let count = 0;
    let last = '';
    for (const l of fileLines(file)) {
      count++;
      last = l;
    }
    expect(count).toBe(5000);
    expect(last).toBe(`${line}4999`);
    const early = fileLines(file);
    expect(early.next().value).toBe(`${line}0`);
    early.return(undefined);
    expect(() => [...fileLines(path.join(dir, 'missing.csv'))]).toThrow(`CSV file not found: ${path.join(dir, 'missing.csv')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
