/**
 * `/users`: find a fan (`/users anna`, `/users @anna`, `/users 12345`) or list them by spend,
 * activity or tier; the user screen (users-views.ts) and its actions — gift credits or pass
 * time (ledger, one key per opened gift menu), ban/unban, tier by hand, private notes,
 * unfreeze, refund the last payment through Stripe (after a confirmation). Each action is
 * checked with `can()` (the button's permission), acts once on a double tap (the framework's
 * version claim, and a conditional write or an idempotency key behind it) and is audited.
 */
import { parseUserQuery } from '../../../../core/fan-admin.js';
import { TextBuilder } from '../../../../core/formatted-text.js';
import { limitedToOwnFans } from '../../features/team/held.js';
import { defineScreen, type ActionResult, type InputResult, type ScreenContext } from '../types.js';
import { fanActions, noteInput, giftInput } from './users-actions.js';
import {
  renderList,
  renderUser,
  USERS_SCREEN,
  type UsersState,
  type UserView,
} from './users-views.js';

const NOT_YOURS =
  '🙈 Agents see only the fans they hold here (setting inbox.agents_own_fans_only): use /conversations mine.';

/** The state `/users <arg>` opens: a fan by id, or search results, or the top spenders. */
async function openFor(arg: string, ctx: ScreenContext): Promise<UsersState> {
  const query = parseUserQuery(arg);
  if (query.kind === 'none') return { view: 'list', sort: 'spend', page: 0 };
  const found = await ctx.panel.fanAdmin?.search(query, { offset: 0, limit: 2 });
  if (found?.total === 1) {
    const back = {
      screen: USERS_SCREEN,
      state: { view: 'list', sort: 'spend', page: 0, query: arg },
    };
    return { view: 'user', fanId: found.rows[0]!.fanId, back };
  }
  return { view: 'list', sort: 'spend', page: 0, query: arg };
}

export const usersScreen = defineScreen<UsersState>({
  id: USERS_SCREEN,
  permission: 'fans:view',
  command: {
    name: 'users',
    description: 'Find a fan (name, @username, id); gift, ban, tier, notes, refund',
  },
  fromCommand: (arg, ctx) => openFor(arg, ctx),
  async render(ctx, state) {
    if (!ctx.panel.fanAdmin)
      return { text: { text: 'Not available.', entities: [] }, keyboard: [] };
    // "Agents see only their fans": no list, and only the fans they hold.
    if (await limitedToOwnFans(ctx.deps, ctx.actor)) {
      const fanId = state?.view === 'list' ? null : (state as UserView).fanId;
      const claim = fanId === null ? null : await ctx.deps.team?.claims.claimOf(fanId);
      if (claim?.userId !== ctx.actor.id)
        return { text: { text: NOT_YOURS, entities: [] }, keyboard: [] };
    }
    if (state?.view === 'list') return renderList(ctx, state);
    return renderUser(ctx, state as UserView);
  },
  actions: {
    ...fanActions,
    async search(): Promise<ActionResult<UsersState>> {
      return {
        prompt: {
          text: '🔍 Which fan? Reply with a part of the name, an @username or a Telegram id.',
          input: 'search',
          placeholder: 'Anna, @anna or 123456789',
        },
      };
    },
  },
  inputs: {
    async search(ctx, _state, _args, text): Promise<InputResult<UsersState>> {
      if (parseUserQuery(text).kind === 'none') {
        return {
          ok: false,
          reply: new TextBuilder().plain('❌ Type something to look for, or /cancel.').build(),
        };
      }
      return { ok: true, state: await openFor(text, ctx) };
    },
    note: noteInput,
    gift: giftInput,
  },
});
