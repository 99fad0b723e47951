import neo4j from 'neo4j-driver';
import { canonical, display, parseTckValue } from './values.js';
import { formatDuration, fromDriver, toDriver } from './driver-values.js';
import { loadScenarios, parseFeature } from './features.js';
import { tckFeaturesDir } from './location.js';
import { repoRoot } from '../helpers/server.js';

const c = (s: string, ignore = false) => canonical(parseTckValue(s), ignore);

describe('TCK literals', () => {
  test('integers and floats are distinct', () => {
    expect(c('1')).not.toBe(c('1.0'));
    expect(c('1.0')).toBe(c('1.00'));
    expect(c('-0.5')).toBe(canonical({ kind: 'float', value: -0.5 }));
    expect(c('1e3')).toBe(c('1000.0'));
    expect(c('9223372036854775807')).toBe('9223372036854775807');
    expect(c('NaN')).toBe('fNaN');
    expect(c('-Inf')).toBe('f-Infinity');
  });

  test('strings with escapes', () => {
    expect(parseTckValue("'\\''")).toEqual({ kind: 'string', value: "'" });
    expect(parseTckValue("'a\\\\b'")).toEqual({ kind: 'string', value: 'a\\b' });
    expect(parseTckValue("''")).toEqual({ kind: 'string', value: '' });
  });

  test('maps ignore key order; lists keep order unless told otherwise', () => {
    expect(c("{a: 1, b: 'x'}")).toBe(c("{b: 'x', a: 1}"));
    expect(c('[1, 2]')).not.toBe(c('[2, 1]'));
    expect(c('[1, [3, 2]]', true)).toBe(c('[[2, 3], 1]', true));
    expect(c('[]')).toBe('[]');
  });

  test('nodes, relationships and paths', () => {
    expect(c("(:B:A {name: 'x'})")).toBe(c("(:A:B {name: 'x'})"));
    expect(c('()')).toBe(canonical({ kind: 'node', labels: [], props: new Map() }));
    expect(c('[:T {p: 1}]')).toBe('[:T{"p":1}]');
    expect(display(parseTckValue('<(:A)-[:T]->(:B)<-[:U]-()>'))).toBe('<(:A)-[:T]->(:B)<-[:U]-()>');
    expect(c('<(:A)-[:T]->(:B)>')).not.toBe(c('<(:A)<-[:T]-(:B)>'));
  });

  test('bad literals are reported', () => {
    expect(() => parseTckValue('[1, 2')).toThrow(/expected/);
    expect(() => parseTckValue('1 2')).toThrow(/trailing/);
  });
});

describe('driver values', () => {
  test('integers, floats and containers', () => {
    expect(canonical(fromDriver(neo4j.int(5)))).toBe(c('5'));
    expect(canonical(fromDriver(5))).toBe(c('5.0'));
    expect(canonical(fromDriver({ a: [neo4j.int(1), null, 'x'] }))).toBe(c("{a: [1, null, 'x']}"));
  });

  test('temporals print as the TCK writes them', () => {
    const s = (v: unknown) => canonical(fromDriver(v));
    expect(s(new neo4j.types.Date(1816, 1, 1))).toBe(c("'1816-01-01'"));
    expect(s(new neo4j.types.LocalTime(12, 0, 0, 0))).toBe(c("'12:00'"));
    expect(s(new neo4j.types.LocalTime(12, 31, 14, 645876000))).toBe(c("'12:31:14.645876'"));
    expect(s(new neo4j.types.Time(12, 31, 14, 1, 3600))).toBe(c("'12:31:14.000000001+01:00'"));
    expect(s(new neo4j.types.Time(12, 31, 0, 0, 0))).toBe(c("'12:31Z'"));
    expect(s(new neo4j.types.LocalDateTime(1984, 10, 11, 12, 31, 14, 0))).toBe(c("'1984-10-11T12:31:14'"));
    expect(s(new neo4j.types.DateTime(1984, 3, 7, 12, 0, 0, 0, 3600, 'Europe/Stockholm'))).toBe(c("'1984-03-07T12:00+01:00[Europe/Stockholm]'"));
  });

  test('durations', () => {
    expect(formatDuration(0n, 0n, 0n, 0n)).toBe('PT0S');
    expect(formatDuration(-154n, -43n, -65344n, 499_999_997n)).toBe('P-12Y-10M-43DT-18H-9M-3.500000003S');
    expect(formatDuration(0n, 0n, -1n, 999_000_000n)).toBe('PT-0.001S');
    expect(formatDuration(149n, -14n, 57600n, 0n)).toBe('P12Y5M-14DT16H');
    expect(formatDuration(0n, 1n, -1n, 999_000_000n)).toBe('P1DT-0.001S');
    expect(formatDuration(0n, -27n, 0n, 0n)).toBe('P-27D');
  });

  test('parameters become driver values', () => {
    expect(toDriver(parseTckValue('[1, 2.5]'))).toEqual([neo4j.int(1), 2.5]);
  });
});

describe('feature files', () => {
  test('outlines expand into one scenario per example row', () => {
    const text = [
      'Feature: F',
      '  Scenario Outline: [1] o',
      '    Given an empty graph',
      '    When executing query:',
      '      """',
      '      RETURN <x> AS x',
      '      """',
      '    Then the result should be, in any order:',
      '      | x   |',
      '      | <x> |',
      '    Examples:',
      '      | x |',
      '      | 1 |',
      '      | 2 |',
    ].join('\n');
    const scenarios = parseFeature(text, 'f.feature');
    expect(scenarios.map((s) => s.line)).toEqual([13, 14]);
    expect(scenarios[1].steps[1].docString).toBe('RETURN 2 AS x');
    expect(scenarios[1].steps[2].table).toEqual([['x'], ['2']]);
  });

  const features = tckFeaturesDir(repoRoot);
  (features !== null ? test : test.skip)('the TCK expands to 3,897 scenarios', () => {
    expect(loadScenarios(features ?? '').length).toBe(3897);
  });
});
