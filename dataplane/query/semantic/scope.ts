// Variable scopes and what is statically known about values, shared by the semantic checks.

import { syntaxError } from '../../errors.js';
import type { Expr, Pos } from '../ast.js';

/** What is statically known about a variable's value. */
export type VarType = 'node' | 'rel' | 'relList' | 'path' | 'any' | 'bool' | 'int' | 'float' | 'string' | 'list' | 'map' | 'null';
export type Scope = Map<string, VarType>;

export const NOT_A_MAP: ReadonlySet<VarType> = new Set(['bool', 'int', 'float', 'string', 'list']);

/** Throws the compile-time SyntaxError the TCK expects; `kind` is the TCK's error detail. */
export function fail(kind: string, message: string, pos: Pos | null): never {
  throw syntaxError(`${message} [${kind}]`, pos?.line ?? 1, pos?.column ?? 1);
}

export function requireVariable(name: string, scope: Scope, pos: Pos): void {
  if (!scope.has(name)) fail('UndefinedVariable', `Variable \`${name}\` not defined`, pos);
}

export function staticType(e: Expr, scope: Scope): VarType {
  switch (e.kind) {
    case 'Literal': {
      const v = e.value;
      if (v === null) return 'null';
      if (typeof v === 'boolean') return 'bool';
      if (typeof v === 'bigint') return 'int';
      if (typeof v === 'number') return 'float';
      if (typeof v === 'string') return 'string';
      return 'any';
    }
    case 'List':
    case 'ListComprehension':
    case 'PatternComprehension':
      return 'list';
    case 'Map':
    case 'MapProjection':
      return 'map';
    case 'Variable':
      return scope.get(e.name) ?? 'any';
    default:
      return 'any';
  }
}

/** The element kind of a list literal whose items all have the same known kind. */
export function elementType(list: Expr, scope: Scope): VarType {
  if (list.kind !== 'List' || list.items.length === 0) return 'any';
  const first = staticType(list.items[0], scope);
  return list.items.every((x) => staticType(x, scope) === first) ? first : 'any';
}

export function withLocals(scope: Scope, names: string[]): Scope {
  if (names.length === 0) return scope;
  const inner: Scope = new Map(scope);
  for (const n of names) if (!inner.has(n)) inner.set(n, 'any');
  return inner;
}
