/**
 * Issue 18 acceptance, on SQLite and Postgres, through the simulators: `/lock 30` on an
 * album stores one vault item with its 3 files; `/ppv` in a fan's topic sends the fan a
 * spoiler teaser with the unlock button (and "Pay $5.00" with a money price); bad input
 * (`/lock` on a text, a negative or absurd price, an unknown item) gets a clear answer and
 * stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerIn,
  expectNoViolations,
  fanWithTopic,
  lockAlbum,
  ppv,
  startContentEnv,
  vaultRows,
  type ContentEnv,
} from './env.js';

describe('the vault and pay-per-view', () => {
  let env: ContentEnv;
  beforeAll(async () => {
    env = await startContentEnv('vault');
  });
  afterAll(async () => {
    if (env) expectNoViolations(env);
    await env?.close();
  });

  it('/lock 30 on an album → one item with 3 files; /ppv → a spoiler teaser with its buttons', async () => {
    const { id, album } = await lockAlbum(env, '30 Beach set --usd 5');
    const rows = await vaultRows(env);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, title: 'Beach set', price_credits: 30, price_cents: 500 });
    const files = JSON.parse(String(rows[0]!.files)) as { kind: string; fileId: string }[];
    expect(files.map((f) => f.kind)).toEqual(['photo', 'photo', 'photo']);
    const albumFileIds = album.map((m) => m.photo!.at(-1)!.file_id);
    expect(files.map((f) => f.fileId)).toEqual(albumFileIds);

    const { fan, threadId } = await fanWithTopic(env, 'Ada', 0);
    const teaser = await ppv(env, threadId, fan.id, `#${id}`);
    expect(teaser.kind).toBe('photo');
    expect(teaser.raw.has_media_spoiler).toBe(true);
    expect(teaser.caption).toContain('Beach set');
    expect(teaser.caption).toContain('30 credits');
    const buttons = teaser.buttons.flat();
    expect(buttons.map((b) => b.callbackData)).toEqual([`cu:${id}`, `cp:${id}`]);
    expect(buttons.map((b) => b.text)).toEqual(['🔓 Unlock for 30 credits', '💳 Pay $5.00']);
    await answerIn(env, threadId, `Teaser of #${id}`);
  });

  it('/ppv PRICE replying to media in the topic locks it on the spot and sends the teaser', async () => {
    const { fan, threadId } = await fanWithTopic(env, 'Bea', 0);
    // Captioned #note, the media stays in the topic (internal): only the teaser reaches the fan.
    const video = env.tg.control.adminSendsInTopic(env.ownerId, env.adminChatId, threadId, {
      kind: 'video',
      caption: '#note for Bea',
    });
    const before = (await vaultRows(env)).length;
    const sent = env.tg.control.adminSendsInTopic(
      env.ownerId,
      env.adminChatId,
      threadId,
      '/ppv 12 Backstage',
      { replyTo: video.message_id },
    );
    const teaser = await env.tg.control.waitFor(
      () =>
        env.tg.control
          .messages(fan.id)
          .find(
            (m) => m.fromBot && m.buttons.flat().some((b) => b.callbackData?.startsWith('cu:')),
          ),
      15_000,
      'the teaser',
    );
    expect(sent.message_id).toBeGreaterThan(0);
    expect(env.tg.control.messages(fan.id).filter((m) => m.kind === 'video')).toEqual([teaser]);
    expect(teaser.kind).toBe('video');
    expect(teaser.raw.has_media_spoiler).toBe(true);
    expect(teaser.buttons.flat().map((b) => b.text)).toEqual(['🔓 Unlock for 12 credits']);
    const rows = await vaultRows(env);
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({
      title: 'Backstage',
      price_credits: 12,
      media_kind: 'video',
    });
  });

  it('bad input gets a clear answer and stores nothing', async () => {
    const before = (await vaultRows(env)).length;
    const { control } = env.tg;
    const text = control.adminSendsInTopic(env.ownerId, env.adminChatId, 1, 'just words');
    const say = (command: string, replyTo?: number) =>
      control.adminSendsInTopic(
        env.ownerId,
        env.adminChatId,
        1,
        command,
        replyTo ? { replyTo } : {},
      );
    say('/lock 30', text.message_id);
    await answerIn(env, 1, 'Nothing to lock');
    const photo = control.adminSendsInTopic(env.ownerId, env.adminChatId, 1, { kind: 'photo' });
    say('/lock -5', photo.message_id);
    await answerIn(env, 1, '"-5" is not a valid price');
    say('/lock 5000000', photo.message_id);
    await answerIn(env, 1, 'at most 100,000 credits');
    say('/lock 10 --usd 99999999', photo.message_id);
    await answerIn(env, 1, 'is not a money price in USD');
    say('/lock 10 --stars 0', photo.message_id);
    await answerIn(env, 1, 'is not a Stars price');
    say('/lock');
    await answerIn(env, 1, 'Usage: reply /lock PRICE');
    const { threadId } = await fanWithTopic(env, 'Cy', 0);
    control.adminSendsInTopic(env.ownerId, env.adminChatId, threadId, '/ppv #999');
    await answerIn(env, threadId, 'There is no vault item #999');
    expect(await vaultRows(env)).toHaveLength(before);
    expect(await env.testDb.db('content_purchases')).toHaveLength(0);
  });
  it('/teaser #ID replying to a photo: the teaser shows that photo instead of the media', async () => {
    const { id } = await lockAlbum(env, '20 Gym set', 2);
    const preview = env.tg.control.adminSendsInTopic(env.ownerId, env.adminChatId, 1, {
      kind: 'photo',
    });
    env.tg.control.adminSendsInTopic(env.ownerId, env.adminChatId, 1, `/teaser #${id}`, {
      replyTo: preview.message_id,
    });
    await answerIn(env, 1, `Teaser of #${id} "Gym set": this photo`);
    const { fan, threadId } = await fanWithTopic(env, 'Dot', 0);
    const teaser = await ppv(env, threadId, fan.id, `#${id}`);
    expect(teaser.kind).toBe('photo');
    expect(teaser.media?.fileId).toBe(preview.photo!.at(-1)!.file_id);
    expect(teaser.raw.has_media_spoiler).toBeUndefined();
    expect(teaser.caption).toContain('Gym set');
  });
});
