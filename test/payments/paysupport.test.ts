/**
 * /paysupport and /terms (issue 15: Telegram requires bots that sell to answer both), through
 * the Telegram simulator on SQLite and Postgres: /paysupport answers with the built-in text
 * in the fan's language or the `payments.support_text` setting (plain text, never markup) and
 * flags it for the team — a 🚩 note in the fan's topic, or in the Alerts topic when they have
 * none; /terms answers with `payments.terms_text` or the built-in terms; neither is relayed
 * or charged; both are in the fan command menu.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoiceFromShop, startStarsEnv, starsState, type StarsEnv } from './stars-env.js';

describe('/paysupport and /terms', () => {
  let env: StarsEnv;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: false });
  });
  afterAll(async () => {
    await env?.close();
  });

  const fromBot = (fan: number) => env.tg.control.messages(fan).filter((m) => m.fromBot);

  async function reply(fan: number, start: string): Promise<string> {
    const message = await env.tg.control.waitFor(
      () => fromBot(fan).find((m) => m.text?.startsWith(start)),
      10_000,
      `reply ${start}`,
    );
    return message.text!;
  }

  it('a fan without a topic: the built-in support text, a 🚩 note in the Alerts topic, nothing relayed or charged', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Nora', language_code: 'en' }).id;
    control.fanSendsText(fan, '/paysupport');
    expect(await reply(fan, '💬 Need help with a payment?')).toContain('Write your question');
    const note = await control.waitFor(
      () =>
        control
          .messages(env.adminChatId)
          .find((m) => m.text?.includes('Nora') && m.text.includes('/paysupport')),
      10_000,
      'flagged note',
    );
    expect(note.text).toContain('🚩 Nora (id ');
    expect(control.topics(env.adminChatId).some((t) => t.name.startsWith('Nora'))).toBe(false);
    expect((await starsState(env.db, fan)).credits).toBe(0);

    control.fanSendsText(fan, '/terms');
    expect(await reply(fan, '📄 Terms of sale')).toContain('Telegram Stars');
    expect(control.violations()).toEqual([]);
  });

  it('the settings replace the texts (plain, never markup); a fan with a topic gets the 🚩 note there; French fans read French', async () => {
    const { control } = env.tg;
    const support = 'Write to <b>*billing*</b> & we answer within 24h.';
    await env.db('settings').insert([
      { key: 'payments.support_text', value: JSON.stringify(support) },
      { key: 'payments.terms_text', value: JSON.stringify('Our _terms_: example.com/terms') },
    ]);
    const fan = control.createUser({ first_name: 'Paul', language_code: 'fr' }).id;
    const invoice = await invoiceFromShop(env, fan);
    control.startPreCheckout(fan, { invoiceMessageId: invoice.messageId });
    const topic = await control.waitFor(
      () => control.topics(env.adminChatId).find((t) => t.name.startsWith('Paul')),
      10_000,
      'topic',
    );

    control.fanSendsText(fan, '/paysupport');
    expect(await reply(fan, 'Write to')).toBe(support);
    const call = control
      .calls({ method: 'sendMessage' })
      .find((c) => (c.params as { text?: string }).text === support)!;
    expect(call.params).not.toHaveProperty('parse_mode');
    const note = await control.waitFor(
      () =>
        control
          .messages(env.adminChatId, { threadId: topic.threadId })
          .find((m) => m.text?.startsWith('🚩')),
      10_000,
      'note in the topic',
    );
    expect(note.text).toContain('Paul');

    control.fanSendsText(fan, '/terms');
    expect(await reply(fan, 'Our _terms_')).toBe('Our _terms_: example.com/terms');

    await env
      .db('settings')
      .whereIn('key', ['payments.support_text', 'payments.terms_text'])
      .delete();
    control.fanSendsText(fan, '/terms');
    expect(await reply(fan, '📄 Conditions de vente')).toContain('Telegram Stars');
    expect(control.violations()).toEqual([]);
  }, 60_000);

  it('the fan command menu lists /paysupport and /terms in every language', () => {
    const menus = env.tg.control
      .calls({ method: 'setMyCommands' })
      .filter(
        (c) => (c.params as { scope?: { type?: string } }).scope?.type === 'all_private_chats',
      );
    expect(menus.length).toBeGreaterThan(0);
    for (const menu of menus) {
      const names = (menu.params as { commands: { command: string }[] }).commands.map(
        (c) => c.command,
      );
      expect(names).toEqual(expect.arrayContaining(['paysupport', 'terms']));
    }
  });
});
