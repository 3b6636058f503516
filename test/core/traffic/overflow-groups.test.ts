/** core/traffic/overflow-groups: which admin group a new fan goes to (issue 20). */
import { describe, expect, it } from 'vitest';
import { budgetLeft, moveLane, pickAdminGroup } from '../../../src/core/traffic/overflow-groups.js';

const rule = { limit: 20, windowMs: 60_000 };

describe('overflow admin groups', () => {
  it('picks the most budget left once the queued work is counted; a tie goes to the primary', () => {
    expect(pickAdminGroup([{ chatId: -1, left: 20, queued: 0 }])).toBe(-1);
    expect(
      pickAdminGroup([
        { chatId: -1, left: 20, queued: 0 },
        { chatId: -2, left: 20, queued: 0 },
      ]),
    ).toBe(-1);
    expect(
      pickAdminGroup([
        { chatId: -1, left: 20, queued: 3 },
        { chatId: -2, left: 20, queued: 2 },
      ]),
    ).toBe(-2);
    expect(
      pickAdminGroup([
        { chatId: -1, left: 2, queued: 0 },
        { chatId: -2, left: 12, queued: 5 },
        { chatId: -3, left: 10, queued: 4 },
      ]),
    ).toBe(-2);
    expect(() => pickAdminGroup([])).toThrow(/no admin group/);
  });

  it('counts the sends of the shared log still inside the window', () => {
    const now = 100_000;
    const log = [
      { slot: 'a', at: now - 70_000, open: false },
      { slot: 'b', at: now - 10_000, open: false },
      { slot: 'c', at: now - 1_000, open: true },
    ];
    expect(budgetLeft(log, now, rule)).toBe(18);
    expect(budgetLeft([], now, rule)).toBe(20);
  });

  it("moves a lane to the fan's group, leaving other lanes alone", () => {
    expect(moveLane('-1:fan:42', -1, -2)).toBe('-2:fan:42');
    expect(moveLane('-1:message:7', -1, -2)).toBe('-2:message:7');
    expect(moveLane('-10:fan:42', -1, -2)).toBe('-10:fan:42');
  });
});
