// TCK values: the literal syntax of expected-result and parameter tables, parsed into a
// small tree, and a canonical text form used to compare expected and actual values.
// Identity of nodes and relationships is not encoded (TCK README "Format of the expected results").

export type TckValue =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'list'; items: TckValue[] }
  | { kind: 'map'; entries: Map<string, TckValue> }
  | TckNode
  | TckRel
  | { kind: 'path'; start: TckNode; segments: { rel: TckRel; forward: boolean; node: TckNode }[] };

export interface TckNode {
  kind: 'node';
  labels: string[];
  props: Map<string, TckValue>;
}

export interface TckRel {
  kind: 'rel';
  type: string;
  props: Map<string, TckValue>;
}

export class TckParseError extends Error {}

/** Parses one TCK value literal (a table cell). */
export function parseTckValue(text: string): TckValue {
  const p = new LiteralParser(text);
  const v = p.value();
  p.skipSpace();
  if (!p.atEnd()) throw p.error('trailing text');
  return v;
}

class LiteralParser {
  private pos = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.pos >= this.s.length;
  }

  error(what: string): TckParseError {
    return new TckParseError(`${what} at ${this.pos} in TCK value ${JSON.stringify(this.s)}`);
  }

  skipSpace(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }

  private peek(): string {
    return this.s[this.pos] ?? '';
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.s[this.pos] !== c) throw this.error(`expected '${c}'`);
    this.pos++;
  }

  private tryTake(c: string): boolean {
    this.skipSpace();
    if (this.s.startsWith(c, this.pos)) {
      this.pos += c.length;
      return true;
    }
    return false;
  }

  value(): TckValue {
    this.skipSpace();
    const c = this.peek();
    if (c === "'" || c === '"') return { kind: 'string', value: this.string() };
    if (c === '[') return this.s.startsWith('[:', this.pos) ? this.rel() : this.list();
    if (c === '{') return { kind: 'map', entries: this.props() };
    if (c === '(') return this.node();
    if (c === '<') return this.path();
    const word = /^(?:null|true|false|NaN|-?Inf(?:inity)?)\b/.exec(this.s.slice(this.pos));
    if (word) {
      this.pos += word[0].length;
      switch (word[0]) {
        case 'null':
          return { kind: 'null' };
        case 'true':
          return { kind: 'bool', value: true };
        case 'false':
          return { kind: 'bool', value: false };
        case 'NaN':
          return { kind: 'float', value: NaN };
        default:
          return { kind: 'float', value: word[0].startsWith('-') ? -Infinity : Infinity };
      }
    }
    return this.number();
  }

  private number(): TckValue {
    const rest = this.s.slice(this.pos);
    const m = /^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?/.exec(rest);
    if (!m) throw this.error('expected a value');
    this.pos += m[0].length;
    if (/^[+-]?\d+$/.test(m[0])) return { kind: 'int', value: BigInt(m[0]) };
    return { kind: 'float', value: Number(m[0]) };
  }

  private string(): string {
    const quote = this.s[this.pos++];
    let out = '';
    for (;;) {
      if (this.atEnd()) throw this.error('unterminated string');
      const c = this.s[this.pos++];
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.pos++];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', "'": "'", '"': '"', '\\': '\\' };
      if (e in simple) out += simple[e];
      else if (e === 'u') {
        out += String.fromCharCode(parseInt(this.s.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else out += `\\${e}`;
    }
  }

  private name(): string {
    this.skipSpace();
    if (this.peek() === '`') {
      const end = this.s.indexOf('`', this.pos + 1);
      if (end < 0) throw this.error('unterminated `name`');
      const n = this.s.slice(this.pos + 1, end);
      this.pos = end + 1;
      return n;
    }
    const m = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(this.s.slice(this.pos));
    if (!m) throw this.error('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  private list(): TckValue {
    this.expect('[');
    const items: TckValue[] = [];
    if (this.tryTake(']')) return { kind: 'list', items };
    do items.push(this.value());
    while (this.tryTake(','));
    this.expect(']');
    return { kind: 'list', items };
  }

  private props(): Map<string, TckValue> {
    this.expect('{');
    const entries = new Map<string, TckValue>();
    if (this.tryTake('}')) return entries;
    do {
      const key = this.name();
      this.expect(':');
      entries.set(key, this.value());
    } while (this.tryTake(','));
    this.expect('}');
    return entries;
  }

  private node(): TckNode {
    this.expect('(');
    const labels: string[] = [];
    while (this.tryTake(':')) labels.push(this.name());
    this.skipSpace();
    const props = this.peek() === '{' ? this.props() : new Map<string, TckValue>();
    this.expect(')');
    return { kind: 'node', labels, props };
  }

  private rel(): TckRel {
    this.expect('[');
    this.expect(':');
    const type = this.name();
    this.skipSpace();
    const props = this.peek() === '{' ? this.props() : new Map<string, TckValue>();
    this.expect(']');
    return { kind: 'rel', type, props };
  }

  private path(): TckValue {
    this.expect('<');
    const start = this.node();
    const segments: { rel: TckRel; forward: boolean; node: TckNode }[] = [];
    for (;;) {
      if (this.tryTake('>')) return { kind: 'path', start, segments };
      const backward = this.tryTake('<-');
      if (!backward) this.expect('-');
      const rel = this.rel();
      this.expect('-');
      const forward = !backward && this.tryTake('>');
      if (!backward && !forward) throw this.error('undirected path segment');
      segments.push({ rel, forward, node: this.node() });
    }
  }
}

/**
 * Canonical text: equal texts ⇔ equal TCK values. Floats keep a marker so 1 ≠ 1.0, and are
 * rounded to 15 significant digits so the last-bit noise of a computation does not matter.
 */
export function canonical(v: TckValue, ignoreListOrder = false): string {
  const c = (x: TckValue): string => canonical(x, ignoreListOrder);
  const props = (m: Map<string, TckValue>): string =>
    `{${[...m.keys()].sort().map((k) => `${JSON.stringify(k)}:${c(m.get(k) as TckValue)}`).join(',')}}`;
  const node = (n: TckNode): string => `(${[...n.labels].sort().map((l) => `:${l}`).join('')}${props(n.props)})`;
  const rel = (r: TckRel): string => `[:${r.type}${props(r.props)}]`;
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return String(v.value);
    case 'int':
      return v.value.toString();
    case 'float':
      return `f${Number.isFinite(v.value) ? String(Number(v.value.toPrecision(15))) : String(v.value)}`;
    case 'string':
      return JSON.stringify(v.value);
    case 'list': {
      const items = v.items.map(c);
      if (ignoreListOrder) items.sort();
      return `[${items.join(',')}]`;
    }
    case 'map':
      return props(v.entries);
    case 'node':
      return node(v);
    case 'rel':
      return rel(v);
    case 'path':
      return `<${node(v.start)}${v.segments.map((s) => (s.forward ? `-${rel(s.rel)}->` : `<-${rel(s.rel)}-`) + node(s.node)).join('')}>`;
  }
}

/** Readable TCK-style text for reports. */
export function display(v: TckValue): string {
  const props = (m: Map<string, TckValue>): string =>
    m.size === 0 ? '' : `{${[...m].map(([k, x]) => `${k}: ${display(x)}`).join(', ')}}`;
  const node = (n: TckNode): string => `(${n.labels.map((l) => `:${l}`).join('')}${n.labels.length && n.props.size ? ' ' : ''}${props(n.props)})`;
  const rel = (r: TckRel): string => `[:${r.type}${r.props.size ? ' ' : ''}${props(r.props)}]`;
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'bool':
    case 'int':
      return String(v.value);
    case 'float':
      return Number.isInteger(v.value) ? `${v.value}.0` : String(v.value);
    case 'string':
      return `'${v.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'list':
      return `[${v.items.map(display).join(', ')}]`;
    case 'map':
      return `{${[...v.entries].map(([k, x]) => `${k}: ${display(x)}`).join(', ')}}`;
    case 'node':
      return node(v);
    case 'rel':
      return rel(v);
    case 'path':
      return `<${node(v.start)}${v.segments.map((s) => (s.forward ? `-${rel(s.rel)}->` : `<-${rel(s.rel)}-`) + node(s.node)).join('')}>`;
  }
}
