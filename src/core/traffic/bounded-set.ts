/**
 * In-memory sets and maps with a size cap, for per-process memories that would otherwise
 * grow with every job or update ever seen (which job ids already recreated a topic, how often
 * an update failed). Oldest entries go first: insertion order is age order, and re-adding a
 * key refreshes it.
 */

/** A Set that forgets its oldest members beyond `max`. Drop-in for `Set<T>`. */
export class BoundedSet<T> extends Set<T> {
  constructor(private readonly max: number) {
    super();
    if (!(max >= 1)) throw new RangeError('a bounded set holds at least one member');
  }

  override add(value: T): this {
    if (super.has(value)) super.delete(value);
    super.add(value);
    while (this.size > this.max) super.delete(this.values().next().value as T);
    return this;
  }
}

/** A Map that forgets its oldest entries beyond `max`. Drop-in for `Map<K, V>`. */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
    if (!(max >= 1)) throw new RangeError('a bounded map holds at least one entry');
  }

  override set(key: K, value: V): this {
    if (super.has(key)) super.delete(key);
    super.set(key, value);
    while (this.size > this.max) super.delete(this.keys().next().value as K);
    return this;
  }
}
