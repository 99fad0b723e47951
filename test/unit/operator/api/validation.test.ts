import { checkCluster, formatErrors, type FieldError } from '../../../../operator/api/validation.js';
import type { MemgraphClusterInput } from '../../../../operator/api/types.js';

const minimal = (): MemgraphClusterInput => ({
  apiVersion: 'mgha.io/v1alpha1',
  kind: 'MemgraphCluster',
  metadata: { name: 'graph', namespace: 'ns' },
  spec: { image: 'mgha:1' },
});

type Patch = (c: MemgraphClusterInput & { spec: Record<string, unknown> }) => void;
function errorsOf(patch: Patch, old?: MemgraphClusterInput): FieldError[] {
  const c = minimal() as MemgraphClusterInput & { spec: Record<string, unknown> };
  patch(c);
  const r = checkCluster(c, old);
  if (r.ok) throw new Error('expected validation errors');
  return r.errors;
}
const fields = (patch: Patch, old?: MemgraphClusterInput): string[] => errorsOf(patch, old).map((e) => e.field);

describe('defaulting', () => {
  test('a manifest with only an image gets 2 SYNC data instances, 3 coordinators and storage sizes', () => {
    const r = checkCluster(minimal());
    if (!r.ok) throw new Error(formatErrors(r.errors));
    expect(r.cluster.spec).toEqual({
      image: 'mgha:1',
      data: { replicas: 2, mode: 'SYNC', storage: { size: '10Gi' } },
      coordinators: { replicas: 3, storage: { size: '1Gi' } },
      monitoring: { podMonitor: false },
    });
  });

  test('defaults fill inside given objects and keep what the user wrote', () => {
    const c = minimal();
    c.spec.data = { replicas: 3, storage: { storageClassName: 'fast' } };
    c.spec.switchover = { target: 'graph-data-2' };
    const r = checkCluster(c);
    if (!r.ok) throw new Error(formatErrors(r.errors));
    expect(r.cluster.spec.data).toEqual({ replicas: 3, mode: 'SYNC', storage: { size: '10Gi', storageClassName: 'fast' } });
    expect(r.cluster.spec.switchover).toEqual({ target: 'graph-data-2', maxLagTxns: 0 });
  });

  test('the input is not changed', () => {
    const c = minimal();
    checkCluster(c);
    expect(c.spec).toEqual({ image: 'mgha:1' });
  });
});

describe('validation names the bad field', () => {
  test.each([
    ['even coordinator count', (c: MemgraphClusterInput) => (c.spec.coordinators = { replicas: 4 }), 'spec.coordinators.replicas', 'must be odd'],
    ['one coordinator', (c: MemgraphClusterInput) => (c.spec.coordinators = { replicas: 1 }), 'spec.coordinators.replicas', 'at least 3'],
    ['one data instance', (c: MemgraphClusterInput) => (c.spec.data = { replicas: 1 }), 'spec.data.replicas', 'at least 2'],
    ['unknown mode', (c: MemgraphClusterInput) => ((c.spec as Record<string, unknown>).data = { mode: 'QUORUM' }), 'spec.data.mode', 'must be one of SYNC, ASYNC, STRICT_SYNC'],
    ['missing image', (c: MemgraphClusterInput) => delete (c.spec as { image?: string }).image, 'spec.image', 'is required'],
    ['empty image', (c: MemgraphClusterInput) => (c.spec.image = ''), 'spec.image', 'at least 1'],
    ['string replicas', (c: MemgraphClusterInput) => ((c.spec as Record<string, unknown>).data = { replicas: '3' }), 'spec.data.replicas', 'must be an integer'],
    ['bad quantity', (c: MemgraphClusterInput) => (c.spec.data = { storage: { size: '10 gigs' } }), 'spec.data.storage.size', 'must match'],
    ['owned flag in args', (c: MemgraphClusterInput) => (c.spec.data = { args: ['--log-level=TRACE', '--bolt_port=1'] }), 'spec.data.args', 'must not set flags the operator owns'],
    ['owned flag on coordinators', (c: MemgraphClusterInput) => (c.spec.coordinators = { args: ['-coordinator-id', '4'] }), 'spec.coordinators.args', 'must not set flags'],
    ['per-instance ordinal out of range', (c: MemgraphClusterInput) => (c.spec.data = { instances: [{ ordinal: 2, mode: 'ASYNC' }] }), 'spec.data', 'instances[].ordinal must be less than replicas'],
    ['duplicate ordinal', (c: MemgraphClusterInput) => (c.spec.data = { instances: [{ ordinal: 1, mode: 'ASYNC' }, { ordinal: 1, mode: 'SYNC' }] }), 'spec.data.instances[1]', 'duplicate entry for ordinal 1'],
    ['SYNC mixed with STRICT_SYNC', (c: MemgraphClusterInput) => (c.spec.data = { instances: [{ ordinal: 1, mode: 'STRICT_SYNC' }] }), 'spec.data', 'cannot be mixed'],
    ['down timeout below check frequency', (c: MemgraphClusterInput) => (c.spec.coordinatorSettings = { instanceDownTimeoutSec: 1, instanceHealthCheckFrequencySec: 2 }), 'spec.coordinatorSettings', 'instanceDownTimeoutSec must be at least'],
    ['external address without a port', (c: MemgraphClusterInput) => (c.spec.externalAccess = { data: [{ ordinal: 0, boltServer: 'db.example.com' }] }), 'spec.externalAccess.data[0].boltServer', 'must match'],
    ['external address for a pod that does not exist', (c: MemgraphClusterInput) => (c.spec.externalAccess = { coordinators: [{ ordinal: 3, boltServer: 'c.example.com:7687' }] }), 'spec', 'externalAccess.coordinators[].ordinal'],
    ['switchover target of another cluster', (c: MemgraphClusterInput) => (c.spec.switchover = { target: 'other-data-1' }), '', 'must name a data pod of this cluster'],
    ['switchover target beyond the data pods', (c: MemgraphClusterInput) => (c.spec.switchover = { target: 'graph-data-2' }), 'spec.switchover.target', "'graph-data-2' is not one of the 2 data pods"],
    ['name that cannot prefix a Service', (c: MemgraphClusterInput) => (c.metadata.name = '1graph'), '', 'metadata.name must be a DNS label'],
    ['name too long', (c: MemgraphClusterInput) => (c.metadata.name = 'g'.repeat(41)), '', 'at most 40 characters'],
    ['spec not an object', (c: MemgraphClusterInput) => ((c as { spec: unknown }).spec = 'x'), 'spec', 'must be an object'],
  ])('%s', (_name, patch, field, message) => {
    const errors = errorsOf(patch as Patch);
    expect(errors).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  test('every error is reported, not just the first', () => {
    expect(
      fields((c) => {
        c.spec.coordinators = { replicas: 4 };
        c.spec.data = { replicas: 1 };
      }),
    ).toEqual(['spec.data.replicas', 'spec.coordinators.replicas']);
  });

  test('ASYNC with SYNC is allowed, and STRICT_SYNC alone', () => {
    const c = minimal();
    c.spec.data = { replicas: 3, instances: [{ ordinal: 2, mode: 'ASYNC' }] };
    expect(checkCluster(c).ok).toBe(true);
    c.spec.data = { replicas: 3, mode: 'STRICT_SYNC', instances: [{ ordinal: 2, mode: 'ASYNC' }] };
    expect(checkCluster(c).ok).toBe(true);
  });

  test('a list of all errors reads as one line', () => {
    expect(formatErrors([{ field: 'spec.a', message: 'x' }, { field: 'spec.b', message: 'y' }])).toBe('spec.a: x; spec.b: y');
  });
});

describe('updates', () => {
  const withClass = (cls: string | undefined): MemgraphClusterInput => {
    const c = minimal();
    c.spec.data = { storage: cls === undefined ? {} : { storageClassName: cls } };
    return c;
  };

  test('changing the storage class is refused, naming the field', () => {
    const errors = errorsOf((c) => (c.spec.data = { storage: { storageClassName: 'slow' } }), withClass('fast'));
    expect(errors).toEqual([{ field: 'spec.data.storage', message: expect.stringContaining('storage is immutable') }]);
  });

  test('setting a class where there was none is a change too', () => {
    expect(fields((c) => (c.spec.data = { storage: { storageClassName: 'fast' } }), withClass(undefined))).toEqual(['spec.data.storage']);
  });

  test('a defaulted size equals the same size written out', () => {
    const c = withClass('fast');
    (c.spec.data as { storage: { size?: string } }).storage.size = '10Gi';
    expect(checkCluster(c, withClass('fast')).ok).toBe(true);
  });

  test('changing coordinator storage size is refused', () => {
    const old = minimal();
    expect(fields((c) => (c.spec.coordinators = { storage: { size: '2Gi' } }), old)).toEqual(['spec.coordinators.storage']);
  });

  test('replicas and other fields may change', () => {
    const c = minimal();
    c.spec.data = { replicas: 5 };
    c.spec.coordinators = { replicas: 5 };
    expect(checkCluster(c, minimal()).ok).toBe(true);
  });
});
