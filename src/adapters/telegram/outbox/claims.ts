/** Claiming work the budget can take soon: lane heads, and the followers a head can batch. */
import { MAX_BATCH, batchWith, type OutboxJob } from '../../../core/traffic/outbox.js';
import { putBack } from './bookkeeping.js';
import type { Dispatch, OutboxWorkerDeps } from './deps.js';

/** Who claims, for how long, from which store. */
export interface Claimer {
  deps: Pick<OutboxWorkerDeps, 'store' | 'sender' | 'adminChatId'>;
  workerId: string;
  leaseMs: number;
}

/**
 * Claims up to `limit` lane heads: groups first, as far as the admin group's shared budget
 * allows once the calls already waiting for it are counted, then private chats.
 */
export async function claimLaneHeads(
  claimer: Claimer,
  now: number,
  limit: number,
  waiting: readonly Dispatch[],
): Promise<OutboxJob[]> {
  const scheduler = claimer.deps.sender.scheduler;
  const blocked = scheduler.blockedChats(now);
  const admin = claimer.deps.adminChatId;
  const adminWaiting = waiting.filter((d) => d.chatId === admin).length;
  const groupLimit = Math.min(limit, scheduler.capacity(admin, now) - adminWaiting);
  const groups = await claimSome(claimer, groupLimit, false, blocked);
  const privates = await claimSome(claimer, limit - groups.length, true, blocked);
  return [...groups, ...privates];
}

async function claimSome(
  claimer: Claimer,
  limit: number,
  privateChats: boolean,
  blocked: readonly number[],
): Promise<OutboxJob[]> {
  if (limit <= 0) return [];
  return claimer.deps.store.claim({
    workerId: claimer.workerId,
    leaseMs: claimer.leaseMs,
    limit,
    excludeChatIds: blocked.filter((c) => (privateChats ? c > 0 : c < 0)),
    privateChats,
  });
}

/** Followers of a batchable head that may ride along in one copyMessages call. */
export async function batchFollowers(claimer: Claimer, head: OutboxJob): Promise<OutboxJob[]> {
  const sender = claimer.deps.sender;
  const chatId = head.target.chatId;
  const perMessage = sender.limits.batchCost === 'per_message';
  // The whole batch must fit the budget that is free now (the head included).
  const room = perMessage ? sender.scheduler.capacity(chatId, sender.clock()) : MAX_BATCH;
  if (room <= 1) return [];
  const followers = await claimer.deps.store.claimFollowers(
    head,
    claimer.workerId,
    claimer.leaseMs,
    Math.min(room, MAX_BATCH) - 1,
  );
  const batch = batchWith(head, followers, Math.min(MAX_BATCH, room));
  const rest = followers.slice(batch.length);
  if (rest.length > 0) await putBack(claimer.deps.store, rest, 'not batched');
  return batch;
}
