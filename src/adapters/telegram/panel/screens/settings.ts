/**
 * `/settings`: every runtime setting by category, a card per setting (value, default,
 * overridden, meaning), toggles and choices in place, edit by reply, reset, search. Every
 * change goes through the settings store (the same validation as everywhere, a revision bump
 * every instance sees within a second) and into the audit log.
 */
import { inputHint, parseSettingInput } from '../../../../config/settings-catalog.js';
import { isSettingKey, type SettingKey } from '../../../../config/settings.js';
import { ErrorCodes, hasCode, type SettingError } from '../../../../core/errors.js';
import { TextBuilder, type FormattedText } from '../../../../core/formatted-text.js';
import { defineScreen, type ActionResult, type ScreenContext } from '../types.js';
import {
  renderCard,
  renderHome,
  renderList,
  shortValue,
  type SettingsState,
} from './settings-views.js';

type CardState = Extract<SettingsState, { view: 'card' }>;

function keyOf(args: unknown): SettingKey | null {
  const key = (args as { key?: unknown } | null)?.key;
  return typeof key === 'string' && isSettingKey(key) ? key : null;
}

/** Stores a new value (null: back to the default) and records it in the audit log. */
async function applyChange(ctx: ScreenContext, key: SettingKey, value: unknown) {
  const change = await ctx.panel.settings.change(key, value, { updatedBy: ctx.actor.id });
  await ctx.panel.audit.record({
    actorId: ctx.actor.id,
    action: value === null ? 'settings:reset' : 'settings:edit',
    subject: key,
    before: change.before,
    after: change.after,
  });
  return change;
}

function changedToast(key: string, before: unknown, after: unknown): string {
  return `${key}: ${shortValue(before)} → ${shortValue(after)}`;
}

function refusal(key: string, problems: readonly string[]): FormattedText {
  return new TextBuilder()
    .plain('❌ Not changed — ')
    .bold(key)
    .plain(` accepts ${inputHint(key as SettingKey)}:`)
    .newline()
    .plain(problems.map((p) => `• ${p}`).join('\n'))
    .newline()
    .plain('Reply again with another value, or /cancel.')
    .build();
}

async function setAction(
  ctx: ScreenContext,
  args: unknown,
  next: (current: unknown) => unknown,
): Promise<ActionResult<SettingsState>> {
  const key = keyOf(args);
  if (!key) return { toast: 'Unknown setting.' };
  const current = (await ctx.panel.settings.snapshot()).values[key];
  try {
    const change = await applyChange(ctx, key, next(current));
    return { toast: changedToast(key, change.before, change.after) };
  } catch (err) {
    if (!hasCode(err, ErrorCodes.setting)) throw err;
    return { toast: `Not changed: ${(err as SettingError).message}`.slice(0, 200) };
  }
}

export const settingsScreen = defineScreen<SettingsState>({
  id: 'settings',
  permission: 'settings:view',
  command: { name: 'settings', description: 'Runtime settings: see, search, edit, reset' },
  fromCommand(arg) {
    if (arg === '') return { view: 'home' };
    if (isSettingKey(arg)) return { view: 'card', key: arg, from: { view: 'home' } };
    return { view: 'search', query: arg.slice(0, 64), page: 0 };
  },
  async render(ctx, state) {
    const snapshot = await ctx.panel.settings.snapshot();
    switch (state.view) {
      case 'home':
        return renderHome(snapshot);
      case 'category':
      case 'search':
        return renderList(snapshot, state);
      case 'card':
        return renderCard(snapshot, state, snapshot.values['display.time_zone'] ?? 'UTC');
    }
  },
  actions: {
    toggle: (ctx, _state, args) => setAction(ctx, args, (current) => !current),
    choose: (ctx, _state, args) => setAction(ctx, args, () => (args as { value?: unknown }).value),
    async reset(ctx, _state, args) {
      const key = keyOf(args);
      if (!key) return { toast: 'Unknown setting.' };
      const change = await applyChange(ctx, key, null);
      return { toast: `${changedToast(key, change.before, change.after)} (default)` };
    },
    async edit(_ctx, state, args) {
      const key = keyOf(args);
      if (!key) return { toast: 'Unknown setting.' };
      return {
        state,
        prompt: {
          text: `✏️ New value for ${key} (${inputHint(key)}).`,
          input: 'value',
          args: { key },
          placeholder: inputHint(key),
          permission: 'settings:edit',
        },
      };
    },
    async search() {
      return {
        prompt: {
          text: '🔍 Search the settings: reply with a word (e.g. voice, tier, receipt).',
          input: 'search',
          placeholder: 'a word',
        },
      };
    },
  },
  inputs: {
    async value(ctx, state, args, text) {
      const key = keyOf(args);
      if (!key) return { ok: false, reply: new TextBuilder().plain('Unknown setting.').build() };
      const parsed = parseSettingInput(key, text);
      if (!parsed.ok) return { ok: false, reply: refusal(key, parsed.problems) };
      const change = await applyChange(ctx, key, parsed.value);
      const reply = new TextBuilder()
        .plain('✅ ')
        .bold(key)
        .plain(`: ${shortValue(change.before)} → ${shortValue(change.after)}`)
        .build();
      const card: CardState =
        state.view === 'card' ? state : { view: 'card', key, from: { view: 'home' } };
      return { ok: true, reply, state: card };
    },
    async search(_ctx, _state, _args, text) {
      return { ok: true, state: { view: 'search', query: text.trim().slice(0, 64), page: 0 } };
    },
  },
});
