import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GROUP_ANONYMOUS_BOT_ID,
  type TelegramSimulator,
} from '../../../src/sandbox/telegram/index.js';
import type { TgChat, TgMessage } from '../../../src/sandbox/telegram/types.js';
import { callApi, loadSpec, ok, seedWorld, startSimulator } from './helpers.js';
import { checkAgainstSpec } from './spec-check.js';
import { messageFieldsByRole, sampleOf } from './spec-samples.js';

/**
 * The acts the simulator plays beyond plain messages: service messages and every other kind of
 * content, live locations, forwards, renames, team albums and edits, anonymous admins, a bot
 * restricted from sending. With the spec present, every update they build is checked against it.
 */
const spec = loadSpec();

interface TgUpdate {
  update_id: number;
  message?: TgMessage & { dice?: unknown };
  edited_message?: TgMessage;
  my_chat_member?: { chat: TgChat; new_chat_member: { status: string } };
}

const ALL_UPDATES = ['message', 'edited_message', 'my_chat_member', 'callback_query'];

async function drain(sim: TelegramSimulator): Promise<TgUpdate[]> {
  return ok<TgUpdate[]>(sim, 'getUpdates', { offset: 0, allowed_updates: ALL_UPDATES });
}

function specProblems(updates: TgUpdate[]): string[] {
  if (!spec) return [];
  return updates.flatMap((u) => checkAgainstSpec(spec, u, 'Update', `update ${u.update_id}`));
}

describe('simulator scenes', () => {
  let sim: TelegramSimulator;

  beforeEach(async () => {
    sim = await startSimulator({ rateLimits: false });
    await ok(sim, 'getUpdates', { allowed_updates: ALL_UPDATES });
  });

  afterEach(async () => {
    await sim.close();
  });

  it('spec samples: a valid value of every Bot API type, and Message fields sorted by role', () => {
    if (!spec) {
      expect(spec).toBeUndefined();
      return;
    }
    const problems = Object.keys(spec.types).flatMap((type) =>
      checkAgainstSpec(spec, sampleOf(spec, type), type, type),
    );
    expect(problems).toEqual([]);
    const roles = messageFieldsByRole(spec);
    expect(roles.content).toEqual(expect.arrayContaining(['text', 'photo', 'poll', 'dice']));
    expect(roles.service).toEqual(
      expect.arrayContaining([
        'message_auto_delete_timer_changed',
        'chat_background_set',
        'gift',
        'boost_added',
        'successful_payment',
        'pinned_message',
      ]),
    );
    expect(roles.service.length).toBeGreaterThan(13);
  });

  it('sends every service message and every content kind of the spec as a private message', async () => {
    const { fan } = seedWorld(sim);
    if (!spec) {
      sim.control.fanSendsFields(fan.id, { dice: { emoji: '🎲', value: 3 } });
      const [update] = (await drain(sim)).slice(-1);
      expect(update?.message?.dice).toEqual({ emoji: '🎲', value: 3 });
      return;
    }
    const roles = messageFieldsByRole(spec);
    const fields = [...roles.service, ...roles.content.filter((f) => f !== 'text')];
    for (const field of fields) {
      const type = spec.types.Message!.fields!.find((f) => f.name === field)!.types.join(' or ');
      sim.control.fanSendsFields(fan.id, { [field]: sampleOf(spec, type) });
    }
    const updates = (await drain(sim)).filter((u) => u.message?.chat.id === fan.id);
    const sent = updates.map((u) => Object.keys(u.message!).find((k) => fields.includes(k)));
    expect(sent.slice(-fields.length)).toEqual(fields);
    expect(specProblems(updates)).toEqual([]);
    expect(sim.control.violations()).toEqual([]);
  });

  it('dice and polls', async () => {
    const { fan } = seedWorld(sim);
    const dice = sim.control.fanSendsDice(fan.id, '🎯');
    const poll = sim.control.fanSendsPoll(fan.id, 'Which day?', ['Mon', 'Tue']);
    expect((dice as unknown as { dice: { value: number } }).dice.value).toBeGreaterThan(0);
    expect((poll as unknown as { poll: { options: unknown[] } }).poll.options).toHaveLength(2);
    expect(specProblems(await drain(sim))).toEqual([]);
  });

  it('copies a poll as a poll; a service message cannot be copied', async () => {
    const { fan, groupId, topicId } = seedWorld(sim);
    const poll = sim.control.fanSendsPoll(fan.id, 'Which day?', ['Mon', 'Tue']);
    await ok(sim, 'copyMessage', {
      chat_id: groupId,
      message_thread_id: topicId,
      from_chat_id: fan.id,
      message_id: poll.message_id,
    });
    const copies = sim.control.messages(groupId, { threadId: topicId });
    expect(copies.at(-1)?.kind).toBe('poll');
    const gift = sim.control.fanSendsFields(fan.id, {
      chat_background_set: { type: { type: 'fill' } },
    });
    const refused = await callApi(sim, 'copyMessage', {
      chat_id: groupId,
      from_chat_id: fan.id,
      message_id: gift.message_id,
    });
    expect(refused.body).toMatchObject({
      ok: false,
      description: "Bad Request: message can't be copied",
    });
  });

  it('a live location: shared, moved (edited_message with live_period), stopped (without)', async () => {
    const { fan } = seedWorld(sim);
    const live = sim.control.fanSendsLiveLocation(fan.id, 48.85, 2.35, { livePeriod: 3600 });
    expect(live.location?.live_period).toBe(3600);
    sim.control.fanMovesLiveLocation(fan.id, live.message_id, 48.86, 2.36);
    sim.control.fanStopsLiveLocation(fan.id, live.message_id);
    expect(() => sim.control.fanMovesLiveLocation(fan.id, live.message_id, 1, 1)).toThrow(
      /not a live location/,
    );
    const updates = await drain(sim);
    const edits = updates.filter((u) => u.edited_message?.message_id === live.message_id);
    expect(edits.map((u) => u.edited_message!.location)).toEqual([
      expect.objectContaining({ latitude: 48.86, live_period: 3600 }),
      { latitude: 48.86, longitude: 2.36 },
    ]);
    expect(edits.every((u) => typeof u.edited_message!.edit_date === 'number')).toBe(true);
    expect(specProblems(updates)).toEqual([]);
  });

  it('forwards keep their origin: a user, a hidden user, a chat', async () => {
    const { fan, admin, groupId } = seedWorld(sim);
    const other = sim.control.createUser({ first_name: 'Other' });
    const a = sim.control.fanSendsText(fan.id, 'fwd', { forwardFrom: { userId: other.id } });
    const b = sim.control.fanSendsText(fan.id, 'fwd', { forwardFrom: { hiddenName: 'Ghost' } });
    const c = sim.control.fanSendsPhoto(fan.id, { caption: 'x' });
    const d = sim.control.fanSends(fan.id, 'from a group', { forwardFrom: { chatId: groupId } });
    expect(a.forward_origin).toMatchObject({ type: 'user', sender_user: { id: other.id } });
    expect(b.forward_origin).toMatchObject({ type: 'hidden_user', sender_user_name: 'Ghost' });
    expect(c.forward_origin).toBeUndefined();
    expect(d.forward_origin).toMatchObject({ type: 'chat', sender_chat: { id: groupId } });
    expect(sim.control.message(fan.id, a.message_id)?.forwardedFromUserId).toBe(other.id);
    expect(admin.id).toBeGreaterThan(0);
    expect(specProblems(await drain(sim))).toEqual([]);
  });

  it('a renamed user: no update, the next message carries the new name', async () => {
    const { fan } = seedWorld(sim);
    sim.control.renameUser(fan.id, { first_name: 'Renamed', last_name: 'Fan', username: null });
    const next = sim.control.fanSendsText(fan.id, 'hi');
    expect(next.from).toMatchObject({ id: fan.id, first_name: 'Renamed', last_name: 'Fan' });
    expect(next.from?.username).toBeUndefined();
    expect(next.chat).toMatchObject({ first_name: 'Renamed', last_name: 'Fan' });
    const chat = await ok<{ first_name: string }>(sim, 'getChat', { chat_id: fan.id });
    expect(chat.first_name).toBe('Renamed');
    expect(specProblems(await drain(sim))).toEqual([]);
  });

  it('the team: an album in a topic, text and media edits, an anonymous admin', async () => {
    const { admin, groupId, topicId } = seedWorld(sim);
    const album = sim.control.adminSendsAlbumInTopic(admin.id, groupId, topicId, [
      { kind: 'photo', caption: 'one' },
      { kind: 'video' },
    ]);
    expect(new Set(album.map((m) => m.media_group_id)).size).toBe(1);
    expect(album.every((m) => m.message_thread_id === topicId)).toBe(true);
    const text = sim.control.adminSendsInTopic(admin.id, groupId, topicId, 'Hello');
    sim.control.adminEdits(admin.id, groupId, text.message_id, 'Hello again https://x.y');
    sim.control.adminEdits(admin.id, groupId, album[0]!.message_id, 'new caption');
    const replaced = sim.control.adminEditsMedia(admin.id, groupId, album[0]!.message_id, {
      kind: 'document',
      caption: 'now a file',
    });
    expect(replaced.photo).toBeUndefined();
    expect(replaced.document).toBeDefined();
    expect(replaced.caption).toBe('now a file');
    expect(() =>
      sim.control.adminEditsMedia(admin.id, groupId, text.message_id, { kind: 'photo' }),
    ).toThrow(/no media/);
    const anonymous = sim.control.anonymousAdminSendsInTopic(groupId, topicId, 'as the group');
    expect(anonymous.from?.id).toBe(GROUP_ANONYMOUS_BOT_ID);
    expect(anonymous.sender_chat?.id).toBe(groupId);
    const updates = await drain(sim);
    const edited = updates.filter((u) => u.edited_message).map((u) => u.edited_message!);
    expect(edited.map((m) => m.text ?? m.caption)).toEqual([
      'Hello again https://x.y',
      'new caption',
      'now a file',
    ]);
    expect(specProblems(updates)).toEqual([]);
  });

  it('a bot restricted in the group: my_chat_member, then sends fail with "not enough rights"', async () => {
    const { groupId, topicId } = seedWorld(sim);
    sim.control.setBotMembership(groupId, { status: 'restricted' });
    const response = await callApi(sim, 'sendMessage', {
      chat_id: groupId,
      message_thread_id: topicId,
      text: 'hi',
    });
    expect(response.body).toMatchObject({
      ok: false,
      error_code: 400,
      description: 'Bad Request: not enough rights to send text messages to the chat',
    });
    sim.control.setBotMembership(groupId, { status: 'administrator' });
    await ok(sim, 'sendMessage', { chat_id: groupId, message_thread_id: topicId, text: 'back' });
    const updates = await drain(sim);
    const statuses = updates
      .filter((u) => u.my_chat_member?.chat.id === groupId)
      .map((u) => u.my_chat_member!.new_chat_member.status);
    expect(statuses.slice(-2)).toEqual(['restricted', 'administrator']);
    expect(specProblems(updates)).toEqual([]);
  });

  it('waitFor refuses an async predicate instead of passing at once', async () => {
    await expect(sim.control.waitFor(async () => false, 200, 'never')).rejects.toThrow(
      /returned a Promise/,
    );
  });

  it('Stars: a subscription paid through an invoice link, renewed, cancelled; transactions and balance', async () => {
    const { fan } = seedWorld(sim);
    const link = await ok<string>(sim, 'createInvoiceLink', {
      title: 'Monthly pass',
      description: '30 days',
      payload: 'pass:7',
      currency: 'XTR',
      prices: [{ label: 'Pass', amount: 250 }],
      subscription_period: 2592000,
    });
    const query = sim.control.fanOpensInvoiceLink(fan.id, link);
    await ok(sim, 'answerPreCheckoutQuery', { pre_checkout_query_id: query, ok: true });
    const first = sim.control.payments()[0]!;
    const renewal = sim.control.renewSubscription(fan.id, first.telegramChargeId);
    expect(renewal).toMatch(/^stxsim/);
    sim.control.fanCancelsSubscription(fan.id, first.telegramChargeId);
    expect(sim.control.renewSubscription(fan.id, first.telegramChargeId)).toBeNull();
    await ok(sim, 'refundStarPayment', { user_id: fan.id, telegram_payment_charge_id: renewal });
    const updates = await drain(sim);
    const paid = updates
      .map((u) => u.message as { successful_payment?: Record<string, unknown> } | undefined)
      .filter((m) => m?.successful_payment)
      .map((m) => m!.successful_payment!);
    expect(paid).toEqual([
      expect.objectContaining({ total_amount: 250, is_recurring: true, is_first_recurring: true }),
      expect.objectContaining({ invoice_payload: 'pass:7', is_recurring: true }),
    ]);
    expect(paid[1]!.is_first_recurring).toBeUndefined();
    expect(Number(paid[1]!.subscription_expiration_date)).toBe(
      Number(paid[0]!.subscription_expiration_date) + 2592000,
    );
    expect(specProblems(updates)).toEqual([]);
    const history = await ok<{
      transactions: { amount: number; source?: unknown; receiver?: unknown }[];
    }>(sim, 'getStarTransactions', {});
    expect(history.transactions.filter((t) => t.source)).toHaveLength(2);
    expect(history.transactions.filter((t) => t.receiver)).toHaveLength(1);
    expect(await ok(sim, 'getMyStarBalance', {})).toEqual({ amount: 250 });
  });

  it('Stars: a pre-checkout query answered after Telegram’s deadline is refused, nothing is paid', async () => {
    let now = 1_800_000_000_000;
    const slow = await startSimulator({
      rateLimits: false,
      clock: { now: () => now },
      preCheckoutTimeoutSeconds: 10,
    });
    try {
      const fan = slow.control.createUser({ first_name: 'Late' });
      slow.control.fanSendsText(fan.id, '/start');
      const query = slow.control.startPreCheckout(fan.id, {
        currency: 'XTR',
        totalAmount: 50,
        payload: 'x',
      });
      now += 10_001;
      const late = await callApi(slow, 'answerPreCheckoutQuery', {
        pre_checkout_query_id: query,
        ok: true,
      });
      expect(late.body).toMatchObject({
        ok: false,
        description:
          'Bad Request: query is too old and response timeout expired or query ID is invalid',
      });
      expect(slow.control.payments()).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});
