import { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import { Codes, MghaError } from '../../../dataplane/errors.js';
import { makeVertex, write } from './helpers.js';

function errorOf(fn: () => unknown): MghaError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MghaError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('existence constraints', () => {
  test('verified on creation against committed data', () => {
    const store = new InMemoryStorage();
    write(store, (tx) => makeVertex(tx, ['Person'], { age: 3n }));
    const e = errorOf(() => store.createConstraint('exists', 'Person', ['name']));
    expect(e.code).toBe(Codes.ConstraintVerificationFailed);
    expect(store.constraints()).toEqual([]);
    expect(store.createConstraint('exists', 'Person', ['age'])).toBe(true);
    expect(store.createConstraint('exists', 'Person', ['age'])).toBe(false);
    expect(store.constraints()).toEqual([{ type: 'exists', label: 'Person', properties: ['age'] }]);
  });

  test('validated at commit; the violating transaction is aborted', () => {
    const store = new InMemoryStorage();
    store.createConstraint('exists', 'Person', ['name']);
    const tx = store.begin();
    makeVertex(tx, ['Person']);
    const e = errorOf(() => tx.commit());
    expect(e.code).toBe(Codes.ConstraintValidationFailed);
    expect(e.message).toBe('Unable to commit due to existence constraint violation on :Person(name)');
    expect(tx.isActive()).toBe(false);
    expect(store.counts().vertexCount).toBe(0);
    const gid = write(store, (t) => makeVertex(t, ['Person'], { name: 'x' }).gid);
    const t2 = store.begin();
    t2.vertex(gid)!.setProperty('name', null);
    expect(errorOf(() => t2.commit()).code).toBe(Codes.ConstraintValidationFailed);
    const t3 = store.begin();
    t3.vertex(gid)!.removeLabel('Person');
    t3.vertex(gid)!.setProperty('name', null);
    t3.commit();
    expect(store.dropConstraint('exists', 'Person', ['name'])).toBe(true);
    write(store, (t) => makeVertex(t, ['Person']));
  });
});

describe('unique constraints', () => {
  test('verified on creation', () => {
    const store = new InMemoryStorage();
    write(store, (tx) => {
      makeVertex(tx, ['P'], { email: 'a' });
      makeVertex(tx, ['P'], { email: 'a' });
      makeVertex(tx, ['P']);
    });
    expect(errorOf(() => store.createConstraint('unique', 'P', ['email'])).code).toBe(
      Codes.ConstraintVerificationFailed,
    );
    write(store, (tx) => tx.vertex(1)!.setProperty('email', 'b'));
    expect(store.createConstraint('unique', 'P', ['email'])).toBe(true);
  });

  test('validated at commit, including 1 = 1.0 and concurrently committed data', () => {
    const store = new InMemoryStorage();
    store.createConstraint('unique', 'Person', ['email']);
    write(store, (tx) => makeVertex(tx, ['Person'], { email: 'x@y' }));
    const t1 = store.begin();
    makeVertex(t1, ['Person'], { email: 'x@y' });
    const e = errorOf(() => t1.commit());
    expect(e.message).toBe('Unable to commit due to unique constraint violation on :Person(email)');
    const a = store.begin();
    const b = store.begin();
    makeVertex(a, ['Person'], { email: 1n });
    makeVertex(b, ['Person'], { email: 1.0 });
    a.commit();
    expect(errorOf(() => b.commit()).code).toBe(Codes.ConstraintValidationFailed);
    expect(store.counts().vertexCount).toBe(2);
  });

  test('the same value may move between vertices in one transaction; other labels do not count', () => {
    const store = new InMemoryStorage();
    store.createConstraint('unique', 'P', ['k']);
    const [a, b] = write(store, (tx) => [makeVertex(tx, ['P'], { k: 1n }).gid, makeVertex(tx, ['P'], { k: 2n }).gid]);
    write(store, (tx) => {
      tx.vertex(a)!.setProperty('k', 3n);
      tx.vertex(b)!.setProperty('k', 1n);
    });
    write(store, (tx) => makeVertex(tx, ['Q'], { k: 1n }));
    write(store, (tx) => tx.deleteVertex(tx.vertex(b)!, false));
    write(store, (tx) => makeVertex(tx, ['P'], { k: 1n }));
    const t = store.begin();
    makeVertex(t, ['P'], { k: 3n });
    expect(errorOf(() => t.commit()).code).toBe(Codes.ConstraintValidationFailed);
  });

  test('multi-property tuples only clash when every property matches', () => {
    const store = new InMemoryStorage();
    store.createConstraint('unique', 'P', ['a', 'b']);
    write(store, (tx) => makeVertex(tx, ['P'], { a: 1n, b: 1n }));
    write(store, (tx) => makeVertex(tx, ['P'], { a: 1n, b: 2n }));
    write(store, (tx) => makeVertex(tx, ['P'], { a: 1n }));
    write(store, (tx) => makeVertex(tx, ['P'], { a: 1n }));
    const t = store.begin();
    const v = makeVertex(t, ['P'], { b: 2n });
    v.setProperty('a', 1n);
    const e = errorOf(() => t.commit());
    expect(e.message).toBe('Unable to commit due to unique constraint violation on :P(a, b)');
    expect(store.constraints()).toEqual([{ type: 'unique', label: 'P', properties: ['a', 'b'] }]);
    store.collectGarbage();
    expect(store.dropConstraint('unique', 'P', ['a', 'b'])).toBe(true);
    expect(store.dropConstraint('unique', 'P', ['a', 'b'])).toBe(false);
  });

  test('adding the label to a vertex that already has a duplicate value is caught', () => {
    const store = new InMemoryStorage();
    store.createConstraint('unique', 'P', ['k']);
    const [, b] = write(store, (tx) => [makeVertex(tx, ['P'], { k: 'v' }).gid, makeVertex(tx, [], { k: 'v' }).gid]);
    const t = store.begin();
    t.vertex(b)!.addLabel('P');
    expect(errorOf(() => t.commit()).code).toBe(Codes.ConstraintValidationFailed);
  });
});
