// A small LRU cache keyed by query text (parse + plan once, run many times with new
// parameters). Cleared on schema changes, because plans depend on available indexes.

export class PlanCache<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly capacity: number) {}

  /** The most recently used entry: a repeated query skips the Map reordering. */
  private lastKey: string | null = null;
  private lastValue: T | undefined = undefined;

  get(key: string): T | undefined {
    if (key === this.lastKey) return this.lastValue;
    const v = this.entries.get(key);
    if (v !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, v);
      this.lastKey = key;
      this.lastValue = v;
    }
    return v;
  }

  set(key: string, value: T): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    this.lastKey = key;
    this.lastValue = value;
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
    this.lastKey = null;
    this.lastValue = undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}
