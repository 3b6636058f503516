/**
 * Which admin group each fan's topic jobs go to when there are several (ADMIN_CHAT_IDS): the
 * group of their topic (`conversations.chat_id`), else the one they were assigned before
 * their topic existed (`users.admin_chat_id`), else a new assignment (core's
 * pickAdminGroup over each group's shared budget and queued work), stored once. Jobs are
 * placed when they are enqueued, so each group's lane and budget are the fan's group's.
 * Queued work includes the transaction's rows not inserted yet (a batch's held-back jobs,
 * the earlier newcomers of the same call), so newcomers arriving together are spread.
 */
import type { Knex } from 'knex';
import type { NewOutboxJob } from '../../../core/traffic/outbox.js';
import type { WindowRule } from '../../../core/traffic/limits.js';
import {
  budgetLeft,
  moveLane,
  pickAdminGroup,
  type GroupLoad,
} from '../../../core/traffic/overflow-groups.js';
import { decodeShared } from '../../../core/traffic/shared-window.js';
import { rowsOf } from '../raw.js';
import { toInt } from '../rows.js';

/** Places topic jobs in their fan's admin group. */
export interface FanGroupPlacer {
  /**
   * `jobs` with each topic job in its fan's group. `unwritten` are rows `q` has queued and not
   * inserted yet (a batch's held-back relay jobs): a new fan's assignment counts them too.
   */
  place(
    q: Knex | Knex.Transaction,
    jobs: readonly NewOutboxJob[],
    unwritten?: readonly { chat_id: number }[],
  ): Promise<NewOutboxJob[]>;
}

export interface FanGroupOptions {
  /** Every admin group, the primary first. */
  chatIds: readonly number[];
  /** The group window (budget) rule, as the sender applies it. */
  rule: WindowRule;
  now?: () => number;
}

/** Queued work counted per group, at most (the count stays cheap on a long queue). */
const QUEUED_CAP = 1000;

/** A placer, or undefined when there is one group (nothing to choose: jobs keep their chat). */
export function fanGroupPlacer(options: FanGroupOptions): FanGroupPlacer | undefined {
  if (options.chatIds.length <= 1) return undefined;
  const now = options.now ?? Date.now;

  async function loads(q: Knex | Knex.Transaction, unwritten: readonly { chat_id: number }[]) {
    const at = now();
    const found: GroupLoad[] = [];
    for (const chatId of options.chatIds) {
      const row = (await q('rate_windows').where({ chat_id: chatId }).first('sends')) as
        { sends: string } | undefined;
      // outbox_live_chat_index: the group's live jobs, counted up to the cap.
      const queued = rowsOf<{ n: unknown }>(
        await q.raw(
          `SELECT count(*) AS n FROM (
             SELECT id FROM outbox
             WHERE chat_id = ? AND status IN ('pending', 'sending') AND status = 'pending'
             LIMIT ?) AS queued`,
          [chatId, QUEUED_CAP],
        ),
      )[0];
      found.push({
        chatId,
        left: budgetLeft(decodeShared(row?.sends), at, options.rule),
        queued: toInt(queued?.n ?? 0) + unwritten.filter((row) => row.chat_id === chatId).length,
      });
    }
    return found;
  }

  async function assign(
    q: Knex | Knex.Transaction,
    fanId: number,
    groups: readonly GroupLoad[],
  ): Promise<number | null> {
    const chosen = pickAdminGroup(groups);
    await q('users').where({ id: fanId }).whereNull('admin_chat_id').update({
      admin_chat_id: chosen,
    });
    // Another instance may have assigned the fan first: theirs stands.
    const row = (await q('users').where({ id: fanId }).first('admin_chat_id')) as
      { admin_chat_id: number | string | null } | undefined;
    return row?.admin_chat_id === null || row?.admin_chat_id === undefined
      ? null
      : toInt(row.admin_chat_id);
  }

  return {
    async place(q, jobs, unwritten = []) {
      const fanIds = [
        ...new Set(jobs.flatMap((j) => (j.target.type === 'topic' ? [j.target.fanId] : []))),
      ];
      if (fanIds.length === 0) return [...jobs];
      const rows = (await q('users as u')
        .leftJoin('conversations as c', 'c.user_id', 'u.id')
        .whereIn('u.id', fanIds)
        .select('u.id', 'u.admin_chat_id', 'c.chat_id')) as Array<{
        id: number | string;
        admin_chat_id: number | string | null;
        chat_id: number | string | null;
      }>;
      const groups = new Map<number, number>();
      for (const row of rows) {
        const stored = row.chat_id ?? row.admin_chat_id;
        if (stored !== null) groups.set(toInt(row.id), toInt(stored));
      }
      // Read once per call; each newcomer's jobs then count for the group they went to, so
      // the next newcomer of the same call sees them (none is inserted yet).
      let groupLoads: GroupLoad[] | undefined;
      for (const fanId of fanIds) {
        if (groups.has(fanId) || !rows.some((r) => toInt(r.id) === fanId)) continue;
        groupLoads ??= await loads(q, unwritten);
        const assigned = await assign(q, fanId, groupLoads);
        if (assigned === null) continue;
        groups.set(fanId, assigned);
        const load = groupLoads.find((g) => g.chatId === assigned);
        if (load) {
          load.queued += jobs.filter(
            (j) => j.target.type === 'topic' && j.target.fanId === fanId,
          ).length;
        }
      }
      return jobs.map((job) => {
        if (job.target.type !== 'topic') return job;
        const chatId = groups.get(job.target.fanId);
        const from = job.target.chatId;
        if (chatId === undefined || chatId === from) return job;
        return {
          ...job,
          target: { ...job.target, chatId },
          ...(job.lane === undefined ? {} : { lane: moveLane(job.lane, from, chatId) }),
        };
      });
    },
  };
}
