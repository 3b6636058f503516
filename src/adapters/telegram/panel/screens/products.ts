/**
 * `/products`: the shop as fans see it (label, what it gives, price, sales, `/buy<N>`),
 * the archive, one card per product (archive / restore, move up / down) and a short flow
 * that creates a product (label → credits or time → amount → price → Create) on Stripe
 * through the same code as `products sync`, then in the shop. Every change is checked with
 * `can(actor, 'products:edit')`, acts once (the framework's claim) and is audited; the
 * shop of every instance sees it within a second (the catalog revision, checked at most
 * once a second).
 */
import { randomBytes } from 'node:crypto';
import type { LocalProduct, ProductType } from '../../../../core/catalog.js';
import { TextBuilder, type FormattedText } from '../../../../core/formatted-text.js';
import { can } from '../../../../core/permissions.js';
import type { ProductAdmin, ProductChange } from '../../../../core/products/admin.js';
import {
  checkAmount,
  checkLabel,
  checkPrice,
  checkStars,
  type Checked,
  type ProductDraft,
} from '../../../../core/products/draft.js';
import {
  defineScreen,
  type ActionResult,
  type InputResult,
  type PromptRequest,
  type ScreenContext,
} from '../types.js';
import {
  STEP_PROMPTS,
  priceOf,
  renderCard,
  renderDraft,
  renderList,
  type ProductsState,
} from './products-views.js';

type Result = ActionResult<ProductsState>;
type DraftState = Extract<ProductsState, { view: 'new' }>;

const UNAVAILABLE = 'The catalog is not available on this instance.';
const REFUSED = '⛔ You may not change products.';

/** A new id for a draft whose answers changed (its Stripe idempotency key). */
function draftId(): string {
  return randomBytes(9).toString('base64url');
}

function withAnswer(draft: ProductDraft, answer: Partial<ProductDraft>): ProductDraft {
  return { ...draft, ...answer, id: draftId() };
}

function promptFor(step: 'label' | 'amount' | 'price', draft: ProductDraft): PromptRequest {
  const base =
    step === 'label'
      ? STEP_PROMPTS.label
      : step === 'price'
        ? {
            ...STEP_PROMPTS.price,
            text: STEP_PROMPTS.price.text.replace('%s', draft.currency.toUpperCase()),
          }
        : STEP_PROMPTS.amount[draft.type ?? 'credits'];
  return {
    text: base.text,
    placeholder: base.placeholder,
    input: step,
    permission: 'products:edit',
  };
}

function idOf(args: unknown): number | null {
  const id = (args as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}

/** The admin's right to change the catalog, and the catalog. */
function editor(ctx: ScreenContext): { admin: ProductAdmin } | { toast: string } {
  if (!can(ctx.actor, 'products:edit')) return { toast: REFUSED };
  const admin = ctx.panel.products;
  return admin ? { admin } : { toast: UNAVAILABLE };
}

/** What the audit log keeps of a product. */
function snapshot(product: LocalProduct) {
  return {
    label: product.label,
    type: product.type,
    amount: product.amount,
    price: priceOf(product),
    stars: product.stars ?? null,
    starsSubscription: product.starsSubscription === true,
    active: product.active,
    sort: product.sort,
    stripeProductId: product.stripeProductId,
    stripePriceId: product.stripePriceId,
  };
}

async function recordChange(
  ctx: ScreenContext,
  action: string,
  change: ProductChange & { ok: true },
) {
  await ctx.panel.audit.record({
    actorId: ctx.actor.id,
    action,
    subject: `product ${change.product.id}`,
    before: change.before ? snapshot(change.before) : null,
    after: snapshot(change.product),
  });
}

function refusal(
  problems: readonly string[],
  lead = '❌ Not accepted — nothing was created:',
): FormattedText {
  return new TextBuilder()
    .plain(lead)
    .newline()
    .plain(problems.map((p) => `• ${p}`).join('\n'))
    .newline()
    .plain('Reply again with another value, or /cancel.')
    .build();
}

/** Takes a typed answer into the draft, or refuses it with the catalog's reason. */
function answer<T>(
  state: ProductsState,
  checked: Checked<T>,
  next: (draft: ProductDraft, value: T) => ProductDraft,
): InputResult<ProductsState> {
  if (state.view !== 'new')
    return { ok: false, reply: refusal(['this menu is no longer creating a product']) };
  if (!checked.ok) return { ok: false, reply: refusal(checked.problems) };
  return { ok: true, state: { view: 'new', draft: next(state.draft, checked.value) } };
}

/** Archive, restore or move: one change, audited, shown on the product's card. */
async function change(
  ctx: ScreenContext,
  state: ProductsState,
  args: unknown,
  run: (admin: ProductAdmin, id: number) => Promise<ProductChange>,
  done: { action: string; toast: string },
): Promise<Result> {
  const allowed = editor(ctx);
  if ('toast' in allowed) return { toast: allowed.toast };
  const id = idOf(args);
  if (id === null) return { toast: 'Unknown product.' };
  const result = await run(allowed.admin, id);
  if (!result.ok) return { toast: result.reason.slice(0, 200) };
  await recordChange(ctx, done.action, result);
  const from = state.view === 'product' ? state.from : { view: 'shop' as const, page: 0 };
  return { toast: done.toast, state: { view: 'product', id, from } };
}

export const productsScreen = defineScreen<ProductsState>({
  id: 'products',
  permission: 'products:view',
  command: { name: 'products', description: 'Products: the shop, create, archive, reorder' },
  fromCommand(arg) {
    const word = arg.trim().toLowerCase();
    if (word === 'archived') return { view: 'archived', page: 0 };
    const id = Number(word);
    if (word !== '' && Number.isSafeInteger(id))
      return { view: 'product', id, from: { view: 'shop', page: 0 } };
    return { view: 'shop', page: 0 };
  },
  async render(ctx, state) {
    const admin = ctx.panel.products;
    if (!admin) return { text: new TextBuilder().plain(UNAVAILABLE).build(), keyboard: [] };
    if (state.view === 'new') return renderDraft(state);
    const entries = await admin.entries();
    const editable = admin.canChange && can(ctx.actor, 'products:edit');
    return state.view === 'product'
      ? renderCard(entries, state, editable, can(ctx.actor, 'products:edit'))
      : renderList(entries, state, editable);
  },
  actions: {
    async start(ctx) {
      const allowed = editor(ctx);
      if ('toast' in allowed) return { toast: allowed.toast };
      const draft: ProductDraft = { id: draftId(), currency: allowed.admin.currency };
      return { state: { view: 'new', draft }, prompt: promptFor('label', draft) };
    },
    async type(ctx, state, args) {
      const allowed = editor(ctx);
      if ('toast' in allowed) return { toast: allowed.toast };
      const type = (args as { type?: unknown } | null)?.type;
      if (state.view !== 'new' || (type !== 'credits' && type !== 'time'))
        return { toast: 'Unknown choice.' };
      const draft = withAnswer(state.draft, { type: type as ProductType, amount: undefined });
      return { state: { view: 'new', draft }, prompt: promptFor('amount', draft) };
    },
    async ask(ctx, state, args) {
      const allowed = editor(ctx);
      if ('toast' in allowed) return { toast: allowed.toast };
      const step = (args as { step?: unknown } | null)?.step;
      if (state.view === 'new' && step === 'stars') {
        return { prompt: { ...STEP_PROMPTS.stars, input: 'stars', permission: 'products:edit' } };
      }
      if (state.view !== 'new' || (step !== 'label' && step !== 'amount' && step !== 'price')) {
        return { toast: 'Unknown step.' };
      }
      return { prompt: promptFor(step, state.draft) };
    },
    async create(ctx, state) {
      const allowed = editor(ctx);
      if ('toast' in allowed) return { toast: allowed.toast };
      if (state.view !== 'new') return { toast: 'Nothing to create.' };
      const result = await allowed.admin.create(state.draft);
      if (!result.ok) {
        const kept: DraftState = { view: 'new', draft: state.draft, error: result.reason };
        return { toast: `Not created: ${result.reason}`.slice(0, 200), state: kept };
      }
      await recordChange(ctx, 'products:create', result);
      return {
        toast: `✅ Created — in the shop now at ${priceOf(result.product)}`,
        state: { view: 'product', id: result.product.id, from: { view: 'shop', page: 0 } },
      };
    },
    archive: (ctx, state, args) =>
      change(ctx, state, args, (admin, id) => admin.archive(id), {
        action: 'products:archive',
        toast: '📦 Archived — no longer in the shop',
      }),
    restore: (ctx, state, args) =>
      change(ctx, state, args, (admin, id) => admin.restore(id), {
        action: 'products:restore',
        toast: '♻️ Restored — back in the shop',
      }),
    async stars(ctx, state, args) {
      const allowed = editor(ctx);
      if ('toast' in allowed) return { toast: allowed.toast };
      if (state.view !== 'product' || idOf(args) !== state.id) return { toast: 'Unknown product.' };
      return {
        prompt: { ...STEP_PROMPTS.stars, input: 'stars', permission: 'products:edit' },
      };
    },
    subscription(ctx, state, args) {
      const on = (args as { on?: unknown } | null)?.on === true;
      return change(ctx, state, args, (admin, id) => admin.setStarsSubscription(id, on), {
        action: 'products:stars_subscription',
        toast: on ? '🔁 Sold as a Star subscription (every 30 days)' : '🔁 Sold once',
      });
    },
    move(ctx, state, args) {
      const by = (args as { by?: unknown } | null)?.by === -1 ? -1 : 1;
      return change(ctx, state, args, (admin, id) => admin.move(id, by), {
        action: 'products:reorder',
        toast: by < 0 ? '⬆️ Moved up' : '⬇️ Moved down',
      });
    },
  },
  inputs: {
    async label(_ctx, state, _args, text) {
      const currency = state.view === 'new' ? state.draft.currency : 'usd';
      return answer(state, checkLabel(text, currency), (draft, label) =>
        withAnswer(draft, { label }),
      );
    },
    async amount(_ctx, state, _args, text) {
      if (state.view !== 'new' || !state.draft.type)
        return answer(state, { ok: false, problems: ['choose credits or time first'] }, (d) => d);
      const { type, currency } = state.draft;
      return answer(state, checkAmount(type, text, currency), (draft, amount) =>
        withAnswer(draft, { amount }),
      );
    },
    async stars(ctx, state, _args, text) {
      // The new-product flow's optional Stars price: kept in the draft, created with it.
      if (state.view === 'new') {
        return answer(state, checkStars(text), (draft, stars) => withAnswer(draft, { stars }));
      }
      const allowed = editor(ctx);
      if (state.view !== 'product' || 'toast' in allowed)
        return { ok: false, reply: refusal(['this menu is no longer showing a product']) };
      const lead = '❌ Not accepted — the Stars price is unchanged:';
      const checked = checkStars(text);
      if (!checked.ok) return { ok: false, reply: refusal(checked.problems, lead) };
      const result = await allowed.admin.setStars(state.id, checked.value);
      if (!result.ok) return { ok: false, reply: refusal([result.reason], lead) };
      await recordChange(ctx, 'products:stars', result);
      return { ok: true, state };
    },
    async price(_ctx, state, _args, text) {
      const currency = state.view === 'new' ? state.draft.currency : 'usd';
      return answer(state, checkPrice(text, currency), (draft, price) =>
        withAnswer(draft, { price }),
      );
    },
  },
});
