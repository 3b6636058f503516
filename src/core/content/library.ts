/** The fan's `/library`: the items they unlocked, a page at a time, each a button to resend it. */
import { pageOf } from '../panel/paging.js';
import type { Translate } from '../templates.js';
import type { ContentItem } from './items.js';
import type { ItemPage } from './ports.js';
import { CONTENT_CALLBACKS } from './teaser.js';

/** Items per library page. */
export const LIBRARY_PAGE_SIZE = 5;

/** A library page as the fan sees it (plain text; titles are the team's). */
export interface LibraryView {
  text: string;
  buttons: { text: string; callbackData: string }[][];
}

export async function libraryPage(
  t: Translate,
  requested: number,
  read: (offset: number, limit: number) => Promise<ItemPage<ContentItem>>,
): Promise<LibraryView> {
  const first = await read(Math.max(0, requested) * LIBRARY_PAGE_SIZE, LIBRARY_PAGE_SIZE);
  const page = pageOf(first.total, requested, LIBRARY_PAGE_SIZE);
  const { items, total } =
    page.index === requested ? first : await read(page.offset, LIBRARY_PAGE_SIZE);
  if (total === 0) return { text: t('content.library.empty'), buttons: [] };
  const buttons = items.map((item) => [
    {
      text: t('content.library.item', { title: item.title, files: item.files.length }),
      callbackData: CONTENT_CALLBACKS.resend(item.id),
    },
  ]);
  const pager: { text: string; callbackData: string }[] = [];
  if (page.index > 0)
    pager.push({ text: '◀️', callbackData: CONTENT_CALLBACKS.libraryPage(page.index - 1) });
  if (page.index < page.count - 1)
    pager.push({ text: '▶️', callbackData: CONTENT_CALLBACKS.libraryPage(page.index + 1) });
  if (pager.length > 0) buttons.push(pager);
  return {
    text: t('content.library.title', { count: total, page: page.index + 1, pages: page.count }),
    buttons,
  };
}
