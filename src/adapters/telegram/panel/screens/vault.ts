/**
 * `/vault`: the vault of locked media (issue 18) — items newest first with their files,
 * prices, sales and revenue (credits, money net of refunds and lost disputes, Stars), the
 * archive, and one card per item to edit its title and prices, its teaser (blurred media or
 * text only) and delivery protection, and archive or restore it. Every change is checked
 * with `can(actor, 'vault:edit')`, acts once (the framework's claim) and is audited.
 */
import type { ContentItem } from '../../../../core/content/items.js';
import { parseLockArgs } from '../../../../core/content/items.js';
import type { ContentItemPatch } from '../../../../core/content/ports.js';
import type { ContentService } from '../../../../core/content/service.js';
import { TextBuilder, type FormattedText } from '../../../../core/formatted-text.js';
import { can } from '../../../../core/permissions.js';
import { defineScreen, type ActionResult, type InputResult, type ScreenContext } from '../types.js';
import {
  VAULT_PAGE_SIZE,
  pricesOf,
  renderVaultItem,
  renderVaultList,
  type VaultState,
} from './vault-views.js';

type Result = ActionResult<VaultState>;

const UNAVAILABLE = 'The vault is not available on this instance.';
const REFUSED = '⛔ You may not change the vault.';

function idOf(args: unknown): number | null {
  const id = (args as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}

function editor(ctx: ScreenContext): { content: ContentService } | { toast: string } {
  if (!can(ctx.actor, 'vault:edit')) return { toast: REFUSED };
  const content = ctx.panel.content;
  return content ? { content } : { toast: UNAVAILABLE };
}

function snapshot(item: ContentItem) {
  return {
    title: item.title,
    price: pricesOf(item),
    active: item.active,
    teaser: item.teaser,
    protect: item.protect,
  };
}

/** One edit of the item on the card, audited. */
async function edit(
  ctx: ScreenContext,
  state: VaultState,
  args: unknown,
  patchOf: (item: ContentItem) => ContentItemPatch,
  toast: string,
): Promise<Result> {
  const allowed = editor(ctx);
  if ('toast' in allowed) return { toast: allowed.toast };
  const id = idOf(args);
  const before = id === null ? null : await allowed.content.getItem(id);
  if (!before) return { toast: 'Unknown vault item.' };
  const after = await allowed.content.updateItem(before.id, patchOf(before));
  await ctx.panel.audit.record({
    actorId: ctx.actor.id,
    action: 'vault:edit',
    subject: `vault item ${before.id}`,
    before: snapshot(before),
    after: after ? snapshot(after) : null,
  });
  const from = state.view === 'item' ? state.from : { page: 0 };
  return { toast, state: { view: 'item', id: before.id, from } };
}

function refusal(problem: string): FormattedText {
  return new TextBuilder()
    .plain(`❌ Not accepted — nothing changed: ${problem}`)
    .newline()
    .plain('Reply again, or /cancel.')
    .build();
}

/** A typed edit of the card's item: checked, applied, audited. */
async function typed(
  ctx: ScreenContext,
  state: VaultState,
  check: (text: string) => { ok: true; patch: ContentItemPatch } | { ok: false; problem: string },
  text: string,
): Promise<InputResult<VaultState>> {
  const allowed = editor(ctx);
  if (state.view !== 'item' || 'toast' in allowed)
    return { ok: false, reply: refusal('this menu is no longer showing a vault item') };
  const checked = check(text);
  if (!checked.ok) return { ok: false, reply: refusal(checked.problem) };
  const result = await edit(ctx, state, { id: state.id }, () => checked.patch, '');
  return { ok: true, state: result.state ?? state };
}

export const vaultScreen = defineScreen<VaultState>({
  id: 'vault',
  permission: 'vault:view',
  command: { name: 'vault', description: 'Vault: locked media, sales, edit, archive' },
  fromCommand(arg) {
    const word = arg.trim().replace(/^#/, '').toLowerCase();
    if (word === 'archived') return { view: 'list', page: 0, archived: true };
    const id = Number(word);
    if (word !== '' && Number.isSafeInteger(id)) return { view: 'item', id, from: { page: 0 } };
    return { view: 'list', page: 0 };
  },
  async render(ctx, state) {
    const content = ctx.panel.content;
    if (!content) return { text: new TextBuilder().plain(UNAVAILABLE).build(), keyboard: [] };
    const currency = ctx.deps.fan.currency;
    if (state.view === 'item') {
      const item = await content.getItem(state.id);
      const withFigures = item ? { ...item, figures: await content.figures(item.id) } : null;
      return renderVaultItem(withFigures, state, currency, can(ctx.actor, 'vault:edit'));
    }
    const page = await content.listItems({
      offset: Math.max(0, state.page) * VAULT_PAGE_SIZE,
      limit: VAULT_PAGE_SIZE,
      archived: state.archived,
    });
    return renderVaultList(page.items, page.total, state, currency);
  },
  actions: {
    async title(ctx, _state, args) {
      const allowed = editor(ctx);
      if ('toast' in allowed) return { toast: allowed.toast };
      return {
        prompt: { text: 'The new title:', input: 'title', args, permission: 'vault:edit' },
      };
    },
    async price(ctx, _state, args) {
      const allowed = editor(ctx);
      if ('toast' in allowed) return { toast: allowed.toast };
      const flag = ctx.deps.fan.currency.toLowerCase();
      return {
        prompt: {
          text: `The new price in credits, optionally with --${flag} AMOUNT and --stars N (e.g. 30 --${flag} 5 --stars 50):`,
          input: 'price',
          args,
          placeholder: `30 --${flag} 5`,
          permission: 'vault:edit',
        },
      };
    },
    archive: (ctx, state, args) =>
      edit(ctx, state, args, () => ({ active: false }), '📦 Archived — no more teasers'),
    restore: (ctx, state, args) =>
      edit(ctx, state, args, () => ({ active: true }), '♻️ Restored — back in the vault'),
    teaser: (ctx, state, args) =>
      edit(
        ctx,
        state,
        args,
        (item) => ({ teaser: item.teaser === 'spoiler' ? 'caption' : 'spoiler' }),
        'Teaser changed',
      ),
    protect: (ctx, state, args) =>
      edit(ctx, state, args, (item) => ({ protect: !item.protect }), 'Delivery changed'),
  },
  inputs: {
    title: (ctx, state, _args, text) =>
      typed(
        ctx,
        state,
        (value) => {
          const title = value.trim().replace(/\s+/g, ' ');
          if (title === '' || title.length > 200)
            return { ok: false, problem: 'a title has 1 to 200 characters' };
          return { ok: true, patch: { title } };
        },
        text,
      ),
    price: (ctx, state, _args, text) =>
      typed(
        ctx,
        state,
        (value) => {
          const parsed = parseLockArgs(value, ctx.deps.fan.currency);
          if (!parsed.ok || parsed.title !== null)
            return { ok: false, problem: `"${value.slice(0, 60)}" is not a price like 30 --usd 5` };
          const { credits, cents, stars } = parsed.price;
          return {
            ok: true,
            patch: {
              priceCredits: credits,
              priceCents: cents,
              currency: cents === null ? null : ctx.deps.fan.currency,
              priceStars: stars,
            },
          };
        },
        text,
      ),
  },
});
