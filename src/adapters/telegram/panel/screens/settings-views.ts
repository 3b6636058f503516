/** What /settings shows: the categories, a category or search result list, one setting's card. */
import {
  SETTING_CATEGORIES,
  categoryOf,
  formatSettingValue,
  inputHint,
  searchSettings,
  settingKind,
  settingsIn,
} from '../../../../config/settings-catalog.js';
import { SETTINGS, isSettingKey, type SettingKey } from '../../../../config/settings.js';
import type { SettingsSnapshot } from '../../../../config/settings-store.js';
import { TextBuilder } from '../../../../core/formatted-text.js';
import { pageOf, pageLabel } from '../../../../core/panel/paging.js';
import { backButton, pagerRow } from '../keyboards.js';
import type { PanelButton, ScreenView } from '../types.js';

export type SettingsState =
  | { view: 'home' }
  | { view: 'category'; category: string; page: number }
  | { view: 'search'; query: string; page: number }
  | { view: 'card'; key: string; from: SettingsState };

export const SETTINGS_PAGE_SIZE = 8;

const MAX_VALUE_CHARS = 40;

/** A value on one line, cut to fit a button or a list line. */
export function shortValue(value: unknown): string {
  const text = formatSettingValue(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** When a setting was last changed, in the display time zone. */
export function formatWhen(date: Date, timeZone: string): string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return `${format.format(date)} (${timeZone})`;
}

export function renderHome(snapshot: SettingsSnapshot): ScreenView {
  const text = new TextBuilder()
    .bold('⚙️ Settings')
    .newline()
    .plain('Every runtime setting, by category. ✏️ marks a value changed from its default.')
    .newline();
  const keyboard: PanelButton[][] = [];
  for (const category of SETTING_CATEGORIES) {
    const keys = settingsIn(category.id);
    if (keys.length === 0) continue;
    const changed = keys.filter((k) => snapshot.overridden[k]).length;
    const label = `${category.title} (${keys.length}${changed > 0 ? `, ✏️ ${changed}` : ''})`;
    text.newline().plain(label);
    keyboard.push([
      { text: label, go: { state: { view: 'category', category: category.id, page: 0 } } },
    ]);
  }
  keyboard.push([{ text: '🔍 Search', act: 'search' }]);
  return { text: text.build(), keyboard };
}

/** A paged list of settings: one line and one button each. */
export function renderList(
  snapshot: SettingsSnapshot,
  state: Extract<SettingsState, { view: 'category' | 'search' }>,
): ScreenView {
  const keys = state.view === 'category' ? settingsIn(state.category) : searchSettings(state.query);
  const page = pageOf(keys.length, state.page, SETTINGS_PAGE_SIZE);
  const text = new TextBuilder();
  if (state.view === 'category') {
    const category = SETTING_CATEGORIES.find((c) => c.id === state.category);
    text.bold(category?.title ?? 'Settings');
  } else {
    text.bold('🔍 Settings matching ').plain(`“${state.query}”`);
    if (keys.length === 0) text.newline().newline().plain('No setting matches. Try another word.');
  }
  if (page.count > 1) text.plain(` — ${pageLabel(page)}`);
  text.newline();
  const keyboard: PanelButton[][] = [];
  for (const key of keys.slice(page.offset, page.offset + page.limit)) {
    const value = shortValue(snapshot.values[key]);
    const mark = snapshot.overridden[key] ? ' ✏️' : '';
    text.newline().bold(key).plain(` = ${value}${mark}`);
    keyboard.push([
      { text: `${key}: ${value}${mark}`, go: { state: { view: 'card', key, from: state } } },
    ]);
  }
  const pager = pagerRow(page, (index) => ({ ...state, page: index }));
  if (pager.length > 0) keyboard.push(pager);
  keyboard.push(
    state.view === 'search'
      ? [{ text: '🔍 Search again', act: 'search' }, backButton({ view: 'home' })]
      : [backButton({ view: 'home' })],
  );
  return { text: text.build(), keyboard };
}

/** The buttons that change a value in place: a toggle, or one per choice. */
function valueButtons(key: SettingKey, value: unknown): PanelButton[][] {
  const kind = settingKind(key);
  if (kind.type === 'boolean') {
    const label = value ? '✅ On — tap to turn off' : '⬜ Off — tap to turn on';
    return [[{ text: label, act: 'toggle', args: { key }, permission: 'settings:edit' }]];
  }
  if (kind.type === 'choice') {
    return [
      kind.options.map((option) => ({
        text: `${option === value ? '✅ ' : ''}${option}`,
        act: 'choose',
        args: { key, value: option },
        permission: 'settings:edit' as const,
      })),
    ];
  }
  return [];
}

/** The fingerprint of what a card's buttons act on: the value and whether it is stored. */
export function cardStamp(snapshot: SettingsSnapshot, key: SettingKey): string {
  return JSON.stringify([snapshot.values[key], snapshot.overridden[key] !== undefined]);
}

/** One setting: value, default, overridden or not, meaning; its buttons. */
export function renderCard(
  snapshot: SettingsSnapshot,
  state: Extract<SettingsState, { view: 'card' }>,
  timeZone: string,
): ScreenView {
  if (!isSettingKey(state.key)) return renderHome(snapshot);
  const key = state.key;
  const value = snapshot.values[key];
  const stored = snapshot.overridden[key];
  const text = new TextBuilder()
    .bold(key)
    .newline()
    .italic(SETTINGS[key].description)
    .newline()
    .newline()
    .bold('Value: ')
    .plain(formatSettingValue(value))
    .newline()
    .bold('Default: ')
    .plain(formatSettingValue(snapshot.defaults[key]))
    .newline()
    .bold('Overridden: ');
  if (stored) {
    text.plain('yes');
    if (stored.updatedBy !== null) text.plain(` — by ${stored.updatedBy}`);
    if (stored.updatedAt) text.plain(`, ${formatWhen(stored.updatedAt, timeZone)}`);
  } else {
    text.plain('no (the default applies)');
  }
  text.newline().bold('Category: ').plain(categoryOf(key).title);
  text.newline().bold('Accepts: ').plain(inputHint(key));
  const keyboard = valueButtons(key, value);
  const edits: PanelButton[] = [
    { text: '✏️ Edit', act: 'edit', args: { key }, permission: 'settings:edit' },
  ];
  if (stored) {
    edits.push({
      text: '↩️ Reset to default',
      act: 'reset',
      args: { key },
      permission: 'settings:edit',
    });
  }
  keyboard.push(edits, [backButton(state.from)]);
  return { text: text.build(), keyboard, stamp: cardStamp(snapshot, key) };
}
