// The token cursor shared by the parser files: lookahead, keyword matching, error reporting
// and a nesting-depth guard so hostile input fails with a SyntaxError, not a stack overflow.

import { MghaError, syntaxError } from '../../errors.js';
import type { PatternPart, Pos } from '../ast.js';
import { tokenize, type Token } from '../lexer.js';

/** Deeper nesting than this is rejected (each level costs ~15 JS frames). */
const MAX_DEPTH = 300;
/**
 * Deepest AST allowed. Operator chains (`1 + 1 + …`) are parsed iteratively but build
 * left-deep trees that the analyzer and executor walk recursively, so they count too.
 */
const MAX_TREE_DEPTH = 1000;

/**
 * Words that cannot be an unquoted variable in an expression: clause and operator keywords
 * (so a misplaced keyword reads as a syntax error). Pattern variables may be any name.
 */
const RESERVED = new Set([
  'MATCH', 'OPTIONAL', 'WHERE', 'RETURN', 'WITH', 'UNWIND', 'CREATE', 'MERGE', 'SET', 'DELETE',
  'DETACH', 'REMOVE', 'FOREACH', 'CALL', 'YIELD', 'UNION', 'ORDER', 'SKIP', 'LIMIT', 'AS',
  'AND', 'OR', 'XOR', 'NOT', 'IN', 'IS', 'STARTS', 'ENDS', 'CONTAINS', 'CASE', 'WHEN', 'THEN',
  'ELSE', 'DISTINCT', 'NULL', 'TRUE', 'FALSE',
]);

export class Cursor {
  readonly tokens: Token[];
  i = 0;
  private depth = 0;
  /** Estimated depth of the AST being built: nesting levels plus operator-chain links. */
  private treeDepth = 0;
  /**
   * Results of speculative pattern parses by start token (null = not a pattern), so
   * backtracking never parses the same text as a pattern twice and stays linear.
   */
  readonly patternMemo = new Map<number, { part: PatternPart; end: number } | null>();
  /** For each opening bracket token index, the index of its matching closer (or -1). */
  readonly matching: Int32Array;

  constructor(readonly text: string) {
    this.tokens = tokenize(text);
    this.matching = matchBrackets(this.tokens);
  }

  get tok(): Token {
    return this.tokens[this.i];
  }

  peek(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)];
  }

  pos(t: Token = this.tok): Pos {
    return { line: t.line, column: t.column, offset: t.offset };
  }

  /** True if the current token is the keyword `word` (case-insensitive, unquoted). */
  isKw(word: string, n = 0): boolean {
    const t = this.peek(n);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  isPunct(p: string, n = 0): boolean {
    const t = this.peek(n);
    return t.kind === 'punct' && t.text === p;
  }

  acceptKw(word: string): boolean {
    if (!this.isKw(word)) return false;
    this.i++;
    return true;
  }

  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.i++;
    return true;
  }

  expectKw(word: string): Token {
    if (!this.isKw(word)) throw this.error(word);
    return this.tokens[this.i++];
  }

  expectPunct(p: string): Token {
    if (!this.isPunct(p)) throw this.error(`'${p}'`);
    return this.tokens[this.i++];
  }

  /** A name: any identifier (keywords allowed) or quoted identifier. Used for labels, keys, aliases. */
  isName(n = 0): boolean {
    const k = this.peek(n).kind;
    return k === 'ident' || k === 'quoted';
  }

  expectName(what = 'a name'): string {
    if (!this.isName()) throw this.error(what);
    return this.tokens[this.i++].text;
  }

  /** A variable: a name that is not a reserved word unless backtick-quoted. */
  isVariable(n = 0): boolean {
    const t = this.peek(n);
    return t.kind === 'quoted' || (t.kind === 'ident' && !RESERVED.has(t.text.toUpperCase()));
  }

  expectVariable(): string {
    if (!this.isVariable()) throw this.error('a variable name');
    return this.tokens[this.i++].text;
  }

  /** Source text from token `from` up to (excluding) the current token. */
  textFrom(from: number): string {
    const last = this.tokens[this.i - 1];
    return this.text.slice(this.tokens[from].offset, last.end);
  }

  describe(t: Token = this.tok): string {
    return t.kind === 'string' ? 'a string literal' : `'${this.text.slice(t.offset, t.end)}'`;
  }

  error(expected: string, t: Token = this.tok): MghaError {
    const found = t.kind === 'eof' ? 'Unexpected end of input' : `Invalid input ${this.describe(t)}`;
    return syntaxError(`${found}: expected ${expected}`, t.line, t.column);
  }

  errorAt(message: string, t: Token = this.tok): MghaError {
    return syntaxError(message, t.line, t.column);
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw this.errorAt(`Query is nested too deeply (more than ${MAX_DEPTH} levels)`);
    }
    this.link();
  }

  leave(): void {
    this.depth--;
    this.treeDepth--;
  }

  /** Marks one more link in an operator chain; undo with `unlink(mark)`. */
  link(): void {
    if (++this.treeDepth > MAX_TREE_DEPTH) {
      throw this.errorAt(`Expression is too deeply nested (more than ${MAX_TREE_DEPTH} levels of operators)`);
    }
  }

  chainMark(): number {
    return this.treeDepth;
  }

  unlink(mark: number): void {
    this.treeDepth = mark;
  }

  /** Runs fn one nesting level deeper. */
  nested<T>(fn: () => T): T {
    this.enter();
    try {
      return fn();
    } finally {
      this.leave();
    }
  }
}

function matchBrackets(tokens: Token[]): Int32Array {
  const out = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') stack.push(k);
    else if (pairs[t.text] !== undefined) {
      const open = stack.length > 0 ? stack[stack.length - 1] : -1;
      if (open >= 0 && tokens[open].text === pairs[t.text]) {
        stack.pop();
        out[open] = k;
      }
    }
  }
  return out;
}
