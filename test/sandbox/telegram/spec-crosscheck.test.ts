import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  METHODS,
  REACTION_EMOJI,
  SHAPES,
  UNIONS,
  type TelegramSimulator,
  type TgMessage,
  type TgUpdate,
} from '../../../src/sandbox/telegram/index.js';
import { loadSpec, ok, specDir, startSimulator } from './helpers.js';
import { checkAgainstSpec, collectMessages } from './spec-check.js';

/**
 * Proves the simulator against the official Bot API 10.1 spec (../shared/spec, or
 * PREMIUMBOT_SPEC_DIR): its method/parameter declarations, the object shapes it validates, and
 * the updates it builds. Without the spec folder the checks are not run, and the test says so once.
 */
const spec = loadSpec();

describe('spec cross-check', () => {
  if (!spec) {
    it('is not run: the spec folder is absent', () => {
      console.log(
        `[telegram simulator] ${specDir()}/telegram-bot-api.json not found: spec cross-check not run.`,
      );
      expect(spec).toBeUndefined();
    });
    return;
  }

  it('uses Bot API 10.1', () => {
    expect(spec.version).toBe('Bot API 10.1');
  });

  it('declares only methods of the spec, with the spec return types', () => {
    const problems: string[] = [];
    for (const decl of METHODS.values()) {
      const official = spec.methods[decl.name];
      if (!official) {
        problems.push(`${decl.name}: not a Bot API method`);
        continue;
      }
      const returns = (official.returns ?? []).join(' or ');
      if (returns !== decl.returns)
        problems.push(`${decl.name}: returns ${decl.returns}, spec says ${returns}`);
    }
    expect(problems).toEqual([]);
  });

  it('declares every parameter with the spec name, types and required flag, and every required one', () => {
    const problems: string[] = [];
    for (const decl of METHODS.values()) {
      const official = new Map((spec.methods[decl.name]?.fields ?? []).map((f) => [f.name, f]));
      for (const param of decl.params) {
        const field = official.get(param.name);
        if (param.legacy) {
          if (field) problems.push(`${decl.name}.${param.name}: marked legacy but the spec has it`);
          continue;
        }
        if (!field) {
          problems.push(`${decl.name}.${param.name}: not in the spec`);
          continue;
        }
        const types = field.types.join(' or ');
        if (types !== param.type)
          problems.push(`${decl.name}.${param.name}: type ${param.type}, spec says ${types}`);
        if (field.required !== param.required) {
          problems.push(
            `${decl.name}.${param.name}: required=${param.required}, spec says ${field.required}`,
          );
        }
      }
      const declared = new Set(decl.params.map((p) => p.name));
      for (const field of official.values()) {
        if (field.required && !declared.has(field.name))
          problems.push(`${decl.name}.${field.name}: required but not declared`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('validates nested objects with the spec field names, types and required flags', () => {
    const problems: string[] = [];
    for (const [name, fields] of SHAPES) {
      const official = spec.types[name];
      if (!official) {
        problems.push(`${name}: not a Bot API type`);
        continue;
      }
      const byName = new Map((official.fields ?? []).map((f) => [f.name, f]));
      for (const field of fields) {
        const match = byName.get(field.name);
        if (!match) {
          problems.push(`${name}.${field.name}: not in the spec`);
          continue;
        }
        if (match.types.join(' or ') !== field.type)
          problems.push(`${name}.${field.name}: type ${field.type}`);
        if (match.required !== field.required)
          problems.push(`${name}.${field.name}: required=${field.required}`);
      }
      // Required fields must be checked (except `User` inside entities, which we only need the id of).
      for (const field of official.fields ?? []) {
        if (field.required && !fields.some((f) => f.name === field.name)) {
          problems.push(`${name}.${field.name}: required by the spec, not checked`);
        }
      }
    }
    for (const [union, members] of Object.entries(UNIONS)) {
      const subtypes = spec.types[union]?.subtypes ?? [];
      for (const member of Object.values(members)) {
        if (!subtypes.includes(member)) problems.push(`${union}: ${member} is not a subtype`);
      }
    }
    expect(problems.filter((p) => !p.startsWith('User.'))).toEqual([]);
  });

  it('allows exactly the reaction emoji listed in the spec', () => {
    const description = spec.types.ReactionTypeEmoji?.fields?.find(
      (f) => f.name === 'emoji',
    ) as unknown as {
      description: string;
    };
    const listed = [...description.description.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect([...REACTION_EMOJI].sort()).toEqual(listed.sort());
  });

  it('has a checker that catches wrong shapes (so the checks below mean something)', () => {
    expect(checkAgainstSpec(spec, { message_id: '1' }, 'MessageId')).not.toEqual([]);
    expect(checkAgainstSpec(spec, { message_id: 1, extra: true }, 'MessageId')).not.toEqual([]);
    expect(checkAgainstSpec(spec, { update_id: 1 }, 'Update')).toEqual([]);
    expect(checkAgainstSpec(spec, { status: 'member' }, 'ChatMember')).not.toEqual([]);
  });

  describe('updates the simulator builds', () => {
    let sim: TelegramSimulator;
    let updates: TgUpdate[] = [];

    beforeAll(async () => {
      sim = await startSimulator({ rateLimits: false });
      const { control } = sim;
      // Ask for every kind, message_reaction included (it is off by default, as on Telegram).
      await ok(sim, 'getUpdates', {
        allowed_updates: [
          'message',
          'edited_message',
          'callback_query',
          'my_chat_member',
          'chat_member',
          'message_reaction',
          'pre_checkout_query',
          'purchased_paid_media',
        ],
      });
      const fan = control.createUser({
        first_name: 'Zoë_*',
        last_name: '<Fan>',
        username: 'zoe_fan',
        language_code: 'fr',
      });
      const admin = control.createUser({ first_name: 'Admin', is_premium: true });
      const start = control.fanSendsText(
        fan.id,
        '/start ref_42 see https://example.com #tag @someone',
      );
      control.fanSendsPhoto(fan.id, { caption: 'a photo /cmd' });
      control.fanSendsVoice(fan.id);
      control.fanSendsVideo(fan.id, { caption: 'v' });
      control.fanSendsDocument(fan.id);
      control.fanSendsSticker(fan.id);
      control.fanSendsAudio(fan.id, { performer: 'P', title: 'T' });
      control.fanSendsAnimation(fan.id);
      control.fanSendsVideoNote(fan.id);
      control.fanSendsLocation(fan.id, 1.5, 2.5);
      control.fanSendsContact(fan.id, { phone_number: '+100', first_name: 'C' });
      control.fanSendsAlbum(fan.id, [{ kind: 'photo', caption: 'one' }, { kind: 'video' }]);
      control.fanEdits(fan.id, start.message_id, '/start edited');
      const withButton = await ok<TgMessage>(sim, 'sendMessage', {
        chat_id: fan.id,
        text: 'Pick',
        reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] },
      });
      control.pressButton(fan.id, fan.id, withButton.message_id, 'go');
      control.fanReacts(fan.id, withButton.message_id, '👍');
      control.fanSendsText(fan.id, 'replying', { replyTo: withButton.message_id });
      const group = control.createForumGroup({ title: 'Inbox', admins: [admin.id] });
      const topic = await ok<{ message_thread_id: number }>(sim, 'createForumTopic', {
        chat_id: group.chatId,
        name: 'Zoë',
      });
      control.createTopic(group.chatId, 'By admin', { byUserId: admin.id });
      control.adminSendsInTopic(admin.id, group.chatId, topic.message_thread_id, 'Hello fan');
      control.adminSendsInTopic(admin.id, group.chatId, topic.message_thread_id, {
        kind: 'photo',
        caption: 'pic',
      });
      control.adminSendsInTopic(admin.id, group.chatId, 1, 'In General');
      control.reacts(admin.id, group.chatId, topic.message_thread_id + 1, ['🔥']);
      control.memberLeaves(group.chatId, admin.id);
      control.blockBot(fan.id);
      control.unblockBot(fan.id);
      const invoice = await ok<TgMessage>(sim, 'sendInvoice', {
        chat_id: fan.id,
        title: 'Credits',
        description: '10 credits',
        payload: 'credits:10',
        currency: 'XTR',
        prices: [{ label: '10', amount: 50 }],
      });
      const query = control.startPreCheckout(fan.id, { invoiceMessageId: invoice.message_id });
      await ok(sim, 'answerPreCheckoutQuery', { pre_checkout_query_id: query, ok: true });
      const paid = await ok<TgMessage>(sim, 'sendPaidMedia', {
        chat_id: fan.id,
        star_count: 5,
        payload: 'item:1',
        media: [{ type: 'photo', media: 'https://example.com/p.jpg' }],
      });
      control.buyPaidMedia(fan.id, paid.message_id);
      const payment = control.payments()[0];
      await ok(sim, 'refundStarPayment', {
        user_id: fan.id,
        telegram_payment_charge_id: payment?.telegramChargeId,
      });
      await ok(sim, 'leaveChat', { chat_id: group.chatId });
      updates = await ok<TgUpdate[]>(sim, 'getUpdates', { offset: 0 });
    });

    afterAll(async () => {
      await sim.close();
    });

    it('delivers every kind the bot can receive', () => {
      const kinds = new Set(
        updates.flatMap((u) => Object.keys(u).filter((k) => k !== 'update_id')),
      );
      expect([...kinds].sort()).toEqual(
        [
          'callback_query',
          'chat_member',
          'edited_message',
          'message',
          'message_reaction',
          'my_chat_member',
          'pre_checkout_query',
          'purchased_paid_media',
        ].sort(),
      );
      expect(sim.control.violations()).toEqual([]);
    });

    it('builds updates that match the spec Update type, recursively', () => {
      const problems = updates.flatMap((update) =>
        checkAgainstSpec(spec, update, 'Update', `update ${update.update_id}`),
      );
      expect(problems).toEqual([]);
    });

    it('gives increasing update_ids', () => {
      const ids = updates.map((u) => u.update_id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('marks forum topic messages with both message_thread_id and is_topic_message', () => {
      const messages = collectMessages(updates).filter(
        (m) => (m.chat as { is_forum?: boolean }).is_forum,
      );
      expect(messages.length).toBeGreaterThan(3);
      for (const message of messages) {
        expect(message.message_thread_id !== undefined, JSON.stringify(message)).toBe(
          message.is_topic_message === true,
        );
      }
      const general = messages.find((m) => m.text === 'In General');
      expect(general?.message_thread_id).toBeUndefined();
    });

    it('emits service and payment messages the bot relies on', () => {
      const messages = collectMessages(updates);
      expect(messages.some((m) => m.forum_topic_created)).toBe(true);
      expect(messages.some((m) => m.successful_payment)).toBe(true);
      expect(messages.some((m) => m.refunded_payment)).toBe(true);
      const start = updates.find((u) =>
        (u.message as TgMessage | undefined)?.text?.startsWith('/start'),
      );
      expect((start?.message as TgMessage).entities?.[0]).toEqual({
        type: 'bot_command',
        offset: 0,
        length: 6,
      });
    });
  });
});
