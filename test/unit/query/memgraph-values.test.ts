// Where Memgraph's values behave as its own (and openCypher's TCK says nothing): point
// components, through QueryEngine.
import { errorOf, newEngine, rows } from './engine-helpers.js';

describe('point components as Memgraph reads them', () => {
  test('a 3-D point names its 2-D family as its crs; z and height read the third coordinate', async () => {
    const got = await rows(
      newEngine(),
      'WITH point({longitude: 1, latitude: 2, height: 3}) AS g, point({x: 1, y: 2, z: 3}) AS c ' +
        'RETURN g.crs, g.srid, g.z, g.height, g.longitude, c.crs, c.srid, c.z, point({x: 1, y: 2}).crs',
    );
    expect(got).toEqual([['wgs-84', 4979, 3, 3, 1, 'cartesian', 9157, 3, 'cartesian']]);
  });

  test.each([
    ['RETURN point({x: 1, y: 2}).z', 'Invalid property name z for Point2d'],
    ['RETURN point({longitude: 1, latitude: 2}).height', 'Invalid property name height for Point2d'],
    ['RETURN point({x: 1, y: 2, z: 3}).height', 'Invalid property name height for Point3d'],
    ['RETURN point({x: 1, y: 2}).nope', 'Invalid property name nope for Point2d'],
    ['RETURN point({x: 1, y: 2}).longitude', 'Use x instead of longitude for cartesian point types'],
    ['RETURN point({x: 1, y: 2, z: 3}).latitude', 'Use y instead of latitude for cartesian point types'],
  ])('%s fails with Memgraph\'s text', async (query, message) => {
    const err = await errorOf(newEngine(), query);
    expect([err.code, err.message]).toEqual(['Memgraph.ClientError.MemgraphError.MemgraphError', message]);
  });
});

describe('collect() over more than one chunk (65,536 elements)', () => {
  test('keeps order, skips nulls, and DISTINCT still applies', async () => {
    const e = newEngine();
    const [[n, first, last, sum]] = await rows(
      e,
      'UNWIND range(1, 200000) AS x WITH CASE WHEN x % 7 = 0 THEN null ELSE x END AS v ' +
        'WITH collect(v) AS l RETURN size(l), l[0], l[-1], reduce(s = 0, i IN range(0, size(l) - 2) | s + CASE WHEN l[i] < l[i + 1] THEN 0 ELSE 1 END)',
    );
    expect([n, first, last, sum]).toEqual([200000 - Math.floor(200000 / 7), 1, 200000, 0]);
    expect(await rows(e, 'UNWIND range(1, 150000) AS x WITH collect(DISTINCT x % 100000) AS l RETURN size(l), l[99999]')).toEqual([[100000, 0]]);
  });
});
