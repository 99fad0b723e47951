// A tiny typed schema language: one declaration gives the TypeScript types (as written by a
// user and after defaulting), the CRD's OpenAPI v3 structural schema, the defaults, and the
// validation rules (CEL text for the API server, the same rule as a TypeScript predicate for
// servers without CEL). Keeping all four in one place is what stops them drifting apart.

/** The subset of apiextensions v1 JSONSchemaProps we emit, with the wire names. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'boolean';
  format?: 'int32' | 'int64' | 'date-time';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema;
  enum?: readonly string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-list-type'?: 'map' | 'atomic' | 'set';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: { rule: string; message: string }[];
}

/**
 * A rule the API server checks with CEL and the operator checks with `check`. Transition
 * rules (those that mention `oldSelf`) run only on updates, when the old value exists.
 */
export interface Rule<T> {
  cel: string;
  message: string;
  check(self: T, oldSelf?: T): boolean;
  transition?: boolean;
}

type Kind = 'object' | 'array' | 'map' | 'string' | 'integer' | 'boolean' | 'intOrString' | 'opaque';

/** A schema node. `In` is the type a user writes, `Out` the type after defaulting. */
export interface Node<In, Out = In> {
  readonly kind: Kind;
  readonly json: JsonSchema;
  readonly fields?: Readonly<Record<string, AnyField>>;
  readonly element?: AnyNode;
  readonly rules: readonly Rule<never>[];
  /** Phantom: carries the types, never set. */
  readonly types?: { in: In; out: Out };
}
// Nodes and fields are covariant in their phantom types, so `unknown` holds any of them.
type AnyNode = Node<unknown, unknown>;

type Presence = 'required' | 'optional' | 'defaulted';
export interface Field<In, Out, P extends Presence> {
  readonly node: Node<In, Out>;
  readonly presence: P;
  readonly default?: unknown;
}
type AnyField = Field<unknown, unknown, Presence>;

type InOf<F> = F extends Field<infer I, unknown, Presence> ? I : never;
type OutOf<F> = F extends Field<unknown, infer O, Presence> ? O : never;
type KeysWhere<F, P extends Presence> = { [K in keyof F]: F[K] extends Field<unknown, unknown, P> ? K : never }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type ObjectIn<F extends Record<string, AnyField>> = Simplify<
  { [K in KeysWhere<F, 'required'>]: InOf<F[K]> } & { [K in KeysWhere<F, 'optional' | 'defaulted'>]?: InOf<F[K]> }
>;
export type ObjectOut<F extends Record<string, AnyField>> = Simplify<
  { [K in KeysWhere<F, 'required' | 'defaulted'>]: OutOf<F[K]> } & { [K in KeysWhere<F, 'optional'>]?: OutOf<F[K]> }
>;

export type InType<N> = N extends Node<infer I, unknown> ? I : never;
export type OutType<N> = N extends Node<unknown, infer O> ? O : never;

interface Constraints {
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  format?: 'int32' | 'int64' | 'date-time';
}

function leaf<T>(kind: Kind, json: JsonSchema): Node<T> {
  return { kind, json, rules: [] };
}

export const str = (c: Constraints = {}): Node<string> => leaf('string', { type: 'string', ...c });
export const int = (c: Constraints = {}): Node<number> => leaf('integer', { type: 'integer', format: 'int32', ...c });
export const bool = (c: Pick<Constraints, 'description'> = {}): Node<boolean> => leaf('boolean', { type: 'boolean', ...c });
export const enumOf = <const V extends string>(values: readonly V[], c: Pick<Constraints, 'description'> = {}): Node<V> =>
  leaf('string', { type: 'string', enum: values, ...c });
/** A Kubernetes quantity or any int-or-string value. */
export const intOrString = (c: Pick<Constraints, 'description' | 'pattern'> = {}): Node<string | number> =>
  leaf('intOrString', { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true, ...c });
/**
 * An object whose shape Kubernetes itself defines (affinity, tolerations): kept as is, typed
 * with the client library's type, validated by the API server when it reaches a pod.
 */
export const opaque = <T>(description: string): Node<T> =>
  leaf('opaque', { type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });

/** The root `metadata`: a CRD may not describe it beyond `type: object`. */
export const objectMeta = <T>(): Node<T> => leaf('opaque', { type: 'object' });

export const required = <I, O>(node: Node<I, O>): Field<I, O, 'required'> => ({ node, presence: 'required' });
export const optional = <I, O>(node: Node<I, O>): Field<I, O, 'optional'> => ({ node, presence: 'optional' });
export const defaulted = <I, O>(node: Node<I, O>, value: I): Field<I, O, 'defaulted'> => ({
  node,
  presence: 'defaulted',
  default: value,
});

export function obj<F extends Record<string, AnyField>>(
  fields: F,
  c: Pick<Constraints, 'description'> = {},
): Node<ObjectIn<F>, ObjectOut<F>> {
  const properties: Record<string, JsonSchema> = {};
  const req: string[] = [];
  for (const [name, f] of Object.entries(fields)) {
    properties[name] = f.presence === 'defaulted' ? { ...f.node.json, default: f.default } : f.node.json;
    if (f.presence === 'required') req.push(name);
  }
  const json: JsonSchema = { type: 'object', ...c, properties };
  if (req.length > 0) json.required = req;
  return { kind: 'object', json, fields, rules: [] };
}

// CEL rules over lists and strings need maxItems/maxLength, or the API server refuses the
// CRD for an unbounded estimated cost.
export function arr<I, O>(element: Node<I, O>, c: Pick<Constraints, 'description' | 'minItems' | 'maxItems'> = {}): Node<I[], O[]> {
  return { kind: 'array', json: { type: 'array', ...c, items: element.json }, element, rules: [] };
}

/** A list whose items are identified by `key` (`x-kubernetes-list-type: map`): server-side apply merges by it. */
export function listMap<I, O>(element: Node<I, O>, key: string, c: Pick<Constraints, 'description' | 'maxItems'> = {}): Node<I[], O[]> {
  const base = arr(element, c);
  return {
    ...base,
    json: { ...base.json, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [key] },
  };
}

export function map<I, O>(element: Node<I, O>, c: Pick<Constraints, 'description'> = {}): Node<Record<string, I>, Record<string, O>> {
  return { kind: 'map', json: { type: 'object', ...c, additionalProperties: element.json }, element, rules: [] };
}

/** Adds rules to a node; `check` sees the defaulted value, as CEL does. */
export function withRules<I, O>(node: Node<I, O>, ...rules: Rule<O>[]): Node<I, O> {
  const all = [...node.rules, ...(rules as unknown as Rule<never>[])];
  return {
    ...node,
    rules: all,
    json: { ...node.json, 'x-kubernetes-validations': all.map((r) => ({ rule: r.cel, message: r.message })) },
  };
}
