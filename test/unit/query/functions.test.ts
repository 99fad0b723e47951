import { Codes } from '../../../dataplane/errors.js';
import {
  isAggregateFunctionName,
  lookupFunction,
  type FunctionContext,
} from '../../../dataplane/query/functions/index.js';
import {
  CypherDate,
  CypherPoint,
  MaterializedNode,
  MaterializedRelationship,
  PathValue,
  type NodeValue,
  type Value,
} from '../../../dataplane/values/model.js';
import { codeOf } from './helpers/errors.js';

const a = new MaterializedNode(1, ['A', 'B'], new Map<string, Value>([['name', 'a'], ['n', 1n]]));
const b = new MaterializedNode(2, [], new Map());
const r = new MaterializedRelationship(7, 1, 2, 'KNOWS', new Map<string, Value>([['since', 2020n]]));
const nodes = new Map<number, NodeValue>([
  [1, a],
  [2, b],
]);
const ctx: FunctionContext = { statementTime: 1_700_000_000_123, nodeById: (id) => nodes.get(id) ?? null };

function call(name: string, ...args: Value[]): Value {
  const f = lookupFunction(name);
  if (f === undefined) throw new Error(`no function ${name}`);
  if (args.length < f.minArgs || args.length > f.maxArgs) throw new Error(`bad arity for ${name}`);
  return f.fn(args, ctx);
}

describe('registry', () => {
  test('lookup is case-insensitive and knows dotted names', () => {
    expect(lookupFunction('toLower')?.name).toBe('tolower');
    expect(lookupFunction('TOUPPER')).toBeDefined();
    expect(lookupFunction('date.truncate')?.maxArgs).toBe(3);
    expect(lookupFunction('duration.between')).toBeDefined();
    expect(lookupFunction('nope')).toBeUndefined();
  });

  test('aggregates are recognised but not registered as scalars', () => {
    for (const n of ['count', 'SUM', 'avg', 'min', 'max', 'collect', 'stDev', 'percentileCont']) {
      expect(isAggregateFunctionName(n)).toBe(true);
    }
    expect(isAggregateFunctionName('size')).toBe(false);
    expect(lookupFunction('count')).toBeUndefined();
  });
});

describe('graph functions', () => {
  test('id, elementId, labels, type, properties, keys', () => {
    expect(call('id', a)).toBe(1n);
    expect(call('id', r)).toBe(7n);
    expect(call('elementId', a)).toBe('1');
    expect(call('labels', a)).toEqual(['A', 'B']);
    expect(call('type', r)).toBe('KNOWS');
    expect(call('properties', a)).toEqual(new Map<string, Value>([['name', 'a'], ['n', 1n]]));
    expect(call('keys', r)).toEqual(['since']);
    expect(call('keys', new Map<string, Value>([['x', 1n]]))).toEqual(['x']);
  });

  test('startNode/endNode resolve through the context', () => {
    expect(call('startNode', r)).toBe(a);
    expect(call('endNode', r)).toBe(b);
  });

  test('path functions', () => {
    const p = new PathValue([a, b], [r]);
    expect(call('nodes', p)).toEqual([a, b]);
    expect(call('relationships', p)).toEqual([r]);
    expect(call('length', p)).toBe(1n);
    expect(call('length', new PathValue([a], []))).toBe(0n);
  });

  test('null in, null out; wrong type is a TypeError', () => {
    for (const n of ['id', 'labels', 'type', 'properties', 'keys', 'startNode', 'nodes']) {
      expect(call(n, null)).toBeNull();
    }
    expect(codeOf(() => call('labels', r))).toBe(Codes.TypeError);
    expect(codeOf(() => call('type', a))).toBe(Codes.TypeError);
    expect(codeOf(() => call('id', 1n))).toBe(Codes.TypeError);
  });
});

describe('list functions', () => {
  test('size, head, last, tail, reverse', () => {
    expect(call('size', [1n, 2n])).toBe(2n);
    expect(call('size', 'héllo')).toBe(5n);
    expect(call('head', [1n, 2n])).toBe(1n);
    expect(call('head', [])).toBeNull();
    expect(call('last', [1n, 2n])).toBe(2n);
    expect(call('last', [])).toBeNull();
    expect(call('tail', [1n, 2n, 3n])).toEqual([2n, 3n]);
    expect(call('tail', [])).toEqual([]);
    expect(call('reverse', [1n, 2n])).toEqual([2n, 1n]);
    expect(call('reverse', 'raksO')).toBe('Oskar');
  });

  test('range with and without step', () => {
    expect(call('range', 0n, 3n)).toEqual([0n, 1n, 2n, 3n]);
    expect(call('range', 0n, 10n, 3n)).toEqual([0n, 3n, 6n, 9n]);
    expect(call('range', 5n, 1n, -2n)).toEqual([5n, 3n, 1n]);
    expect(call('range', 0n, 1n, -123n)).toEqual([]);
    expect(call('range', 3n, 0n)).toEqual([]);
    expect(codeOf(() => call('range', 0n, 3n, 0n))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('range', 0n, 1.5))).toBe(Codes.ArgumentError); // TCK List11 [5]: InvalidArgumentType is an ArgumentError
  });

  test('coalesce returns the first non-null', () => {
    expect(call('coalesce', null, null, 3n, 4n)).toBe(3n);
    expect(call('coalesce', null)).toBeNull();
  });

  test('Memgraph extras: length of lists/strings/maps, toSet, uniformSample, values', () => {
    expect(call('length', [1n, 2n])).toBe(2n);
    expect(call('length', 'abc')).toBe(3n);
    expect(call('size', new Map<string, Value>([['a', 1n]]))).toBe(1n);
    expect(call('toSet', [1n, 1.0, 'a', 2n, 'a', null, null])).toEqual([1n, 'a', 2n, null]);
    const sample = call('uniformSample', [1n, 2n, 3n], 5n) as Value[];
    expect(sample).toHaveLength(5);
    for (const x of sample) expect([1n, 2n, 3n]).toContain(x);
    expect(call('uniformSample', [], 3n)).toEqual([]);
    expect(call('values', a)).toEqual(['a', 1n]);
    expect(call('isEmpty', [])).toBe(true);
    expect(call('isEmpty', new Map<string, Value>([['a', 1n]]))).toBe(false);
    expect(call('char_length', 'héllo')).toBe(5n);
  });
});

describe('string functions', () => {
  test('case and trimming', () => {
    expect(call('toLower', 'ABc')).toBe('abc');
    expect(call('lower', 'ABc')).toBe('abc');
    expect(call('toUpper', 'abC')).toBe('ABC');
    expect(call('upper', 'abC')).toBe('ABC');
    expect(call('trim', '  a b  ')).toBe('a b');
    expect(call('lTrim', '  a ')).toBe('a ');
    expect(call('rTrim', ' a  ')).toBe(' a');
  });

  test('substring is 0-based; left/right; negative is an ArgumentError', () => {
    expect(call('substring', '0123456789', 1n)).toBe('123456789');
    expect(call('substring', '0123456789', 1n, 3n)).toBe('123');
    expect(call('substring', 'abc', 5n)).toBe('');
    expect(call('left', 'hello', 2n)).toBe('he');
    expect(call('right', 'hello', 2n)).toBe('lo');
    expect(call('right', 'hi', 5n)).toBe('hi');
    expect(codeOf(() => call('substring', 'abc', -1n))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('left', 'abc', -1n))).toBe(Codes.ArgumentError);
    expect(call('substring', null, 1n)).toBeNull();
  });

  test('replace, split, contains/startsWith/endsWith', () => {
    expect(call('replace', 'hello', 'l', 'L')).toBe('heLLo');
    expect(call('split', 'a,b,,c', ',')).toEqual(['a', 'b', '', 'c']);
    expect(call('split', 'abc', '')).toEqual(['a', 'b', 'c']);
    expect(call('split', 'a-b_c', ['-', '_'])).toEqual(['a', 'b', 'c']);
    expect(call('contains', 'abc', 'b')).toBe(true);
    expect(call('startsWith', 'abc', 'ab')).toBe(true);
    expect(call('endsWith', 'abc', 'ab')).toBe(false);
    expect(call('replace', 'a', null, 'b')).toBeNull();
  });

  test('string functions reject non-strings', () => {
    expect(codeOf(() => call('toLower', 1n))).toBe(Codes.TypeError);
    expect(codeOf(() => call('split', 1n, ','))).toBe(Codes.TypeError);
  });
});

describe('conversion functions', () => {
  test('toInteger', () => {
    expect(call('toInteger', 82.9)).toBe(82n);
    expect(call('toInteger', -2.9)).toBe(-2n);
    expect(call('toInteger', '42')).toBe(42n);
    expect(call('toInteger', '1.7')).toBe(1n);
    expect(call('toInteger', 'foo')).toBeNull();
    expect(call('toInteger', '')).toBeNull();
    expect(call('toInteger', true)).toBe(1n);
    expect(call('toInteger', '9223372036854775807')).toBe(9223372036854775807n);
    expect(codeOf(() => call('toInteger', []))).toBe(Codes.TypeError);
    expect(codeOf(() => call('toInteger', a))).toBe(Codes.TypeError);
    expect(call('toIntegerOrNull', [])).toBeNull();
  });

  test('toFloat', () => {
    expect(call('toFloat', 3n)).toBe(3);
    expect(call('toFloat', '5')).toBe(5);
    expect(call('toFloat', '1e3')).toBe(1000);
    expect(call('toFloat', 'foo')).toBeNull();
    expect(codeOf(() => call('toFloat', true))).toBe(Codes.TypeError);
    expect(call('toFloatOrNull', true)).toBeNull();
  });

  test('toString', () => {
    expect(call('toString', 42n)).toBe('42');
    expect(call('toString', 2.3)).toBe('2.3');
    expect(call('toString', 4.0)).toBe('4.0');
    expect(call('toString', true)).toBe('true');
    expect(call('toString', 'apa')).toBe('apa');
    expect(call('toString', new CypherDate(0))).toBe('1970-01-01');
    expect(call('toString', new CypherPoint(7203, 1, 2))).toBe("point({x: 1.0, y: 2.0, crs: 'cartesian'})");
    expect(codeOf(() => call('toString', []))).toBe(Codes.TypeError);
    expect(codeOf(() => call('toString', new Map()))).toBe(Codes.TypeError);
    expect(call('toStringOrNull', a)).toBeNull();
  });

  test('toBoolean', () => {
    expect(call('toBoolean', 'true')).toBe(true);
    expect(call('toBoolean', 'FALSE')).toBe(false);
    expect(call('toBoolean', ' tru ')).toBeNull();
    expect(call('toBoolean', 0n)).toBe(false);
    expect(call('toBoolean', 'T')).toBe(true);
    expect(call('toBoolean', 'f')).toBe(false);
    expect(codeOf(() => call('toBoolean', 1.0))).toBe(Codes.TypeError);
  });

  test('list conversions turn bad elements into null', () => {
    expect(call('toIntegerList', ['1', 'x', null, 2.5])).toEqual([1n, null, null, 2n]);
    expect(call('toStringList', [1n, [], 'a'])).toEqual(['1', null, 'a']);
  });

  test('valueType', () => {
    expect(call('valueType', 1n)).toBe('INTEGER');
    expect(call('valueType', null)).toBe('NULL');
    expect(call('valueType', [1n])).toBe('LIST');
    expect(call('valueType', a)).toBe('NODE');
  });
});

describe('math functions', () => {
  test('abs and sign keep integers', () => {
    expect(call('abs', -1n)).toBe(1n);
    expect(call('abs', -1.5)).toBe(1.5);
    expect(call('sign', -5n)).toBe(-1n);
    expect(call('sign', 0.5)).toBe(1n);
    expect(codeOf(() => call('abs', -(2n ** 63n)))).toBe(Codes.ArithmeticError);
  });

  test('ceil, floor, sqrt return floats', () => {
    expect(call('ceil', 0.1)).toBe(1);
    expect(call('floor', 0.9)).toBe(0);
    expect(call('floor', 3n)).toBe(3);
    expect(call('sqrt', 12.96)).toBeCloseTo(3.6, 12);
  });

  test('round: ties away from zero, precision and modes', () => {
    expect(call('round', 2.5)).toBe(3);
    expect(call('round', -2.5)).toBe(-3);
    expect(call('round', -0.4)).toBe(0);
    expect(Object.is(call('round', -0.4), -0)).toBe(false);
    expect(call('round', 3.141592, 3n)).toBe(3.142);
    expect(call('round', 1.285, 2n)).toBe(1.29);
    expect(call('round', 2.5, 0n, 'HALF_EVEN')).toBe(2);
    expect(call('round', 2.51, 0n, 'DOWN')).toBe(2);
    expect(call('round', -2.1, 0n, 'CEILING')).toBe(-2);
    expect(call('round', 1234.5, -2n)).toBe(1200);
    expect(codeOf(() => call('round', 1.5, 0n, 'SIDEWAYS'))).toBe(Codes.ArgumentError);
  });

  test('logs, trig, constants', () => {
    expect(call('log', 0n)).toBe(-Infinity);
    expect(Number.isNaN(call('log', -1n))).toBe(true);
    expect(call('log10', 100n)).toBe(2);
    expect(call('exp', 0n)).toBe(1);
    expect(call('atan2', 1n, 1n)).toBeCloseTo(Math.PI / 4, 12);
    expect(call('degrees', Math.PI)).toBe(180);
    expect(call('radians', 180n)).toBe(Math.PI);
    expect(call('pi')).toBe(Math.PI);
    expect(call('e')).toBe(Math.E);
    const x = call('rand') as number;
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x).toBeLessThan(1);
    expect(codeOf(() => call('sqrt', 'x'))).toBe(Codes.TypeError);
    expect(call('sin', null)).toBeNull();
  });
});

describe('spatial and misc', () => {
  test('point construction picks the SRID', () => {
    expect(call('point', new Map<string, Value>([['x', 1n], ['y', 2.5]]))).toEqual(new CypherPoint(7203, 1, 2.5));
    expect(call('point', new Map<string, Value>([['x', 1n], ['y', 2n], ['z', 3n]]))).toEqual(new CypherPoint(9157, 1, 2, 3));
    expect(call('point', new Map<string, Value>([['longitude', 12.5], ['latitude', 56n]]))).toEqual(
      new CypherPoint(4326, 12.5, 56),
    );
    expect(call('point', new Map<string, Value>([['x', 1n], ['y', 2n], ['crs', 'WGS-84']]))).toEqual(
      new CypherPoint(4326, 1, 2),
    );
    expect(call('point', new Map<string, Value>([['x', 1n], ['y', null]]))).toBeNull();
    expect(codeOf(() => call('point', new Map<string, Value>([['x', 1n]])))).toBe(Codes.ArgumentError);
    expect(codeOf(() => call('point', new Map<string, Value>([['x', 1n], ['y', 2n], ['crs', 'mars']])))).toBe(
      Codes.ArgumentError,
    );
  });

  test('distance: cartesian, geographic, mixed', () => {
    expect(call('point.distance', new CypherPoint(7203, 0, 0), new CypherPoint(7203, 3, 4))).toBe(5);
    const malmo = new CypherPoint(4326, 13.0, 55.6);
    const stockholm = new CypherPoint(4326, 18.07, 59.33);
    const d = call('distance', malmo, stockholm) as number;
    expect(d).toBeGreaterThan(500_000);
    expect(d).toBeLessThan(530_000);
    expect(call('distance', malmo, new CypherPoint(7203, 0, 0))).toBeNull();
  });

  test('point.withinBBox', () => {
    const ll = new CypherPoint(7203, 0, 0);
    const ur = new CypherPoint(7203, 10, 10);
    expect(call('point.withinBBox', new CypherPoint(7203, 5, 5), ll, ur)).toBe(true);
    expect(call('point.withinBBox', new CypherPoint(7203, 11, 5), ll, ur)).toBe(false);
    expect(call('point.withinBBox', new CypherPoint(4326, 5, 5), ll, ur)).toBeNull();
    const west = new CypherPoint(4326, 170, -10);
    const east = new CypherPoint(4326, -170, 10);
    expect(call('point.withinBBox', new CypherPoint(4326, 179, 0), west, east)).toBe(true);
    expect(call('point.withinBBox', new CypherPoint(4326, 0, 0), west, east)).toBe(false);
  });

  test('counter counts per name within one statement context', () => {
    const f = lookupFunction('counter');
    const stmt: FunctionContext = { statementTime: 0, nodeById: () => null };
    const next = (name: string, c: FunctionContext = stmt): Value => f?.fn([name, 10n, 5n], c) ?? null;
    expect([next('a'), next('a'), next('b'), next('a')]).toEqual([10n, 15n, 10n, 20n]);
    expect(next('a', { statementTime: 0, nodeById: () => null })).toBe(10n);
    expect(codeOf(() => f?.fn(['a', 1n, 0n], stmt))).toBe(Codes.ArgumentError);
  });

  test('assert passes true through and fails otherwise', () => {
    expect(call('assert', true)).toBe(true);
    expect(() => call('assert', false, 'boom')).toThrow('boom');
    expect(codeOf(() => call('assert', null))).toBe(Codes.MemgraphClientError);
    expect(codeOf(() => call('assert', 1n))).toBe(Codes.TypeError);
  });

  test('timestamp is the statement time; randomUUID is a UUID; exists', () => {
    expect(call('timestamp')).toBe(1_700_000_000_123_000n); // microseconds, like Memgraph
    expect(call('randomUUID')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(call('exists', 1n)).toBe(true);
    expect(call('exists', null)).toBe(false);
  });
});
