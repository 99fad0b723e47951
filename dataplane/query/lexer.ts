// Cypher lexer: query text → tokens. Keywords are not distinguished here (the parser matches
// identifiers case-insensitively), so a keyword can still be a label, key or alias.

import { syntaxError } from '../errors.js';

export type TokenKind =
  | 'ident' // unquoted identifier or keyword
  | 'quoted' // `backtick quoted` identifier (never a keyword)
  | 'string'
  | 'int' // magnitude only; sign and range are checked by the parser
  | 'float'
  | 'param'
  | 'punct'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Identifier/parameter name, decoded string, or the punctuation itself. */
  text: string;
  int: bigint;
  float: number;
  offset: number;
  end: number; // exclusive offset
  line: number;
  column: number;
}

// Longest first: the lexer tries these in order.
const PUNCTUATION = [
  '..', '<>', '!=', '<=', '>=', '=~', '+=',
  '(', ')', '[', ']', '{', '}', ',', '.', ':', '|', '=', '<', '>',
  '+', '-', '*', '/', '%', '^', ';', '$',
];

const ID_START_RE = /[\p{ID_Start}_]/u;
const ID_PART_RE = /[\p{ID_Continue}]/u;

// ASCII fast paths: the Unicode regexes are only consulted for non-ASCII characters.
function isIdStart(c: string): boolean {
  const k = c.charCodeAt(0);
  if (k < 128) return (k >= 65 && k <= 90) || (k >= 97 && k <= 122) || k === 95;
  return ID_START_RE.test(c);
}

function isIdPart(c: string): boolean {
  const k = c.charCodeAt(0);
  if (k < 128) return (k >= 65 && k <= 90) || (k >= 97 && k <= 122) || (k >= 48 && k <= 57) || k === 95;
  return ID_PART_RE.test(c);
}

/** Tokenizes the whole text; the last token is always `eof`. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const fail = (message: string, at: number): never => {
    // Recompute line/column for `at` (it may lie inside the current token).
    let l = line;
    let ls = lineStart;
    for (let k = ls; k < at; k++) {
      if (text.charCodeAt(k) === 10) {
        l++;
        ls = k + 1;
      }
    }
    throw syntaxError(message, l, at - ls + 1);
  };
  const push = (kind: TokenKind, start: number, end: number, value: string, int = 0n, float = 0): void => {
    tokens.push({ kind, text: value, int, float, offset: start, end, line, column: start - lineStart + 1 });
  };
  // Advances over text[from, to) keeping line bookkeeping right.
  const skipTo = (to: number): void => {
    for (; i < to; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
  };

  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v' || (c > '\x7f' && /\s/u.test(c))) {
      skipTo(i + 1);
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      skipTo(nl < 0 ? text.length : nl);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) fail('Unterminated comment: expected */', i);
      skipTo(close + 2);
      continue;
    }
    const start = i;
    // Strings and quoted names may span lines: push (at the start position) before skipping.
    if (c === '"' || c === "'") {
      const value = readString(text, i, fail);
      push('string', start, value.end, value.text);
      skipTo(value.end);
      continue;
    }
    if (c === '`') {
      let value = '';
      let k = i + 1;
      for (;;) {
        const close = text.indexOf('`', k);
        if (close < 0) fail('Unterminated quoted identifier: expected `', start);
        value += text.slice(k, close);
        if (text[close + 1] === '`') {
          value += '`';
          k = close + 2;
        } else {
          k = close + 1;
          break;
        }
      }
      push('quoted', start, k, value);
      skipTo(k);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      i = readNumber(text, i, fail, push);
      continue;
    }
    // Memgraph's `$(expression)` (dynamic labels): a bare `$` before `(`.
    if (c === '$' && text[i + 1] === '(') {
      i++;
      push('punct', start, i, '$');
      continue;
    }
    if (c === '$') {
      i++;
      if (text[i] === '`') {
        const close = text.indexOf('`', i + 1);
        if (close < 0) fail('Unterminated quoted parameter name: expected `', i);
        const name = text.slice(i + 1, close);
        i = close + 1;
        push('param', start, i, name);
        continue;
      }
      const nameStart = i;
      while (i < text.length && isIdPart(text[i])) i++;
      if (i === nameStart) fail("Invalid input: expected a parameter name after '$'", nameStart);
      push('param', start, i, text.slice(nameStart, i));
      continue;
    }
    if (isIdStart(c)) {
      i++;
      while (i < text.length && isIdPart(text[i])) i++;
      push('ident', start, i, text.slice(start, i));
      continue;
    }
    const p = PUNCTUATION.find((op) => text.startsWith(op, i));
    if (p === undefined) fail(`Invalid input '${c}'`, i);
    i += p!.length;
    push('punct', start, i, p === '!=' ? '<>' : p!);
  }
  tokens.push({ kind: 'eof', text: '', int: 0n, float: 0, offset: i, end: i, line, column: i - lineStart + 1 });
  return tokens;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

type Fail = (message: string, at: number) => never;

function readNumber(
  text: string,
  start: number,
  fail: Fail,
  push: (kind: TokenKind, start: number, end: number, value: string, int?: bigint, float?: number) => void,
): number {
  let i = start;
  const wordEnd = (from: number): number => {
    let k = from;
    while (k < text.length && isIdPart(text[k])) k++;
    return k;
  };
  const radix = text[i] === '0' ? (text[i + 1] === 'x' || text[i + 1] === 'X' ? 16 : text[i + 1] === 'o' ? 8 : 0) : 0;
  if (radix !== 0) {
    const end = wordEnd(i + 2);
    const digits = text.slice(i + 2, end);
    const valid = radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/;
    if (!valid.test(digits)) fail(`Invalid number literal '${text.slice(start, end)}'`, start);
    return pushInt(BigInt((radix === 16 ? '0x' : '0o') + digits), end);
  }
  while (isDigit(text[i] ?? '')) i++;
  let isFloat = false;
  if (text[i] === '.' && isDigit(text[i + 1] ?? '')) {
    isFloat = true;
    i++;
    while (isDigit(text[i] ?? '')) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    let k = i + 1;
    if (text[k] === '-' || text[k] === '+') k++;
    if (isDigit(text[k] ?? '')) {
      isFloat = true;
      i = k;
      while (isDigit(text[i] ?? '')) i++;
    }
  }
  const end = wordEnd(i);
  if (end !== i) fail(`Invalid number literal '${text.slice(start, end)}'`, start);
  const literal = text.slice(start, i);
  if (isFloat) {
    const value = Number(literal);
    if (!Number.isFinite(value)) fail(`Floating point number is too large: '${literal}'`, start);
    push('float', start, i, literal, 0n, value);
    return i;
  }
  // openCypher 9 / Memgraph legacy octal: a leading zero means base 8 (`017` = 15).
  if (literal.length > 1 && literal[0] === '0') {
    if (!/^[0-7]+$/.test(literal)) fail(`Invalid number literal '${literal}'`, start);
    return pushInt(BigInt('0o' + literal.slice(1)), i);
  }
  return pushInt(BigInt(literal), i);

  function pushInt(value: bigint, end: number): number {
    push('int', start, end, text.slice(start, end), value);
    return end;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '/': '/',
};

function readString(text: string, start: number, fail: Fail): { text: string; end: number } {
  const quote = text[start];
  let out = '';
  let i = start + 1;
  let chunk = i;
  for (;;) {
    if (i >= text.length) fail('Unterminated string literal', start);
    const c = text[i];
    if (c === quote) {
      out += text.slice(chunk, i);
      return { text: out, end: i + 1 };
    }
    if (c !== '\\') {
      i++;
      continue;
    }
    out += text.slice(chunk, i);
    const e = text[i + 1];
    if (e === undefined) fail('Unterminated string literal', start);
    if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const hex = text.slice(i + 2, i + 2 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) {
        fail(`Invalid unicode escape '\\${e}${hex}': expected ${len} hexadecimal digits`, i);
      }
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) fail(`Invalid unicode character '\\${e}${hex}'`, i);
      out += String.fromCodePoint(code);
      i += 2 + len;
    } else if (SIMPLE_ESCAPES[e] !== undefined) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else {
      // Unknown escapes keep the backslash (regex text like '\d' stays usable, as in Neo4j).
      out += '\\' + e;
      i += 2;
    }
    chunk = i;
  }
}
