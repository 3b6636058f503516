/**
 * The team's roster (issue 19) through the Telegram simulator, SQLite and Postgres: the
 * owner adds someone by replying /team to their message, changes their role, finds them
 * by @username, removes them (their claims dropped), all audited; an owner from
 * ADMIN_USER_IDS cannot be changed from Telegram; an admin may not open /team; a member who
 * leaves the group loses their role and claims (chat_member); `/duty on` and
 * `inbox.auto_assign` give a paying fan to the agent on duty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_UPDATES } from '../../src/adapters/telegram/operator-api.js';
import type { MessageView } from '../../src/sandbox/telegram/control.js';
import { WEBHOOK_SECRET } from '../adapters/telegram/harness.js';
import { answerOf, eventually } from '../adapters/telegram/panel-harness.js';
import { answerTo, botIn, startTeamEnv, type TeamEnv } from './team-env.js';

describe('/team, leaving the group, duty', () => {
  let env: TeamEnv;
  beforeAll(async () => {
    env = await startTeamEnv();
    // As `set-webhooks` subscribes (Telegram's default leaves chat_member out).
    await env.sim.callApi('setWebhook', {
      url: env.webhookUrl,
      secret_token: WEBHOOK_SECRET,
      allowed_updates: [...ALLOWED_UPDATES],
    });
  }, 60_000);
  afterAll(async () => {
    expect(env?.sim.control.violations()).toEqual([]);
    await env?.close();
  });

  const roleOf = async (userId: number) =>
    (
      (await env.testDb.db('admins').where('user_id', userId).first('role')) as
        { role: string } | undefined
    )?.role;

  /** Sends a command in the panel topic and waits for the menu it opens. */
  async function menu(userId: number, text: string, replyTo?: number): Promise<MessageView> {
    const before = botIn(env, env.panelThreadId).length;
    env.sim.control.adminSendsInTopic(userId, env.adminChatId, env.panelThreadId, text, {
      ...(replyTo ? { replyTo } : {}),
    });
    return env.sim.control.waitFor(
      () => botIn(env, env.panelThreadId).slice(before)[0],
      15_000,
      `the answer to ${text}`,
    );
  }

  async function pressIn(message: MessageView, userId: number, prefix: string) {
    const now = env.sim.control.message(env.adminChatId, message.messageId)!;
    const button = now.buttons.flat().find((b) => b.text.startsWith(prefix));
    if (!button) throw new Error(`no ${prefix} in ${JSON.stringify(now.buttons)}`);
    const query = env.sim.control.pressButton(
      userId,
      env.adminChatId,
      message.messageId,
      button.callbackData!,
    );
    return (await answerOf(env as never, query)).text;
  }

  it('the owner adds a member by replying /team to their message, changes the role, removes them', async () => {
    const { owner, outsider } = env.users;
    const hello = env.sim.control.adminSendsInTopic(
      outsider,
      env.adminChatId,
      env.panelThreadId,
      'hi, I am new here',
    );
    const page = await menu(owner, '/team', hello.message_id);
    expect(page.text).toContain('Otto');
    expect(page.text).toContain('Not on the team.');
    expect(await pressIn(page, owner, '➕ as 💬 agent')).toBe('✅ Done.');
    expect(await roleOf(outsider)).toBe('agent');
    await env.sim.control.waitFor(
      () => /Role: 💬 agent/.test(env.sim.control.message(env.adminChatId, page.messageId)!.text!),
      15_000,
      'the page showing the role',
    );
    expect(await pressIn(page, owner, '→ 📊 analyst')).toBe('✅ Done.');
    expect(await roleOf(outsider)).toBe('analyst');
    await env.sim.control.waitFor(
      () =>
        /Role: 📊 analyst/.test(env.sim.control.message(env.adminChatId, page.messageId)!.text!),
      15_000,
      'the page showing the new role',
    );
    expect(await pressIn(page, owner, '🗑 Remove')).toBe('✅ Done.');
    expect(await roleOf(outsider)).toBeUndefined();
    const audit = (await env.testDb
      .db('audit_log')
      .where('action', 'team:manage')
      .orderBy('id')) as { before: string; after: string }[];
    const roleAfter = (after: unknown) =>
      typeof after === 'object' && after !== null ? (after as { role: unknown }).role : after;
    expect(audit.map((a) => [JSON.parse(a.before), roleAfter(JSON.parse(a.after))])).toEqual([
      [null, 'agent'],
      ['agent', 'analyst'],
      ['analyst', null],
    ]);
  });

  it('/team @username finds someone who wrote in the group; owners from ADMIN_USER_IDS stay', async () => {
    const { owner, agent } = env.users;
    env.sim.control.renameUser(agent, { username: 'agnes_team' });
    await answerTo(env, agent, env.threadId, '/duty off');
    const page = await menu(owner, '/team @Agnes_Team');
    expect(page.text).toContain('Role: 💬 agent');
    const ownerPage = await menu(owner, `/team ${owner}`);
    expect(ownerPage.text).toContain('from ADMIN_USER_IDS');
    expect(ownerPage.buttons.flat().map((b) => b.text)).toEqual(['⬅️ Team']);
  });

  it('an admin (not an owner) may not open /team', async () => {
    const refused = await menu(env.users.admin, '/team');
    expect(refused.buttons).toEqual([]);
    const menus = await env.testDb.db('panel_menus').where('created_by', env.users.admin);
    expect(menus).toHaveLength(0);
  });

  it('/duty on and inbox.auto_assign give a paying fan to the agent on duty', async () => {
    const { agent } = env.users;
    expect((await answerTo(env, agent, env.threadId, '/duty on')).text).toBe(
      '🟢 Agnes is on duty: new paying fans are given out in turn.',
    );
    await env.runtime.settings.set('inbox.auto_assign', true);
    await env.testDb.db('users').where('id', env.fan.id).update({ total_spent_cents: 500 });
    env.sim.control.fanSendsText(env.fan.id, 'anyone there?');
    await eventually(
      async () =>
        Number(
          (
            (await env.testDb.db('fan_claims').where('fan_id', env.fan.id).first('user_id')) as
              { user_id: unknown } | undefined
          )?.user_id,
        ) === agent,
      15_000,
      'the fan given to the agent',
    );
    await env.sim.control.waitFor(
      () =>
        botIn(env, env.threadId).some(
          (m) => m.text === '🔒 New paying fan, given to Agnes (on duty).',
        ),
      15_000,
      'the note in the topic',
    );
  });

  it('a member who leaves the group loses their role and their claims (chat_member)', async () => {
    const { agent } = env.users;
    env.sim.control.memberLeaves(env.adminChatId, agent);
    // The audit entry is written last, once the role and the claims are gone.
    const audit = await eventually(
      async () =>
        (await env.testDb
          .db('audit_log')
          .where('action', 'team:manage')
          .where('subject', `member ${agent} (left the group)`)
          .first()) as { subject: string; after: string } | undefined,
      15_000,
      'the audit entry',
    );
    expect(JSON.parse(audit.after)).toEqual({ role: null, released: [env.fan.id] });
    expect(await roleOf(agent)).toBeUndefined();
    const claims = await env.testDb.db('fan_claims').where('user_id', agent);
    expect(claims).toHaveLength(0);
  });
});
