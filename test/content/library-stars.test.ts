/**
 * Issue 18 acceptance, on SQLite and Postgres, through the simulators: `/library` lists what
 * the fan unlocked — nothing else — a page at a time and resends any item free; an item with
 * a Stars price goes out as Telegram paid media (sendPaidMedia), and buying it
 * (`purchased_paid_media`) lands in the fan's library and the item's figures (issue 15).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentStore } from '../../src/adapters/db/content-store.js';
import {
  expectNoViolations,
  fanWithTopic,
  lockAlbum,
  ppv,
  sentTo,
  startContentEnv,
  until,
  type ContentEnv,
} from './env.js';

/** The fan's latest library message. */
function libraryOf(env: ContentEnv, fanId: number) {
  return env.tg.control.waitFor(
    () => sentTo(env, fanId).findLast((m) => m.text?.startsWith('📚')),
    15_000,
    'the library',
  );
}

describe('the library and Stars paid media', () => {
  let env: ContentEnv;
  beforeAll(async () => {
    env = await startContentEnv('library');
  });
  afterAll(async () => {
    if (env) expectNoViolations(env);
    await env?.close();
  });

  it('/library lists the unlocked items only, and resends one free', async () => {
    const beach = (await lockAlbum(env, '5 Beach set')).id;
    const other = (await lockAlbum(env, '5 Not bought', 2)).id;
    const { fan, threadId } = await fanWithTopic(env, 'Lia', 20);
    const stranger = await fanWithTopic(env, 'Sam', 0);
    env.tg.control.fanSendsText(stranger.fan.id, '/library');
    expect((await libraryOf(env, stranger.fan.id)).text).toContain('Your library is empty');

    env.tg.control.fanSendsText(fan.id, '/library');
    expect((await libraryOf(env, fan.id)).text).toContain('Your library is empty');
    const teaser = await ppv(env, threadId, fan.id, `#${beach}`);
    env.tg.control.pressButton(fan.id, fan.id, teaser.messageId, `cu:${beach}`);
    const albums = () =>
      env.tg.control
        .calls({ method: 'sendMediaGroup' })
        .filter((c) => c.params.chat_id === fan.id && c.outcome === 'ok');
    await env.tg.control.waitFor(() => albums().length === 1, 15_000, 'the unlock');

    const before = sentTo(env, fan.id).length;
    env.tg.control.fanSendsText(fan.id, '/library');
    const library = await env.tg.control.waitFor(
      () =>
        sentTo(env, fan.id)
          .slice(before)
          .find((m) => m.text?.startsWith('📚')),
      15_000,
      'the library',
    );
    expect(library.text).toContain('1 item');
    const buttons = library.buttons.flat();
    expect(buttons.map((b) => b.callbackData)).toEqual([`lib:s:${beach}`]);
    expect(buttons[0]!.text).toBe('📦 Beach set (3 files)');
    expect(buttons.some((b) => b.callbackData === `lib:s:${other}`)).toBe(false);

    // A minute later (the spacing of free resends), the button sends the item again, free.
    await env.testDb
      .db('content_purchases')
      .where({ user_id: fan.id })
      .update({ last_sent_at_ms: 0 });
    const credits = (await env.runtime.ledger.balance(fan.id)).credits;
    env.tg.control.pressButton(fan.id, fan.id, library.messageId, `lib:s:${beach}`);
    await env.tg.control.waitFor(() => albums().length === 2, 15_000, 'the resend');
    // A double tap right after sends nothing more.
    env.tg.control.pressButton(fan.id, fan.id, library.messageId, `lib:s:${beach}`);
    await until(async () => {
      const answers = env.tg.control.calls({ method: 'answerCallbackQuery' });
      return answers.some((c) => String(c.params.text ?? '').includes('Already sent'));
    }, 'the double tap answered');
    expect(albums()).toHaveLength(2);
    expect((await env.runtime.ledger.balance(fan.id)).credits).toBe(credits);
  });

  it('a Stars item goes out as paid media; buying it lands in /library and the figures', async () => {
    const { id } = await lockAlbum(env, '40 Night set --stars 50', 2);
    const { fan, threadId } = await fanWithTopic(env, 'Max', 0);
    const teaser = await ppv(env, threadId, fan.id, `#${id}`);
    expect(teaser.kind).toBe('paid_media');
    expect(teaser.raw.paid_media?.star_count).toBe(50);
    expect(teaser.caption).toContain('40 credits or ⭐ 50');
    env.tg.control.buyPaidMedia(fan.id, teaser.messageId);
    await until(
      async () =>
        (await env.testDb.db('content_purchases').where({ user_id: fan.id })).length === 1,
      'the Stars purchase recorded',
    );
    const purchase = (await env.testDb
      .db('content_purchases')
      .where({ user_id: fan.id })
      .first()) as Record<string, unknown>;
    expect(purchase).toMatchObject({ source: 'stars', stars: 50, credits: 0 });
    env.tg.control.fanSendsText(fan.id, '/library');
    const library = await libraryOf(env, fan.id);
    expect(library.buttons.flat().map((b) => b.callbackData)).toEqual([`lib:s:${id}`]);
    const page = await createContentStore(env.testDb.db).listItems({ offset: 0, limit: 10 });
    expect(page.items.find((i) => i.id === id)!.figures).toMatchObject({ sales: 1, stars: 50 });
    await env.tg.control.waitFor(
      () =>
        env.tg.control
          .messages(env.adminChatId, { threadId })
          .some((m) => m.text === `🔓 Max unlocked #${id} "Night set" (⭐ 50).`),
      15_000,
      'the team note',
    );
    expect((await env.runtime.ledger.balance(fan.id)).credits).toBe(0);
  });
});
