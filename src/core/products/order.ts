/**
 * Who decides the order fans see: a catalog file, when `products sync --catalog` pushes one
 * (its order wins, like everything it lists); otherwise the order set from `/products`. A
 * pull-only sync keeps every existing row's place and puts new rows after them.
 */
import type { LocalChange, LocalProduct } from '../catalog.js';

/** `changes` (from planLocalSync without a catalog) with the local order kept. */
export function keepLocalOrder(
  changes: readonly LocalChange[],
  local: readonly LocalProduct[],
): LocalChange[] {
  const sortOf = new Map(local.map((row) => [row.id, row.sort]));
  let next = Math.max(0, ...local.map((row) => row.sort)) + 10;
  const kept: LocalChange[] = [];
  for (const change of changes) {
    if (change.kind === 'deactivate') kept.push(change);
    else if (change.kind === 'insert') {
      kept.push({ ...change, sort: next });
      next += 10;
    } else {
      const fields = change.fields.filter((field) => field !== 'sort');
      if (fields.length > 0)
        kept.push({ ...change, sort: sortOf.get(change.id) ?? change.sort, fields });
    }
  }
  return kept;
}
