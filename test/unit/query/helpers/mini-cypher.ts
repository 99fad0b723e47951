// A tiny evaluator for the expression-only queries of the TCK temporal features
// (`WITH e AS x RETURN f(x) AS y`), so the function library can be checked against the
// TCK tables before the real parser and executor exist. Not a Cypher implementation:
// literals, maps, lists, function calls, property access, + - * /, comparisons `=` `<` `>`.

import { lookupFunction } from '../../../../dataplane/query/functions/index.js';
import { add, divide, multiply, negate, subtract } from '../../../../dataplane/query/operators.js';
import { temporalComponent } from '../../../../dataplane/values/temporal.js';
import { compare, equals } from '../../../../dataplane/values/ops.js';
import type { Value } from '../../../../dataplane/values/model.js';

type Token = { t: 'num' | 'str' | 'id' | 'p'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\d+\.\d+(?:[eE][+-]?\d+)?|\d+)|'((?:[^'\\]|\\.)*)'|([A-Za-z_][A-Za-z_0-9]*)|(<=|>=|<>|[{}()[\],:.+\-*/=<>]))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (m === null) throw new Error(`cannot tokenize at: ${src.slice(pos, pos + 20)}`);
    pos = re.lastIndex;
    if (m[1] !== undefined) out.push({ t: 'num', v: m[1] });
    else if (m[2] !== undefined) out.push({ t: 'str', v: m[2].replace(/\\(.)/g, '$1') });
    else if (m[3] !== undefined) out.push({ t: 'id', v: m[3] });
    else out.push({ t: 'p', v: m[4] });
  }
  return out;
}

export class MiniEvaluator {
  private toks: Token[] = [];
  private i = 0;
  constructor(
    private readonly env: Map<string, Value>,
    private readonly statementTime = Date.UTC(2024, 0, 1),
  ) {}

  evaluate(src: string): Value {
    this.toks = tokenize(src);
    this.i = 0;
    const v = this.expr();
    if (this.i !== this.toks.length) throw new Error(`trailing input in: ${src}`);
    return v;
  }

  private peek(v?: string): boolean {
    const t = this.toks[this.i];
    return t !== undefined && (v === undefined || (t.t === 'p' && t.v === v));
  }

  private eat(v: string): void {
    if (!this.peek(v)) throw new Error(`expected ${v} at token ${this.i}`);
    this.i++;
  }

  private expr(): Value {
    const left = this.additive();
    for (const op of ['=', '<>', '<=', '>=', '<', '>']) {
      if (this.peek(op)) {
        this.i++;
        const right = this.additive();
        if (op === '=') return equals(left, right);
        if (op === '<>') {
          const e = equals(left, right);
          return e === null ? null : !e;
        }
        const c = compare(left, right);
        if (c === null) return null;
        return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
      }
    }
    return left;
  }

  private additive(): Value {
    let v = this.mult();
    while (this.peek('+') || this.peek('-')) {
      const op = this.toks[this.i++].v;
      const r = this.mult();
      v = op === '+' ? add(v, r) : subtract(v, r);
    }
    return v;
  }

  private mult(): Value {
    let v = this.unary();
    while (this.peek('*') || this.peek('/')) {
      const op = this.toks[this.i++].v;
      const r = this.unary();
      v = op === '*' ? multiply(v, r) : divide(v, r);
    }
    return v;
  }

  private unary(): Value {
    if (this.peek('-')) {
      this.i++;
      return negate(this.unary());
    }
    return this.postfix();
  }

  private postfix(): Value {
    let v = this.primary();
    while (this.peek('.')) {
      this.i++;
      const key = this.toks[this.i++].v;
      v = v === null ? null : v instanceof Map ? (v.get(key) ?? null) : (temporalComponent(v, key) ?? null);
    }
    return v;
  }

  private primary(): Value {
    const t = this.toks[this.i++];
    if (t === undefined) throw new Error('unexpected end');
    if (t.t === 'num') return t.v.includes('.') || /e/i.test(t.v) ? Number(t.v) : BigInt(t.v);
    if (t.t === 'str') return t.v;
    if (t.t === 'p' && t.v === '(') {
      const v = this.expr();
      this.eat(')');
      return v;
    }
    if (t.t === 'p' && t.v === '[') {
      const items: Value[] = [];
      while (!this.peek(']')) {
        items.push(this.expr());
        if (this.peek(',')) this.i++;
      }
      this.eat(']');
      return items;
    }
    if (t.t === 'p' && t.v === '{') {
      const m = new Map<string, Value>();
      while (!this.peek('}')) {
        const key = this.toks[this.i++].v;
        this.eat(':');
        m.set(key, this.expr());
        if (this.peek(',')) this.i++;
      }
      this.eat('}');
      return m;
    }
    if (t.t === 'id') {
      const lower = t.v.toLowerCase();
      if (lower === 'null') return null;
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      // A dotted name followed by '(' is a function; otherwise a variable (+ properties).
      let name = t.v;
      let j = this.i;
      while (this.toks[j]?.v === '.' && this.toks[j + 1]?.t === 'id') {
        name += `.${this.toks[j + 1].v}`;
        j += 2;
      }
      if (this.toks[j]?.v === '(') {
        this.i = j + 1;
        const args: Value[] = [];
        while (!this.peek(')')) {
          args.push(this.expr());
          if (this.peek(',')) this.i++;
        }
        this.eat(')');
        const f = lookupFunction(name);
        if (f === undefined) throw new Error(`unknown function ${name}`);
        return f.fn(args, { statementTime: this.statementTime, nodeById: () => null });
      }
      if (!this.env.has(t.v)) throw new Error(`unknown variable ${t.v}`);
      return this.env.get(t.v) as Value;
    }
    throw new Error(`unexpected token ${t.v}`);
  }
}

/** Splits `a AS x, f(b, c) AS y` at top-level commas into [expression, alias] pairs. */
export function projections(text: string): [string, string][] {
  const parts: string[] = [];
  let depth = 0;
  let inStr = false;
  let start = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (c === "'" && text[k - 1] !== '\\') inStr = !inStr;
    if (inStr) continue;
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      parts.push(text.slice(start, k));
      start = k + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => {
    const m = /^([\s\S]*?)\s+AS\s+(\w+)\s*$/i.exec(p.trim());
    return m === null ? [p.trim(), p.trim()] : [m[1], m[2]];
  });
}
