/**
 * "Agents see only their fans" (setting `inbox.agents_own_fans_only`), through the Telegram
 * simulator on SQLite and Postgres: an agent's message in a fan they do not hold is never
 * relayed (they are told why), in their own fan it is; /conversations and /users show an
 * agent only the fans they hold; owners and admins are not limited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantCredits, relayed, topicOf } from '../adapters/telegram/fan-harness.js';
import { answerTo, botIn, startTeamEnv, type TeamEnv } from './team-env.js';

describe('agents see only their fans', () => {
  let env: TeamEnv;
  let other: { id: number; threadId: number };
  beforeAll(async () => {
    env = await startTeamEnv();
    const fan = env.sim.control.createUser({ first_name: 'Gaspard' });
    await grantCredits(env, fan, 10, 'grant:cs_gaspard');
    env.sim.control.fanSendsText(fan.id, 'bonjour');
    const threadId = (await topicOf(env.sim, env.adminChatId, 'Gaspard')).threadId;
    await env.sim.control.waitFor(
      () => relayed(env.sim, env.adminChatId, threadId).length === 1,
      15_000,
      'Gaspard in his topic',
    );
    other = { id: fan.id, threadId };
    await env.runtime.settings.set('inbox.agents_own_fans_only', true);
    await answerTo(env, env.users.agent, env.threadId, '/take');
  }, 60_000);
  afterAll(async () => {
    expect(env?.sim.control.violations()).toEqual([]);
    await env?.close();
  });

  const atFan = (fanId: number, text: string) =>
    env.sim.control.messages(fanId).some((m) => m.fromBot && m.text === text);

  it('the agent’s message in a fan they do not hold is not relayed; in their own it is', async () => {
    const note = await answerTo(env, env.users.agent, other.threadId, 'psst Gaspard');
    expect(note.text).toMatch(/^🙈 Not sent: agents answer only their own fans/);
    env.sim.control.adminSendsInTopic(env.users.agent, env.adminChatId, env.threadId, 'hi Fiona');
    await env.sim.control.waitFor(() => atFan(env.fan.id, 'hi Fiona'), 15_000, 'relayed');
    expect(atFan(other.id, 'psst Gaspard')).toBe(false);
    const jobs = await env.testDb.db('outbox').where({ kind: 'relay.team', fan_id: other.id });
    expect(jobs).toHaveLength(0);
    // The admin is not limited.
    env.sim.control.adminSendsInTopic(env.users.admin, env.adminChatId, other.threadId, 'admin');
    await env.sim.control.waitFor(() => atFan(other.id, 'admin'), 15_000, 'admin relayed');
  });

  it('/conversations lists only the agent’s fans; /users shows no one else', async () => {
    const before = botIn(env, env.panelThreadId).length;
    env.sim.control.adminSendsInTopic(
      env.users.agent,
      env.adminChatId,
      env.panelThreadId,
      '/conversations',
    );
    const list = await env.sim.control.waitFor(
      () => botIn(env, env.panelThreadId).slice(before)[0],
      15_000,
      'the agent’s /conversations',
    );
    expect(list.text).toContain('Fiona');
    expect(list.text).not.toContain('Gaspard');
    const count = botIn(env, env.panelThreadId).length;
    env.sim.control.adminSendsInTopic(
      env.users.agent,
      env.adminChatId,
      env.panelThreadId,
      `/users ${other.id}`,
    );
    const users = await env.sim.control.waitFor(
      () => botIn(env, env.panelThreadId).slice(count)[0],
      15_000,
      'the agent’s /users',
    );
    expect(users.text).toMatch(/^🙈 Agents see only the fans they hold/);
    expect(users.text).not.toContain('Gaspard');
  });
});
