import { noSuch } from './errors.js';

/** Any Stripe API object the simulator keeps: an id, an `object` type and its fields. */
export interface StripeObject {
  id: string;
  object: string;
  [field: string]: unknown;
}

/** Who caused a change: the API request (id and idempotency key), or null for simulated actions. */
export interface RequestRef {
  id: string | null;
  idempotency_key: string | null;
}

/** In-memory objects by id, with the creation order per type that lists page through. */
export class ObjectStore {
  private readonly byId = new Map<string, StripeObject>();
  private readonly order = new Map<string, string[]>();

  /** Adds a new object and returns it. */
  insert<T extends StripeObject>(obj: T): T {
    this.byId.set(obj.id, obj);
    const ids = this.order.get(obj.object) ?? [];
    ids.push(obj.id);
    this.order.set(obj.object, ids);
    return obj;
  }

  /** The object of `type` with `id`, if any. */
  find<T extends StripeObject = StripeObject>(type: string, id: string): T | undefined {
    const obj = this.byId.get(id);
    return obj && obj.object === type ? (obj as T) : undefined;
  }

  /** Any object by id (for expansion), whatever its type. */
  findAny(id: string): StripeObject | undefined {
    return this.byId.get(id);
  }

  /** The object of `type` with `id`, or Stripe's resource_missing error. */
  get<T extends StripeObject = StripeObject>(
    type: string,
    id: string,
    param = 'id',
    status = 404,
  ): T {
    const obj = this.find<T>(type, id);
    if (!obj) throw noSuch(type, id, param, status);
    return obj;
  }

  /** Every object of `type`, newest first (the order Stripe lists in). */
  all<T extends StripeObject = StripeObject>(type: string): T[] {
    const ids = this.order.get(type) ?? [];
    const out: T[] = [];
    for (let i = ids.length - 1; i >= 0; i--) {
      const obj = this.byId.get(ids[i] as string);
      if (obj) out.push(obj as T);
    }
    return out;
  }

  /** Removes an object (deleted webhook endpoints, for example). */
  remove(type: string, id: string): void {
    if (!this.find(type, id)) return;
    this.byId.delete(id);
    this.order.set(
      type,
      (this.order.get(type) ?? []).filter((x) => x !== id),
    );
  }

  /** How many objects of each type exist. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [type, ids] of this.order) out[type] = ids.length;
    return out;
  }
}
