// Memgraph's statements for enums, server-side parameters and descriptions
// (memgraph.com/docs: data types → Enum, server-side parameters, server-side descriptions).
// Claimed only where the leading words cannot start Cypher (`SET PARAMETER x =` needs a
// name then `=`, unlike `SET parameter.x = 1`).

import type { MghaError } from '../../errors.js';
import type { MetadataStatement, ParameterValueExpr } from '../admin-ast.js';
import type { Expr } from '../ast.js';
import type { DescriptionTarget } from '../server-metadata.js';
import type { Value } from '../../values/model.js';
import type { Cursor } from './cursor.js';
import { parseExpression } from './expressions.js';

export function parseMetadataStatement(c: Cursor): MetadataStatement | null {
  // `CREATE ENUM` cannot start a Cypher CREATE (a pattern starts with '('), so it is always this.
  if (c.isKw('CREATE') && c.isKw('ENUM', 1)) {
    c.i += 2;
    const name = c.expectName('an enum name');
    c.expectKw('VALUES');
    c.expectPunct('{');
    const values = [c.expectName('an enum value')];
    while (c.acceptPunct(',')) values.push(c.expectName('an enum value'));
    c.expectPunct('}');
    return { kind: 'CreateEnum', name, values };
  }
  if (c.isKw('ALTER') && c.isKw('ENUM', 1)) {
    c.i += 2;
    const name = c.expectName('an enum name');
    if (c.acceptKw('ADD')) {
      c.expectKw('VALUE');
      return { kind: 'AlterEnumAdd', name, value: c.expectName('an enum value') };
    }
    c.expectKw('UPDATE');
    c.expectKw('VALUE');
    const from = c.expectName('an enum value');
    c.expectKw('TO');
    return { kind: 'AlterEnumUpdate', name, from, to: c.expectName('an enum value') };
  }
  const parameter = parameterStatement(c);
  if (parameter !== null) return parameter;
  if (c.isKw('SHOW') && c.isKw('DESCRIPTION', 1) && c.isKw('ON', 2)) {
    c.i += 3;
    return { kind: 'ShowDescription', target: descriptionTarget(c) };
  }
  if ((c.isKw('SET') || c.isKw('DELETE')) && c.isKw('DESCRIPTION', 1) && c.isKw('ON', 2)) {
    const set = c.isKw('SET');
    c.i += 3;
    const target = descriptionTarget(c);
    if (!set) return { kind: 'DeleteDescription', target };
    if (c.tok.kind !== 'string') throw c.error('the description text (a string literal)');
    return { kind: 'SetDescription', target, text: c.tokens[c.i++].text };
  }
  return null;
}

/** `[UN]SET [GLOBAL] PARAMETER name [= value]` */
function parameterStatement(c: Cursor): MetadataStatement | null {
  if (!c.isKw('SET') && !c.isKw('UNSET')) return null;
  const global = c.isKw('GLOBAL', 1);
  const at = global ? 2 : 1;
  if (!c.isKw('PARAMETER', at) || !c.isName(at + 1)) return null;
  const set = c.isKw('SET');
  if (set && !c.isPunct('=', at + 2)) return null;
  c.i += at + 1;
  const scope = global ? 'global' : 'database';
  const name = c.expectName('a parameter name');
  if (!set) return { kind: 'UnsetParameter', scope, name };
  c.expectPunct('=');
  const start = c.tok;
  return { kind: 'SetParameter', scope, name, value: parameterValue(parseExpression(c), () => c.errorAt('a literal, a list, a map or a $parameter', start)) };
}

/** Memgraph takes a literal, a list or map of them, or a client's `$parameter`. */
function parameterValue(e: Expr, bad: () => MghaError): ParameterValueExpr {
  if (e.kind === 'Parameter') return { kind: 'param', name: e.name };
  return { kind: 'value', value: constant(e, bad) };
}

function constant(e: Expr, bad: () => MghaError): Value {
  switch (e.kind) {
    case 'Literal':
      return e.value;
    case 'List':
      return e.items.map((x) => constant(x, bad));
    case 'Map':
      return new Map(e.entries.map((m) => [m.key, constant(m.value, bad)]));
    case 'Unary': {
      const v = constant(e.operand, bad);
      if (e.op === '-' && (typeof v === 'bigint' || typeof v === 'number')) return -v;
      throw bad();
    }
    default:
      throw bad();
  }
}

/** One of the description targets of Memgraph's docs. */
function descriptionTarget(c: Cursor): DescriptionTarget {
  const none = { label: null, startNodeLabels: null, endNodeLabels: null, property: null };
  if (c.acceptKw('DATABASE')) return { ...none, type: 'database', label: c.expectName('a database name') };
  if (c.isKw('LABEL') && c.isKw('PROPERTY', 1)) {
    c.i += 2;
    const label = labels(c).join(':');
    return { ...none, type: 'label property', label, property: propertyInParens(c) };
  }
  if (c.acceptKw('LABEL')) return { ...none, type: 'label', label: labels(c).join(':') };
  if (c.isKw('EDGE') && c.isKw('TYPE', 1)) {
    c.i += 2;
    const withProperty = c.acceptKw('PROPERTY');
    let target: DescriptionTarget;
    if (c.isPunct('(')) {
      // (:A)-[:T]->(:B)
      const start = endpoint(c);
      c.expectPunct('-');
      c.expectPunct('[');
      c.expectPunct(':');
      const type = c.expectName('an edge type');
      c.expectPunct(']');
      c.expectPunct('-');
      c.expectPunct('>');
      target = { ...none, type: 'edge type', label: type, startNodeLabels: start, endNodeLabels: endpoint(c) };
    } else {
      c.expectPunct(':');
      target = { ...none, type: 'edge type', label: c.expectName('an edge type') };
    }
    return withProperty ? { ...target, type: 'edge type property', property: propertyInParens(c) } : target;
  }
  if (c.acceptKw('PROPERTY')) {
    // Some Memgraph versions write a label-scoped one as PROPERTY :L(p).
    if (c.isPunct(':')) {
      const label = labels(c).join(':');
      return { ...none, type: 'label property', label, property: propertyInParens(c) };
    }
    return { ...none, type: 'property', property: c.expectName('a property name') };
  }
  throw c.error('LABEL, EDGE TYPE, LABEL PROPERTY, EDGE TYPE PROPERTY, PROPERTY or DATABASE');
}

function labels(c: Cursor): string[] {
  const out: string[] = [];
  do {
    c.expectPunct(':');
    out.push(c.expectName('a label'));
  } while (c.isPunct(':'));
  return out;
}

function endpoint(c: Cursor): string[] {
  c.expectPunct('(');
  const out = labels(c);
  c.expectPunct(')');
  return out;
}

function propertyInParens(c: Cursor): string {
  c.expectPunct('(');
  const p = c.expectName('a property name');
  c.expectPunct(')');
  return p;
}

