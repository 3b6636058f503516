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

/** What one claim round took, and what it says about the work left. */
export interface ClaimedHeads {
  jobs: OutboxJob[];
  /** As many heads as asked for: more may be claimable at once. */
  limited: boolean;
  /** Group heads were cut to an admin group's free budget: more may wait for it. */
  held: boolean;
  /** Some chats were left out (paused, out of budget): their due jobs wait for time to pass. */
  excluded: boolean;
  /** Per kind of chat: claimed for it and found fewer heads than asked (nothing more now). */
  drained: { groups: boolean; privates: boolean };
}

/** Which kinds of chat a round claims for (one known to have nothing claimable is skipped). */
export interface ClaimKinds {
  groups: boolean;
  privates: boolean;
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
  kinds: ClaimKinds = { groups: true, privates: true },
): Promise<ClaimedHeads> {
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
  const groupLimit = kinds.groups ? Math.min(limit, room) : 0;
  const groups = await claimSome(claimer, groupLimit, false, blocked);
  const privateLimit = kinds.privates ? limit - groups.length : 0;
  const privates = await claimSome(claimer, privateLimit, true, blocked);
  return {
    jobs: [...groups, ...privates],
    limited: groups.length + privates.length >= limit,
    held: kinds.groups && groupLimit < limit && groups.length >= groupLimit,
    excluded: blocked.length > 0,
    // Not when some chats of the kind were left out: their jobs come due with time.
    drained: {
      groups: groupLimit > 0 && groups.length < groupLimit && !blocked.some((c) => c < 0),
      privates: privateLimit > 0 && privates.length < privateLimit && !blocked.some((c) => c > 0),
    },
  };
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
  // The claim said nothing waits behind the head in its lane: no follower to look for.
  if (head.laneHasMore === false) return [head];
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

/**
 * Never less than this (ms): with a shrunk window (`--traffic-config`, tests, benchmarks) a
 * wait of 1/12 of it is under a millisecond, and background work would be claimed and put
 * back again as fast as the worker can go while relays are in flight.
 */
export const BACKGROUND_RETRY_MIN_MS = 100;

/** How long background work that yielded to relays waits before it is claimed again (ms). */
export function backgroundRetryMs(windowMs: number): number {
  return Math.max(BACKGROUND_RETRY_MIN_MS, Math.ceil(windowMs * BACKGROUND_RETRY_WINDOWS));
}
