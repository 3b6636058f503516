/**
 * Drops' test setup: a vault item (a `premium_content` row, as /lock leaves it) and fans the
 * bot already knows (rows in `users`, their private chat open in the simulator).
 */
import type { Knex } from 'knex';
import type { TelegramSimulator } from '../../src/sandbox/telegram/index.js';

export interface FanSeed {
  tier?: 'new' | 'regular' | 'vip';
  spentCents?: number;
  lastActivity?: Date | null;
  /** Known to the bot as having blocked it (`users.is_blocked`), and blocked in Telegram. */
  knownBlocked?: boolean;
}

/**
 * A vault item holding one photo the team posted in the admin group (Telegram knows its
 * file id), stored as /lock stores it; returns its id.
 */
export async function seedItem(
  sim: TelegramSimulator,
  db: Knex,
  place: { chatId: number; threadId: number; ownerId: number },
  title: string,
  priceCredits: number,
): Promise<number> {
  const posted = sim.control.adminSendsInTopic(place.ownerId, place.chatId, place.threadId, {
    kind: 'photo',
  });
  const fileId = posted.photo!.at(-1)!.file_id;
  const [row] = (await db('premium_content')
    .insert({
      title,
      price_credits: priceCredits,
      media_kind: 'photo',
      file_id: fileId,
      active: true,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .returning('id')) as Array<{ id: number } | number>;
  return Number(typeof row === 'object' ? row.id : row);
}

/** Creates `count` fans in the simulator and the database; returns their ids in order. */
export async function seedFans(
  sim: TelegramSimulator,
  db: Knex,
  count: number,
  seed: (index: number) => FanSeed = () => ({}),
): Promise<number[]> {
  const ids: number[] = [];
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const fan = sim.control.createUser({ first_name: `Dropfan${i}`, language_code: 'en' });
    sim.control.startedEarlier(fan.id);
    const s = seed(i);
    ids.push(fan.id);
    rows.push({
      id: fan.id,
      first_name: fan.first_name,
      language_code: 'en',
      tier: s.tier ?? 'new',
      total_spent_cents: s.spentCents ?? 0,
      last_activity_at: s.lastActivity === undefined ? new Date() : s.lastActivity,
      is_blocked: s.knownBlocked ?? false,
      created_at: new Date(),
      updated_at: new Date(),
    });
  }
  for (let i = 0; i < rows.length; i += 100) await db('users').insert(rows.slice(i, i + 100));
  // Blocked in Telegram too (the bot already knew: its my_chat_member changes nothing).
  for (let i = 0; i < count; i++) if (seed(i).knownBlocked) sim.control.blockBot(ids[i]!);
  return ids;
}

/** The messages the bot sent to `fanId` (in these scenarios, only teasers). */
export function teasersOf(sim: TelegramSimulator, fanId: number): number {
  return sim.control.messages(fanId).filter((m) => m.fromBot).length;
}
