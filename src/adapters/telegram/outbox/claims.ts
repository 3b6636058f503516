/** Claiming work the budget can take soon: lane heads, and the followers a head can batch. */
import {
  MAX_BATCH,
  PRIORITY,
  albumBatch,
  batchWith,
  isBatchable,
  shouldBatch,
  type OutboxJob,
  type OutboxStore,
} from '../../../core/traffic/outbox.js';
import { putBack } from './bookkeeping.js';
import { adminGroupsOf, type Dispatch, type OutboxWorkerDeps } from './deps.js';

/** Who claims, for how long, from which store. */
export interface Claimer {
  deps: Pick<OutboxWorkerDeps, 'store' | 'sender' | 'adminChatId' | 'adminChatIds'>;
  workerId: string;
  leaseMs: number;
}

/**
 * Claims up to `limit` lane heads: groups first, as far as the admin groups' shared budgets
 * allow once the messages already waiting for each are counted (an album waiting for room
 * for all its items holds back new claims, so it is not starved one slot at a time; a full
 * group is left out so another group's heads are claimed), then private chats.
 */
export async function claimLaneHeads(
  claimer: Claimer,
  now: number,
  limit: number,
  waiting: readonly Dispatch[],
): Promise<OutboxJob[]> {
  const scheduler = claimer.deps.sender.scheduler;
  const blocked = scheduler.blockedChats(now);
  const perMessage = claimer.deps.sender.limits.batchCost === 'per_message';
  let room = 0;
  for (const admin of adminGroupsOf(claimer.deps)) {
    const adminWaiting = waiting
      .filter((d) => d.chatId === admin)
      .reduce((sum, d) => sum + (perMessage ? d.jobs.length : 1), 0);
    const free = scheduler.capacity(admin, now) - adminWaiting;
    if (free > 0) room += free;
    else if (!blocked.includes(admin)) blocked.push(admin);
  }
  const groupLimit = Math.min(limit, room);
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

/**
 * The jobs `head` is sent with (itself first, or its album in order): an album's items all
 * leave in one call whatever the budget free now (the call waits for room for all of them,
 * never splits the album); plain copies ride together when the chat's budget is the
 * bottleneck (`shouldBatch`), up to the budget free now.
 */
export async function batchOf(claimer: Claimer, head: OutboxJob): Promise<OutboxJob[]> {
  if (head.albumKey) {
    const siblings = await claimer.deps.store.claimAlbum(head, claimer.workerId, claimer.leaseMs);
    const { batch, rest } = albumBatch(head, siblings);
    if (rest.length > 0) await putBack(claimer.deps.store, rest, 'not part of the album call');
    return batch;
  }
  const sender = claimer.deps.sender;
  const chatId = head.target.chatId;
  if (!isBatchable(head) || !shouldBatch(chatId, sender.scheduler.capacity(chatId, sender.clock())))
    return [head];
  return [head, ...(await batchFollowers(claimer, head))];
}

/** Followers of a batchable head that may ride along in one copyMessages call. */
async function batchFollowers(claimer: Claimer, head: OutboxJob): Promise<OutboxJob[]> {
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

/**
 * True when a batch may leave with fewer jobs than it claimed: plain copies, each costing
 * one unit of the budget (`per_message`), the head first. An album always leaves whole.
 */
export function trimmable(jobs: readonly OutboxJob[], cost: number): boolean {
  return jobs.length > 1 && cost === jobs.length && !jobs[0]!.albumKey;
}

/**
 * True when `head` is background work (a card edit, a lost-sale line, a topic title) for a
 * group that has relays or notes queued or in flight (in any instance): their lanes have
 * more to send, so it must not take a unit of the group's budget they could use. It goes
 * back to the queue for a moment (`BACKGROUND_RETRY_WINDOWS`) and leaves once they are done
 * — at once when relays of its own lane wait behind it (`OutboxStore.hasQueuedAbove`).
 */
export async function yieldsToRelays(
  store: Pick<OutboxStore, 'hasQueuedAbove'>,
  head: OutboxJob,
): Promise<boolean> {
  if (head.target.chatId >= 0 || head.priority > PRIORITY.background) return false;
  return (await store.hasQueuedAbove?.(head)) ?? false;
}

/** How long (in group windows) background work that yielded waits before it is claimed again. */
export const BACKGROUND_RETRY_WINDOWS = 1 / 12;
