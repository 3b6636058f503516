/**
 * Acceptance (issue 19, roles): the permission matrix. The presets are as documented in
 * docs/admin-guide.md; then, through the Telegram simulator (SQLite and Postgres), every
 * role — owner, admin, agent, analyst, and a group member not on the team — tries every
 * panel command, the claim commands, a card button, a panel action button and an answer in
 * a fan's topic. Allowed or refused as the preset says; a refusal changes nothing and shows
 * no data (no menu, no claim, no relay, the fan untouched).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PANEL_SCREENS } from '../../src/adapters/telegram/features/panel-screens.js';
import { PANEL_TEXTS } from '../../src/adapters/telegram/panel/texts.js';
import { can, PANEL_ACTIONS, ROLE_PRESETS, type Actor } from '../../src/core/permissions.js';
import { answerOf, eventually } from '../adapters/telegram/panel-harness.js';
import { answerTo, botIn, startTeamEnv, type TeamEnv, type Who } from './team-env.js';

const WHO: readonly Who[] = ['owner', 'admin', 'agent', 'analyst', 'outsider'];

function actorOf(env: TeamEnv, who: Who): Actor {
  return { id: env.users[who], role: who === 'outsider' ? null : who };
}

describe('the documented role presets', () => {
  it('owner: everything; admin: all but team:manage and fans:unfreeze; agent: answers fans; analyst: figures', () => {
    expect(ROLE_PRESETS.owner).toEqual(PANEL_ACTIONS);
    expect([...ROLE_PRESETS.admin].sort()).toEqual(
      PANEL_ACTIONS.filter((a) => a !== 'team:manage' && a !== 'fans:unfreeze').sort(),
    );
    expect([...ROLE_PRESETS.agent].sort()).toEqual(
      ['conversations:view', 'fans:note', 'fans:view', 'inbox:reply'].sort(),
    );
    expect(ROLE_PRESETS.analyst).toEqual(['stats:view']);
    for (const action of PANEL_ACTIONS) expect(can({ id: 1, role: null }, action)).toBe(false);
  });
});

describe('the permission matrix through the simulator', () => {
  let env: TeamEnv;
  beforeAll(async () => {
    env = await startTeamEnv();
  }, 60_000);
  afterAll(async () => {
    expect(env?.sim.control.violations()).toEqual([]);
    await env?.close();
  });

  const menusBy = async (userId: number) =>
    (
      (await env.testDb.db('panel_menus').where('created_by', userId).select('screen')) as {
        screen: string;
      }[]
    ).map((row) => row.screen);
  const claimer = async () =>
    (
      (await env.testDb.db('fan_claims').where('fan_id', env.fan.id).first('user_id')) as
        { user_id: unknown } | undefined
    )?.user_id;
  const relayJobs = async () =>
    Number(
      (
        (await env.testDb.db('outbox').where('kind', 'relay.team').count({ n: '*' })) as {
          n: unknown;
        }[]
      )[0]!.n,
    );

  it('every panel command: a menu for whom the screen allows, nothing for the others', async () => {
    const commands = PANEL_SCREENS.filter((s) => s.command);
    for (const who of WHO) {
      for (const screen of commands) {
        env.sim.control.adminSendsInTopic(
          env.users[who],
          env.adminChatId,
          env.panelThreadId,
          `/${screen.command!.name}`,
        );
      }
    }
    // Updates of one chat are handled in order: once the owner's last menu exists, every
    // command above was handled.
    const last = commands.at(-1)!;
    env.sim.control.adminSendsInTopic(
      env.users.owner,
      env.adminChatId,
      env.panelThreadId,
      `/${last.command!.name}`,
    );
    await eventually(
      async () => (await menusBy(env.users.owner)).filter((s) => s === last.id).length >= 2,
      15_000,
      'the owner’s last menu',
    );
    for (const who of WHO) {
      const shown = new Set(await menusBy(env.users[who]));
      const expected = new Set(
        commands.filter((s) => can(actorOf(env, who), s.permission)).map((s) => s.id),
      );
      expect({ who, screens: [...shown].sort() }).toEqual({ who, screens: [...expected].sort() });
    }
    // The refused saw a short refusal only (at most one a minute each), never a menu. A
    // refusal is a note in the group: it may go out after the menus queued with it.
    await eventually(
      async () => botIn(env, env.panelThreadId).some((m) => m.text === PANEL_TEXTS.refused),
      15_000,
      'a refusal',
    );
  });

  it('/take and /release: owner, admin and agent; the analyst is refused, the outsider ignored', async () => {
    for (const who of ['owner', 'admin', 'agent'] as const) {
      const took = await answerTo(env, env.users[who], env.threadId, '/take');
      expect(took.text).toMatch(/took this fan/);
      expect(Number(await claimer())).toBe(env.users[who]);
      const released = await answerTo(env, env.users[who], env.threadId, '/release');
      expect(released.text).toMatch(/released this fan/);
      expect(await claimer()).toBeUndefined();
    }
    const refused = await answerTo(env, env.users.analyst, env.threadId, '/take');
    expect(refused.text).toBe('⛔ Your role does not allow this.');
    expect(refused.buttons).toEqual([]);
    env.sim.control.adminSendsInTopic(env.users.outsider, env.adminChatId, env.threadId, '/take');
    // The owner's next command is handled after the outsider's: nothing claimed meanwhile.
    await answerTo(env, env.users.owner, env.threadId, '/release');
    expect(await claimer()).toBeUndefined();
    const audit = (await env.testDb.db('audit_log').where('action', 'inbox:take')) as unknown[];
    expect(audit).toHaveLength(3);
  });

  it('/assign: owner and admin get the team as buttons; agent and analyst are refused', async () => {
    for (const who of ['owner', 'admin'] as const) {
      const menu = await answerTo(env, env.users[who], env.threadId, '/assign');
      const names = menu.buttons.flat().map((b) => b.text);
      expect(names).toEqual(
        expect.arrayContaining(['Olivia', 'Adam', 'Agnes', '🔓 Nobody (release)']),
      );
      expect(names).not.toContain('Anna');
    }
    for (const who of ['agent', 'analyst'] as const) {
      const refused = await answerTo(env, env.users[who], env.threadId, '/assign');
      expect(refused.text).toBe('⛔ Your role does not allow this.');
    }
    // The admin gives the fan to the agent; the agent cannot press /assign's buttons.
    const menu = await answerTo(env, env.users.admin, env.threadId, '/assign');
    const toAgnes = menu.buttons.flat().find((b) => b.text === 'Agnes')!.callbackData!;
    const byAgent = env.sim.control.pressButton(
      env.users.agent,
      env.adminChatId,
      menu.messageId,
      toAgnes,
    );
    expect((await answerOf(env as never, byAgent)).text).toBe('⛔ Your role does not allow this.');
    expect(await claimer()).toBeUndefined();
    const byAdmin = env.sim.control.pressButton(
      env.users.admin,
      env.adminChatId,
      menu.messageId,
      toAgnes,
    );
    expect((await answerOf(env as never, byAdmin)).text).toBe('🔒 Given to Agnes.');
    expect(Number(await claimer())).toBe(env.users.agent);
  });

  it('a fan card button (ban): owner and admin only; a refusal leaves the fan as they were', async () => {
    const card = botIn(env, env.threadId).find((m) =>
      m.buttons.flat().some((b) => b.callbackData === `card:ban:${env.fan.id}`),
    )!;
    const banned = async () =>
      Boolean(
        Number(
          (
            (await env.testDb.db('users').where('id', env.fan.id).first('is_banned')) as {
              is_banned: unknown;
            }
          ).is_banned,
        ),
      );
    for (const who of ['agent', 'analyst', 'outsider'] as const) {
      const query = env.sim.control.pressButton(
        env.users[who],
        env.adminChatId,
        card.messageId,
        `card:ban:${env.fan.id}`,
      );
      expect((await answerOf(env as never, query)).text).toBe('Only admins can do this.');
      expect(await banned()).toBe(false);
    }
    const query = env.sim.control.pressButton(
      env.users.admin,
      env.adminChatId,
      card.messageId,
      `card:ban:${env.fan.id}`,
    );
    await answerOf(env as never, query);
    await eventually(async () => banned(), 15_000, 'banned by the admin');
    await env.sim.control.waitFor(
      () =>
        env.sim.control
          .message(env.adminChatId, card.messageId)!
          .buttons.flat()
          .some((b) => b.callbackData === `card:unban:${env.fan.id}`),
      15_000,
      'the card offering Unban',
    );
    env.sim.control.pressButton(
      env.users.owner,
      env.adminChatId,
      card.messageId,
      `card:unban:${env.fan.id}`,
    );
    await eventually(async () => !(await banned()), 15_000, 'unbanned by the owner');
  });

  it('an answer in the fan’s topic: relayed for the claimer; the analyst’s and outsider’s never', async () => {
    const before = await relayJobs();
    for (const who of ['analyst', 'outsider'] as const) {
      env.sim.control.adminSendsInTopic(
        env.users[who],
        env.adminChatId,
        env.threadId,
        `from ${who}`,
      );
    }
    // The agent holds the fan (the /assign above): their answer goes through.
    env.sim.control.adminSendsInTopic(env.users.agent, env.adminChatId, env.threadId, 'from agent');
    await env.sim.control.waitFor(
      () => env.sim.control.messages(env.fan.id).some((m) => m.fromBot && m.text === 'from agent'),
      15_000,
      'the agent’s answer at the fan',
    );
    expect(await relayJobs()).toBe(before + 1);
    const atFan = env.sim.control.messages(env.fan.id).map((m) => m.text);
    expect(atFan).not.toContain('from analyst');
    expect(atFan).not.toContain('from outsider');
  });

  it('a panel action button the role lacks (agent: 📌 Pin in /conversations) is refused', async () => {
    const before = botIn(env, env.panelThreadId).length;
    env.sim.control.adminSendsInTopic(
      env.users.agent,
      env.adminChatId,
      env.panelThreadId,
      '/conversations',
    );
    const menu = await env.sim.control.waitFor(
      () =>
        botIn(env, env.panelThreadId)
          .slice(before)
          .find((m) => m.buttons.flat().some((b) => b.text.startsWith('📌 Pin'))),
      15_000,
      'the agent’s /conversations',
    );
    const pin = menu.buttons.flat().find((b) => b.text.startsWith('📌 Pin'))!;
    const query = env.sim.control.pressButton(
      env.users.agent,
      env.adminChatId,
      menu.messageId,
      pin.callbackData!,
    );
    expect((await answerOf(env as never, query)).text).toBe(PANEL_TEXTS.refusedAction);
    const pinned = (await env.testDb
      .db('conversations')
      .whereNotNull('pinned_at')
      .count({ n: '*' })) as { n: unknown }[];
    expect(Number(pinned[0]!.n)).toBe(0);
  });
});
