/**
 * Acceptance (issue 19, the team visible in the group): each team member's role shows on
 * their messages as a Bot API 9.5 member tag (setChatMemberTag, spec-checked in the
 * simulator), kept in step with the team by the per-minute job: a role change changes the
 * tag, a member who left the team loses it; administrators (Telegram tags regular members
 * only) and a bot without the right change nothing and break nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramSimulator } from '../../src/sandbox/telegram/index.js';
import { startHarness, type Harness } from '../adapters/telegram/harness.js';

describe('member tags', () => {
  let h: Harness;
  let agent: number;
  let analyst: number;
  let admin: number;
  beforeAll(async () => {
    const sim = createTelegramSimulator({ timeScale: 0.01 });
    await sim.listen(0);
    const owner = sim.control.createUser({ first_name: 'Olivia' });
    admin = sim.control.createUser({ first_name: 'Adam' }).id;
    agent = sim.control.createUser({ first_name: 'Agnes' }).id;
    analyst = sim.control.createUser({ first_name: 'Ana' }).id;
    const group = sim.control.createForumGroup({
      title: 'Premium team',
      ownerId: owner.id,
      admins: [admin],
      members: [agent, analyst],
    });
    h = await startHarness({ sim, admin: { chatId: group.chatId, ownerId: owner.id } });
    await h.testDb.db('admins').insert([
      { user_id: admin, role: 'admin' },
      { user_id: agent, role: 'agent' },
      { user_id: analyst, role: 'analyst' },
    ]);
  });
  afterAll(async () => {
    await h?.close();
    await h?.sim.close();
  });

  const tagOf = async (userId: number) => {
    const outcome = await h.sim.callApi('getChatMember', {
      chat_id: h.adminChatId,
      user_id: userId,
    });
    return outcome.kind === 'ok' ? (outcome.result as { tag?: string }).tag : undefined;
  };

  it('tags regular members with their role, follows role changes and removals', async () => {
    await h.runtime.responseAlerts.run(new Date());
    expect(await tagOf(agent)).toBe('Agent');
    expect(await tagOf(analyst)).toBe('Analyst');
    // The owner (the group's creator) and an administrator cannot be tagged: asked once each.
    expect(await tagOf(admin)).toBeUndefined();
    const sent = h.sim.control.adminSends(agent, h.adminChatId, 'hello team');
    expect(sent.sender_tag).toBe('Agent');

    await h.testDb.db('admins').where('user_id', agent).update({ role: 'admin' });
    await h.testDb.db('admins').where('user_id', analyst).delete();
    await h.runtime.responseAlerts.run(new Date());
    expect(await tagOf(agent)).toBe('Admin');
    expect(await tagOf(analyst)).toBeUndefined();

    const calls = h.sim.control.calls({ method: 'setChatMemberTag' }).length;
    await h.runtime.responseAlerts.run(new Date());
    expect(h.sim.control.calls({ method: 'setChatMemberTag' })).toHaveLength(calls);
    expect(h.sim.control.violations()).toEqual([]);
  });

  it('without the right, nothing changes and the bot waits before trying again', async () => {
    h.sim.control.setBotMembership(h.adminChatId, {
      status: 'administrator',
      rights: { can_pin_messages: false, can_manage_tags: false },
    });
    await h.testDb.db('admins').where('user_id', agent).update({ role: 'agent' });
    const before = h.sim.control.calls({ method: 'setChatMemberTag' }).length;
    await h.runtime.responseAlerts.run(new Date());
    await h.runtime.responseAlerts.run(new Date());
    expect(h.sim.control.calls({ method: 'setChatMemberTag' })).toHaveLength(before + 1);
    expect(await tagOf(agent)).toBe('Admin');
    expect(h.sim.control.violations()).toEqual([]);
  });
});
