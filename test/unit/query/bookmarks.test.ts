import { bookmarkTarget, formatBookmark, parseBookmark } from '../../../dataplane/query/bookmarks.js';

const timeline = { epochId: 'e3', history: [{ epochId: 'e1', lastCommitTs: 40 }, { epochId: 'e2', lastCommitTs: 53 }] };

test('bookmarks name the epoch; the plain form still parses', () => {
  expect(formatBookmark(timeline, 60)).toBe('mgha:e3:60');
  expect(formatBookmark(null, 60)).toBe('mgha:60');
  expect(parseBookmark('mgha:e3:60')).toEqual({ epochId: 'e3', ts: 60 });
  expect(parseBookmark('mgha:7')).toEqual({ epochId: null, ts: 7 });
  expect(parseBookmark('mgha:9b2f-1c:7')).toEqual({ epochId: '9b2f-1c', ts: 7 });
  for (const bad of ['neo4j:bookmark:v1:tx5', 'mgha:', 'mgha:a:b', 'mgha:x:1:2', '']) expect(parseBookmark(bad)).toBeNull();
});

test('the target: the current epoch as given, an earlier one only up to where this timeline left it', () => {
  expect(bookmarkTarget({ epochId: 'e3', ts: 70 }, timeline)).toBe(70);
  // A failover kept e2 only up to 53: writes 54..403 of the abandoned branch will never arrive.
  expect(bookmarkTarget({ epochId: 'e2', ts: 403 }, timeline)).toBe(53);
  expect(bookmarkTarget({ epochId: 'e1', ts: 12 }, timeline)).toBe(12);
  expect(bookmarkTarget({ epochId: 'e9', ts: 1 }, timeline)).toBe('unknownEpoch');
  expect(bookmarkTarget({ epochId: null, ts: 5 }, timeline)).toBe(5);
  expect(bookmarkTarget({ epochId: 'e9', ts: 5 }, null)).toBe(5);
});
