/**
 * The claims API on both dialects: one claim per fan, a take-over names the claimer it
 * expects (two at once: one wins), release only by the expected claimer, a member's claims
 * dropped when they leave; the round-robin gives each agent on duty a turn; held messages
 * are decided once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClaimStore, createHeldMessageStore } from '../../src/adapters/db/claim-store.js';
import { createTeamStore } from '../../src/adapters/db/team-store.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';

describe('claim and team stores', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createMigratedTestDb();
  }, 60_000);
  afterAll(async () => {
    await testDb?.destroy();
  });

  it('claims once, moves only from the expected claimer, releases', async () => {
    const claims = createClaimStore(testDb.db);
    expect(await claims.claimOf(1)).toBeNull();
    expect(await claims.claim(1, 10, null)).toEqual({ ok: true, holder: 10, before: null });
    expect(await claims.claim(1, 11, null)).toEqual({ ok: false, holder: 10, before: 10 });
    expect((await claims.claimOf(1))?.userId).toBe(10);
    // Two take-overs of the same claim at once: exactly one wins.
    const [a, b] = await Promise.all([claims.claim(1, 11, 10), claims.claim(1, 12, 10)]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    const holder = (await claims.claimOf(1))!.userId;
    expect([11, 12]).toContain(holder);
    expect(await claims.release(1, 10)).toBe(false);
    expect(await claims.release(1, holder)).toBe(true);
    expect(await claims.claimOf(1)).toBeNull();
    await claims.claim(2, 20, null);
    await claims.claim(3, 20, 'any');
    expect([...(await claims.claimsOf([1, 2, 3])).keys()].sort()).toEqual([2, 3]);
    expect((await claims.releaseAllOf(20)).sort()).toEqual([2, 3]);
  });

  it('round-robin among members on duty, roles kept, analyst allowed', async () => {
    const team = createTeamStore(testDb.db);
    expect(await team.setRole(100, 'agent', 1)).toBeNull();
    expect(await team.setRole(101, 'agent', 1)).toBeNull();
    expect(await team.setRole(102, 'analyst', 1)).toBeNull();
    expect(await team.setRole(102, 'admin', 1)).toBe('analyst');
    await team.rememberName(100, 'Agnes', 'Agnes_X');
    await team.rememberName(100, 'Agnès', 'Agnes_X');
    expect(await team.byUsername('@agnes_x')).toBe(100);
    expect((await team.get(100))?.name).toBe('Agnès');
    expect(await team.namesOf([100, 5])).toEqual(new Map([[100, 'Agnès']]));
    expect(await team.nextOnDuty(['agent'], new Date())).toBeNull();
    await team.setDuty(100, true);
    await team.setDuty(101, true);
    const turns: (number | null)[] = [];
    for (let i = 0; i < 4; i += 1) {
      turns.push(await team.nextOnDuty(['agent'], new Date(Date.UTC(2026, 11, 8, 10, i))));
    }
    expect(turns).toEqual([100, 101, 100, 101]);
    expect(await team.remove(101)).toBe('agent');
    expect(await team.remove(101)).toBeNull();
  });

  it('a held message is decided once', async () => {
    const held = createHeldMessageStore(testDb.db);
    const input = {
      updateId: 5,
      chatId: -100,
      threadId: 7,
      messageId: 70,
      type: 'text' as const,
      textOrCaption: 'hi',
      replyToMessageId: undefined,
    };
    const message = { fanId: 1, authorId: 11, claimerId: 10, threadId: 7, messageId: 70, input };
    const id = await held.hold(message, new Date());
    expect(await held.hold(message, new Date())).toBe(id);
    expect((await held.get(id))?.input.textOrCaption).toBe('hi');
    const decisions = await Promise.all([
      held.decide(id, 'sent', new Date()),
      held.decide(id, 'sent', new Date()),
    ]);
    expect(decisions.filter(Boolean)).toHaveLength(1);
    expect((await held.get(id))?.status).toBe('sent');
  });
});
