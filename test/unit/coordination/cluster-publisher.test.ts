// The /v1/cluster version and its long poll, over a body that changes when the test says.
import { ClusterPublisher } from '../../../dataplane/coordination/cluster-publisher.js';
import type { ClusterDocumentBody } from '../../../dataplane/coordination/cluster-document.js';

const body = (main: string | null): ClusterDocumentBody => ({ leader: { id: 1, name: 'coordinator_1', term: 2 }, ready: true, main, mainUuid: null, instances: [], coordinators: [], lastFailover: null });

test('the version moves only when the body changes; a watch wakes on the change', async () => {
  let main: string | null = 'instance_1';
  const p = new ClusterPublisher(() => Promise.resolve(body(main)));
  const first = await p.current();
  expect((await p.current()).version).toBe(first.version);
  const watching = p.watch(first.version, 10);
  setTimeout(() => {
    main = 'instance_2';
  }, 150);
  const woke = await watching;
  expect(woke.version).toBe(first.version + 1);
  expect(woke.main).toBe('instance_2');
});

test('a version this publisher never had is answered at once; an unchanged one after the timeout', async () => {
  const p = new ClusterPublisher(() => Promise.resolve(body('instance_1')));
  const first = await p.current();
  expect((await p.watch(first.version + 40, 10)).version).toBe(first.version);
  const started = Date.now();
  expect((await p.watch(first.version, 0.2)).version).toBe(first.version);
  expect(Date.now() - started).toBeGreaterThanOrEqual(150);
});
