// Name interning: records store small integer ids instead of label / property-key /
// edge-type strings, and vertices with the same label set share one immutable array.

export class NameTable {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  /** The id of `name`, allocating one on first use. */
  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }

  /** The id of `name`, or -1 when it was never used (reads must not grow the table). */
  lookup(name: string): number {
    return this.ids.get(name) ?? -1;
  }

  /**
   * The ids of those of `names` that exist. Cached per array once all exist (ids never
   * change for a name): a plan's relationship types are one array, looked up on every expansion.
   */
  lookupAll(names: readonly string[]): readonly number[] {
    const cached = this.allCache.get(names);
    if (cached !== undefined) return cached;
    const ids: number[] = [];
    for (const n of names) {
      const id = this.lookup(n);
      if (id >= 0) ids.push(id);
    }
    if (ids.length === names.length) this.allCache.set(names, ids);
    return ids;
  }
  private readonly allCache = new WeakMap<readonly string[], readonly number[]>();

  name(id: number): string {
    return this.names[id];
  }

  /** Every name, in id order (id i is at index i). */
  all(): readonly string[] {
    return this.names;
  }
}

/**
 * Frozen label-id arrays (in the order labels were added, as `labels(n)` reports them)
 * shared between vertices: a million `:Person` vertices point at one array. Never mutate
 * a returned array; derive a new one with with()/without().
 */
export class LabelSets {
  private readonly cache = new Map<string, readonly number[]>();

  /** Adds `id` at position `at` (default: last). */
  with(set: readonly number[] | null, id: number, at = Number.MAX_SAFE_INTEGER): readonly number[] {
    if (set === null) return this.intern([id]);
    const next = [...set];
    next.splice(at, 0, id);
    return this.intern(next);
  }

  without(set: readonly number[], id: number): readonly number[] | null {
    const next = set.filter((l) => l !== id);
    return next.length === 0 ? null : this.intern(next);
  }

  private intern(ids: number[]): readonly number[] {
    const key = ids.join(',');
    let shared = this.cache.get(key);
    if (shared === undefined) {
      shared = Object.freeze(ids);
      this.cache.set(key, shared);
    }
    return shared;
  }
}
