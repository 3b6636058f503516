import { describe, expect, it } from 'vitest';
import { decideAdmin, mayStayInChat, roleAtLeast } from '../../src/core/admin-auth.js';
import { AlertThrottle } from '../../src/core/traffic/alert-throttle.js';
import { callCost } from '../../src/core/traffic/call-cost.js';
import { backoffMs, decideFailure } from '../../src/core/traffic/delivery-policy.js';
import { KeyedSerialQueue } from '../../src/core/traffic/keyed-queue.js';
import {
  DEFAULT_TRAFFIC_LIMITS,
  limitProblems,
  windowRules,
} from '../../src/core/traffic/limits.js';
import { batchWith, fanPriority, laneOf, PRIORITY } from '../../src/core/traffic/outbox.js';
import { RateScheduler } from '../../src/core/traffic/rate-scheduler.js';

const GROUP = -1001;
const FAN = 42;

describe('RateScheduler', () => {
  const limits = { ...DEFAULT_TRAFFIC_LIMITS, safetyRatio: 0 };

  it('never lets more than 20 group messages into any 60 s window', () => {
    const scheduler = new RateScheduler(limits);
    const sends: number[] = [];
    for (let now = 0; now < 10 * 60_000; now += 250) {
      if (scheduler.tryTake(GROUP, now)) {
        scheduler.settle(GROUP, now);
        sends.push(now);
      }
    }
    for (const t of sends)
      expect(sends.filter((s) => s > t - 60_000 && s <= t).length).toBeLessThanOrEqual(20);
    expect(sends.length).toBeGreaterThanOrEqual(20 * 10 - 1);
  });

  it('counts a send in flight until it is settled, then from its answer time', () => {
    const scheduler = new RateScheduler({ ...limits, groupPerMinute: 2 });
    expect(scheduler.tryTake(GROUP, 0)).toBe(true);
    expect(scheduler.tryTake(GROUP, 0)).toBe(true);
    expect(scheduler.tryTake(GROUP, 70_000)).toBe(false); // both still in flight
    scheduler.settle(GROUP, 1_000);
    scheduler.settle(GROUP, 2_000);
    expect(scheduler.tryTake(GROUP, 60_500)).toBe(false);
    expect(scheduler.delay(GROUP, 60_500)).toBe(500);
    expect(scheduler.tryTake(GROUP, 61_000)).toBe(true);
  });

  it('counts copyMessages per message and keeps chats independent', () => {
    const scheduler = new RateScheduler(limits);
    expect(scheduler.tryTake(GROUP, 0, 20)).toBe(true);
    expect(scheduler.tryTake(GROUP, 0)).toBe(false);
    expect(scheduler.tryTake(FAN, 0)).toBe(true);
    expect(scheduler.capacity(GROUP, 0)).toBe(0);
  });

  it('pauses one chat only, never shortening a longer pause', () => {
    const scheduler = new RateScheduler(limits);
    scheduler.pause(GROUP, 73_414_000, '429');
    scheduler.pause(GROUP, 5_000, '429');
    expect(scheduler.isPaused(GROUP, 1_000_000)).toBe(true);
    expect(scheduler.tryTake(GROUP, 1_000_000)).toBe(false);
    expect(scheduler.tryTake(FAN, 1_000_000)).toBe(true);
    expect(scheduler.blockedChats(1_000_000)).toContain(GROUP);
    expect(scheduler.activePauses(80_000_000)).toEqual([]);
  });

  it('scales windows with timeScale and validates limits', () => {
    const rules = windowRules({ ...DEFAULT_TRAFFIC_LIMITS, timeScale: 0.01, safetyRatio: 0 });
    expect(rules.group).toEqual({ limit: 20, windowMs: 600 });
    expect(limitProblems({ ...DEFAULT_TRAFFIC_LIMITS, groupPerMinute: 0 })).toEqual([
      'groupPerMinute must be a positive number',
    ]);
  });
});

describe('delivery policy', () => {
  it('maps Telegram answers and network failures to decisions', () => {
    expect(
      decideFailure('copyMessage', {
        type: 'api',
        code: 429,
        description: 'Too Many Requests',
        retryAfterSeconds: 7,
      }),
    ).toEqual({
      action: 'rate_limited',
      retryAfterSeconds: 7,
    });
    expect(
      decideFailure('editMessageText', {
        type: 'api',
        code: 400,
        description: 'Bad Request: message is not modified: specified new message content …',
      }),
    ).toEqual({ action: 'unchanged' });
    // A 5xx may have been executed: only an idempotent call is repeated.
    expect(
      decideFailure('copyMessage', { type: 'api', code: 502, description: 'Bad Gateway' }).action,
    ).toBe('uncertain');
    expect(
      decideFailure('editMessageText', { type: 'api', code: 502, description: 'Bad Gateway' })
        .action,
    ).toBe('retry');
    expect(
      decideFailure('sendMessage', { type: 'network', sent: 'no', reason: 'ECONNREFUSED' }).action,
    ).toBe('retry');
    expect(
      decideFailure('sendMessage', { type: 'network', sent: 'maybe', reason: 'timeout' }).action,
    ).toBe('uncertain');
    expect(
      decideFailure('editMessageText', { type: 'network', sent: 'maybe', reason: 'timeout' })
        .action,
    ).toBe('retry');
    expect(
      decideFailure('sendMessage', {
        type: 'api',
        code: 403,
        description: 'Forbidden: bot was blocked by the user',
      }).action,
    ).toBe('blocked');
    expect(
      decideFailure('copyMessage', {
        type: 'api',
        code: 400,
        description: 'Bad Request: message thread not found',
      }).action,
    ).toBe('thread_missing');
    expect(
      decideFailure('sendMessage', {
        type: 'api',
        code: 400,
        description: 'Bad Request: group chat was upgraded',
        migrateToChatId: -100,
      }),
    ).toEqual({
      action: 'migrated',
      newChatId: -100,
    });
    expect(
      decideFailure('sendMessage', {
        type: 'api',
        code: 400,
        description: 'Bad Request: message text is empty',
      }).action,
    ).toBe('drop');
  });

  it('backs off exponentially with jitter, capped', () => {
    const opts = { baseMs: 1000, maxMs: 8000, random: () => 0.5 };
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, opts))).toEqual([750, 1500, 3000, 6000, 6000]);
  });

  it('knows what each call costs', () => {
    expect(callCost('copyMessages', { message_ids: [1, 2, 3] })).toBe(3);
    expect(callCost('copyMessages', { message_ids: [1, 2, 3] }, false)).toBe(1);
    expect(callCost('createForumTopic', {})).toBe(1);
    expect(callCost('answerCallbackQuery', {})).toBe(0);
    expect(callCost('pinChatMessage', {})).toBe(1);
    expect(callCost('deleteForumTopic', {})).toBe(1);
  });
});

describe('outbox policy', () => {
  const copy = (id: number, lane = 'a', extra: Record<string, unknown> = {}) => ({
    method: 'copyMessage',
    lane,
    params: { from_chat_id: 7, message_id: id, ...extra },
  });

  it('batches only consecutive plain copies of one lane with increasing ids', () => {
    const head = copy(1);
    expect(batchWith(head, [copy(2), copy(3), copy(9, 'b'), copy(10)])).toHaveLength(2);
    expect(batchWith(head, [copy(2), copy(2)])).toHaveLength(1);
    expect(batchWith(head, [copy(2, 'a', { caption: 'x' })])).toHaveLength(0);
    expect(batchWith(head, [copy(2), copy(3), copy(4)], 3)).toHaveLength(2);
    const text = {
      method: 'sendMessage',
      lane: 'a',
      params: { text: 'x' } as Record<string, unknown>,
    };
    expect(batchWith(text, [copy(2)])).toEqual([]);
  });

  it('orders lanes and priorities', () => {
    expect(laneOf({ type: 'topic', chatId: GROUP, fanId: FAN })).toBe(`${GROUP}:fan:${FAN}`);
    expect(laneOf({ type: 'chat', chatId: FAN })).toBe(String(FAN));
    expect(laneOf({ type: 'chat', chatId: GROUP, threadId: 5 })).toBe(`${GROUP}:thread:5`);
    expect(fanPriority({ tier: 'vip' })).toBeGreaterThan(fanPriority({ hasPaid: true }));
    expect(fanPriority({ hasPaid: true })).toBeGreaterThan(fanPriority({}));
    expect(PRIORITY.alert).toBeGreaterThan(PRIORITY.payment);
  });
});

describe('admin authorization', () => {
  const policy = { adminChatId: GROUP, ownerIds: [1] };
  it('allows owners and stored admins only inside the admin group', () => {
    expect(decideAdmin({ chatId: GROUP, userId: 1 }, policy, null)).toEqual({
      allowed: true,
      role: 'owner',
    });
    expect(decideAdmin({ chatId: GROUP, userId: 2 }, policy, 'agent')).toEqual({
      allowed: true,
      role: 'agent',
    });
    expect(decideAdmin({ chatId: GROUP, userId: 3 }, policy, null)).toEqual({
      allowed: false,
      reason: 'not_admin',
    });
    expect(decideAdmin({ chatId: -5, userId: 1 }, policy, 'owner')).toEqual({
      allowed: false,
      reason: 'wrong_chat',
    });
    expect(decideAdmin({ chatId: 1, userId: 1 }, policy, null)).toEqual({
      allowed: false,
      reason: 'wrong_chat',
    });
  });

  it('never trusts the anonymous admin, the service account, bots or sender chats', () => {
    for (const userId of [1087968824, 777000]) {
      expect(
        decideAdmin({ chatId: GROUP, userId }, { ...policy, ownerIds: [userId] }, 'owner').allowed,
      ).toBe(false);
    }
    expect(decideAdmin({ chatId: GROUP, userId: 1, isBot: true }, policy, null).allowed).toBe(
      false,
    );
    expect(
      decideAdmin({ chatId: GROUP, userId: 1, senderChatId: GROUP }, policy, null).allowed,
    ).toBe(false);
    expect(roleAtLeast('admin', 'agent')).toBe(true);
    expect(roleAtLeast('agent', 'admin')).toBe(false);
    expect(mayStayInChat({ id: -77, type: 'supergroup' }, GROUP)).toBe(false);
    expect(mayStayInChat({ id: 5, type: 'private' }, GROUP)).toBe(true);
  });
});

describe('alert throttle', () => {
  it('deduplicates by key and caps the total per window', () => {
    const throttle = new AlertThrottle({ dedupeMs: 1000, maxPerWindow: 2, windowMs: 10_000 });
    expect(throttle.check('a', 0)).toEqual({ send: true, suppressedBefore: 0 });
    expect(throttle.check('a', 500)).toEqual({ send: false });
    expect(throttle.check('b', 600)).toEqual({ send: true, suppressedBefore: 0 });
    expect(throttle.check('c', 700)).toEqual({ send: false });
    expect(throttle.check('a', 10_100)).toEqual({ send: true, suppressedBefore: 1 });
  });
});

describe('KeyedSerialQueue', () => {
  it('runs one key in order while other keys run in parallel', async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];
    const step = (name: string, ms: number) => () =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          log.push(name);
          resolve();
        }, ms),
      );
    const all = [
      queue.run('a', step('a1', 20)),
      queue.run('a', step('a2', 1)),
      queue.run('b', step('b1', 5)),
    ];
    await Promise.all(all);
    expect(log).toEqual(['b1', 'a1', 'a2']);
    await queue.drain();
    expect(queue.size).toBe(0);
  });
});
