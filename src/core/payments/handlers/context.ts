/**
 * What every Stripe event handler works with: the ports, the open transaction, the settings
 * read before it, the message templates, and the outgoing Telegram work collected for the
 * same transaction.
 */
import { describeAmount } from '../../catalog.js';
import type { ContentStore } from '../../content/ports.js';
import type { LedgerStore } from '../../ledger.js';
import type { MessageCatalog, Translate } from '../../templates.js';
import type { TierThresholds } from '../../tiers.js';
import { PRIORITY, type NewOutboxJob } from '../../traffic/outbox.js';
import type { PurchaseMetadata } from '../events.js';
import type { PaymentStore } from '../ports.js';
import type { PurchaseView } from '../texts.js';

export interface HandlerContext<Tx> {
  store: PaymentStore<Tx>;
  ledger: LedgerStore<Tx>;
  /** The admin group (sale notes go to the fan's topic); without it, topic notes are skipped. */
  adminChatId?: number;
  /** Owners get dispute alerts in private. */
  ownerIds: readonly number[];
  tx: Tx;
  /** Receipts, notes and alerts, persisted in the outbox when the handler is done. */
  jobs: NewOutboxJob[];
  thresholds: TierThresholds;
  receipts: boolean;
  maxFailures: number;
  /** The message templates: fans read theirs in their own language. */
  templates: MessageCatalog;
  /** The team's language (topic notes, owner alerts). */
  team: Translate;
  /** The vault (vault items bought with money are delivered); absent: not wired. */
  content?: ContentPaymentPort<Tx>;
  /** The time of day (core/clock.ts). */
  now: () => Date;
}

/** What a money unlock of a vault item needs of the vault. */
export type ContentPaymentPort<Tx> = Pick<ContentStore<Tx>, 'getItem' | 'recordPurchase'>;

/** A text rendered in the reader's language. */
export type Render = (t: Translate) => string;

/** A message to the fan in their private chat, in the fan's language. */
export async function notifyFan<Tx>(
  ctx: HandlerContext<Tx>,
  fanId: number,
  dedupeKey: string,
  render: Render,
): Promise<void> {
  const fan = await ctx.store.fan(fanId, ctx.tx);
  const text = render(ctx.templates.forLanguage(fan?.languageCode));
  ctx.jobs.push({
    kind: 'notice.payment',
    target: { type: 'chat', chatId: fanId },
    method: 'sendMessage',
    params: { text },
    priority: PRIORITY.payment,
    dedupeKey,
    fanId,
  });
}

/**
 * A note in the fan's topic of the admin group (skipped without an admin group). `kind`
 * `notice.sale`: a sale note, folded into the card when it is what opens the topic.
 */
export function noteTopic<Tx>(
  ctx: HandlerContext<Tx>,
  fanId: number,
  dedupeKey: string,
  render: Render,
  kind: 'notice.topic' | 'notice.sale' = 'notice.topic',
): void {
  if (ctx.adminChatId === undefined) return;
  ctx.jobs.push({
    kind,
    target: { type: 'topic', chatId: ctx.adminChatId, fanId },
    method: 'sendMessage',
    params: { text: render(ctx.team) },
    priority: PRIORITY.payment,
    dedupeKey,
    fanId,
  });
}

/** An alert to every owner in private, in the team's language. */
export function alertOwners<Tx>(ctx: HandlerContext<Tx>, dedupeKey: string, render: Render): void {
  const text = render(ctx.team);
  for (const owner of ctx.ownerIds) {
    ctx.jobs.push({
      kind: 'alert',
      target: { type: 'chat', chatId: owner },
      method: 'sendMessage',
      params: { text },
      priority: PRIORITY.alert,
      dedupeKey: `${dedupeKey}:${owner}`,
    });
  }
}

/**
 * How the team's alerts name a fan: "Ada Lovelace (@ada, id 42)" — who it is at a glance in
 * an owner's private chat, the id to find them. Plain text, like every template value.
 */
export async function fanLabel<Tx>(ctx: HandlerContext<Tx>, fanId: number): Promise<string> {
  const fan = await ctx.store.fan(fanId, ctx.tx);
  const name = [fan?.firstName, fan?.lastName].filter(Boolean).join(' ') || 'A fan';
  const handle = fan?.username ? `@${fan.username}, ` : '';
  return `${name} (${handle}id ${fanId})`;
}

/** A purchase as the texts describe it. */
export function purchaseView(
  p: PurchaseMetadata,
  amountCents: number,
  currency: string,
): PurchaseView {
  return {
    label: p.productLabel ?? describeAmount(p.productType, p.productAmount),
    type: p.productType,
    amount: p.productAmount,
    amountCents,
    currency,
  };
}
