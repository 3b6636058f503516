/**
 * Issue 17: the delivery path's group commit (GroupWriter). Writes asked for in the same turn
 * of the event loop share one statement — on SQLite a statement runs synchronously, so a write
 * sent at once left nothing to group; each caller still resolves once its own rows are written,
 * and with `isolateFailures` a failing shared statement fails only the write that brought the
 * bad row.
 */
import { describe, expect, it } from 'vitest';
import { GroupWriter } from '../../../src/adapters/db/group-writer.js';

describe('group writer (issue 17)', () => {
  it('writes asked for in one turn go out in one statement; each caller waits for it', async () => {
    const statements: number[][] = [];
    const writer = new GroupWriter<number>(async (items) => {
      statements.push([...items]);
    });
    const settled: number[] = [];
    const writes = [1, 2, 3].map((n) => writer.write([n]).then(() => settled.push(n)));
    expect(statements).toEqual([]);
    await Promise.all(writes);
    expect(statements).toEqual([[1, 2, 3]]);
    expect(settled.sort()).toEqual([1, 2, 3]);
    // Later turns: a statement of their own.
    await writer.write([4]);
    expect(statements).toEqual([[1, 2, 3], [4]]);
  });

  it('writes arriving while one runs share the next statement', async () => {
    const statements: number[][] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const writer = new GroupWriter<number>(async (items) => {
      statements.push([...items]);
      if (statements.length === 1) await held;
    });
    const first = writer.write([1]);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [writer.write([2]), writer.write([3])];
    release();
    await Promise.all([first, ...later]);
    expect(statements).toEqual([[1], [2, 3]]);
  });

  it('with isolateFailures, a failing shared statement fails only the write with the bad row', async () => {
    const writer = new GroupWriter<number>(
      async (items) => {
        if (items.includes(13)) throw new Error('constraint');
      },
      { isolateFailures: true },
    );
    const results = await Promise.allSettled([
      writer.write([1]),
      writer.write([13]),
      writer.write([2]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
