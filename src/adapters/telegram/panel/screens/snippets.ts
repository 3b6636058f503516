/**
 * `/snippets`: the team's saved replies, ten a page — name, kind and the start of the text —
 * with how to add, change and send them, and a 🗑 button each (`snippets:edit`, audited).
 * Adding and changing are replies (`/snippet add NAME`), handled by features/snippets.
 */
import { TextBuilder } from '../../../../core/formatted-text.js';
import { pageLabel, pageOf } from '../../../../core/panel/paging.js';
import { SNIPPET_PLACEHOLDERS, snippetName } from '../../../../core/snippets/snippet.js';
import { pagerRow } from '../keyboards.js';
import { defineScreen, type PanelButton } from '../types.js';

export interface SnippetsState {
  page: number;
}

const PAGE_SIZE = 10;
const PREVIEW_CHARS = 60;

function preview(text: string | null): string {
  if (!text) return '';
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS - 1)}…` : line;
}

export const snippetsScreen = defineScreen<SnippetsState>({
  id: 'snippets',
  permission: 'inbox:reply',
  command: { name: 'snippets', description: 'Saved replies: list, add, change, delete' },
  fromCommand: () => ({ page: 0 }),
  async render(ctx, state) {
    const all = (await ctx.deps.teamInbox?.snippets.list()) ?? [];
    const page = pageOf(all.length, state.page, PAGE_SIZE);
    const shown = all.slice(page.offset, page.offset + PAGE_SIZE);
    const text = new TextBuilder().bold('💾 Saved replies').plain(` — ${all.length}`);
    if (page.count > 1) text.plain(` · ${pageLabel(page)}`);
    if (all.length === 0) text.newline().newline().plain('None yet.');
    for (const snippet of shown) {
      text.newline().newline().bold(snippet.name).plain(` · ${snippet.kind}`);
      const line = preview(snippet.text);
      if (line) text.newline().plain(line);
    }
    text
      .newline()
      .newline()
      .plain('Add: reply to a message (text or media) with /snippet add NAME. ')
      .plain(
        'Change: /snippet edit NAME, the same way. Send: /s NAME in a fan’s topic, or /s for buttons. ',
      )
      .plain(`Placeholders: ${SNIPPET_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`);
    const keyboard: PanelButton[][] = [];
    for (let i = 0; i < shown.length; i += 2) {
      keyboard.push(
        shown.slice(i, i + 2).map((s) => ({
          text: `🗑 ${s.name}`,
          act: 'delete',
          args: { name: s.name },
          permission: 'snippets:edit' as const,
        })),
      );
    }
    const pager = pagerRow(page, (index) => ({ page: index }));
    if (pager.length > 0) keyboard.push(pager);
    return {
      text: text.build(),
      keyboard,
      stamp: all.map((s) => `${s.id}@${s.updatedAt.getTime()}`).join(','),
    };
  },
  actions: {
    async delete(ctx, state, args) {
      const name = snippetName(String((args as { name?: unknown } | null)?.name ?? ''));
      const store = ctx.deps.teamInbox?.snippets;
      if (name === null || !store) return { toast: 'Nothing to delete.' };
      const before = await store.byName(name);
      if (!before || !(await store.remove(name))) return { toast: 'Already deleted.', state };
      await ctx.panel.audit.record({
        actorId: ctx.actor.id,
        action: 'snippets:edit',
        subject: `snippet ${name}`,
        before: { kind: before.kind, text: before.text },
      });
      return { toast: `Deleted “${name}”.`, state };
    },
  },
});
