/**
 * Claims (core/team/claims.ts) over `fan_claims`, and the collision guard's held messages
 * (core/team/held.ts) over `team_held_messages`. Every move is one conditional statement:
 * an insert that does nothing when the fan is claimed, an update or delete that names the
 * claimer it expects, so concurrent presses on several instances act once.
 */
import type { Knex } from 'knex';
import type { Claim, ClaimOutcome, ClaimStore } from '../../core/team/claims.js';
import type { HeldMessage, HeldMessageStore } from '../../core/team/held.js';
import type { TeamReplyInput } from '../../core/relay/team-reply.js';
import { toInt, toRequiredDate } from './rows.js';

interface ClaimRow {
  fan_id: unknown;
  user_id: unknown;
  claimed_at: unknown;
}

function toClaim(row: ClaimRow): Claim {
  return {
    fanId: toInt(row.fan_id),
    userId: toInt(row.user_id),
    claimedAt: toRequiredDate(row.claimed_at),
  };
}

export function createClaimStore(db: Knex, now: () => Date = () => new Date()): ClaimStore {
  async function holderOf(fanId: number): Promise<number | null> {
    const row = (await db('fan_claims').where('fan_id', fanId).first('user_id')) as
      { user_id: unknown } | undefined;
    return row ? toInt(row.user_id) : null;
  }
  return {
    async claimOf(fanId) {
      const row = (await db('fan_claims').where('fan_id', fanId).first()) as ClaimRow | undefined;
      return row ? toClaim(row) : null;
    },
    async claimsOf(fanIds) {
      const claims = new Map<number, Claim>();
      if (fanIds.length === 0) return claims;
      const rows = (await db('fan_claims').whereIn('fan_id', [...fanIds])) as ClaimRow[];
      for (const row of rows) claims.set(toInt(row.fan_id), toClaim(row));
      return claims;
    },
    async claim(fanId, userId, expected): Promise<ClaimOutcome> {
      const before = await holderOf(fanId);
      if (before === userId) return { ok: true, holder: userId, before };
      const row = { fan_id: fanId, user_id: userId, claimed_at: now() };
      let changed: number;
      if (before === null) {
        if (expected !== null && expected !== 'any') {
          return { ok: false, holder: null, before };
        }
        const inserted = (await db('fan_claims')
          .insert(row)
          .onConflict('fan_id')
          .ignore()
          .returning('fan_id')) as unknown[];
        changed = inserted.length;
      } else {
        if (expected !== 'any' && expected !== before) return { ok: false, holder: before, before };
        changed = await db('fan_claims')
          .where({ fan_id: fanId, user_id: before })
          .update({ user_id: userId, claimed_at: row.claimed_at });
      }
      if (changed === 1) return { ok: true, holder: userId, before };
      // Someone else moved it between the read and the write.
      const holder = await holderOf(fanId);
      return { ok: holder === userId, holder, before };
    },
    async release(fanId, expected) {
      const query = db('fan_claims').where('fan_id', fanId);
      if (expected !== 'any') query.where('user_id', expected);
      return (await query.delete()) === 1;
    },
    async releaseAllOf(userId) {
      const rows = (await db('fan_claims').where('user_id', userId).select('fan_id')) as {
        fan_id: unknown;
      }[];
      const released: number[] = [];
      for (const row of rows) {
        const fanId = toInt(row.fan_id);
        // One by one, so a fan taken over meanwhile is not counted as released.
        const gone = await db('fan_claims').where({ fan_id: fanId, user_id: userId }).delete();
        if (gone === 1) released.push(fanId);
      }
      return released;
    },
  };
}

interface HeldRow {
  id: unknown;
  fan_id: unknown;
  author_id: unknown;
  claimer_id: unknown;
  thread_id: unknown;
  message_id: unknown;
  input: string;
  status: HeldMessage['status'];
}

function toHeld(row: HeldRow): HeldMessage {
  return {
    id: toInt(row.id),
    fanId: toInt(row.fan_id),
    authorId: toInt(row.author_id),
    claimerId: toInt(row.claimer_id),
    threadId: toInt(row.thread_id),
    messageId: toInt(row.message_id),
    input: JSON.parse(row.input) as TeamReplyInput,
    status: row.status,
  };
}

export function createHeldMessageStore(db: Knex): HeldMessageStore {
  return {
    async hold(message, now) {
      await db('team_held_messages')
        .insert({
          fan_id: message.fanId,
          author_id: message.authorId,
          claimer_id: message.claimerId,
          chat_id: message.input.chatId,
          thread_id: message.threadId,
          message_id: message.messageId,
          input: JSON.stringify(message.input),
          status: 'held',
          created_at: now,
        })
        .onConflict(['chat_id', 'message_id'])
        .ignore();
      const row = (await db('team_held_messages')
        .where({ chat_id: message.input.chatId, message_id: message.messageId })
        .first('id')) as { id: unknown };
      return toInt(row.id);
    },
    async get(id) {
      const row = (await db('team_held_messages').where('id', id).first()) as HeldRow | undefined;
      return row ? toHeld(row) : null;
    },
    async decide(id, status, now) {
      const changed = await db('team_held_messages')
        .where({ id, status: 'held' })
        .update({ status, decided_at: now });
      return changed === 1;
    },
  };
}
