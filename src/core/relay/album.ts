/**
 * Albums are one unit. Telegram delivers an album as one update per item, so the use case
 * decides item by item, and this module keeps the album whole: while every item can be
 * paid, each is charged and its copy held back (`albumHoldMs`, tied to the others by its
 * album key) so the outbox sends them in one copyMessages call; when one cannot, the copies
 * of the items before it (still held) are cancelled and their credits given back, and that
 * item and every later one is refused — the album is paid in full or not at all, with one
 * prompt for its cost.
 */
import { ledgerKeys } from '../ledger.js';
import { relayKey, type FanMessageInput, type FanMessageOutcome } from './fan-outcome.js';
import type { AlbumItem, FanMessageTransaction } from './ports.js';

/** The album is short: its cost so far and the credits the fan has once refunds are in. */
async function refusal(
  tx: FanMessageTransaction,
  items: readonly AlbumItem[],
  cost: number,
): Promise<FanMessageOutcome> {
  const total = items.reduce((sum, item) => sum + item.credits, 0) + cost;
  const credits = await tx.credits();
  return {
    kind: 'insufficient',
    cost: total,
    credits,
    shortfall: Math.max(1, total - credits),
    album: true,
  };
}

/**
 * Decides one album item: refused if the album already was; otherwise `decide` (the
 * ordinary credit check); if that finds the fan short, the album's earlier items are
 * taken back. Every item is recorded with what it paid.
 */
export async function decideAlbumItem(
  tx: FanMessageTransaction,
  input: FanMessageInput,
  cost: number,
  now: Date,
  decide: () => Promise<FanMessageOutcome>,
): Promise<FanMessageOutcome> {
  const group = input.mediaGroupId!;
  const fanId = input.profile.id;
  const items = (await tx.albumItems(group)).filter((i) => i.messageId !== input.messageId);
  const record = (credits: number, refused: boolean) =>
    tx.recordAlbumItem(group, { messageId: input.messageId, credits, refused }, now);
  if (items.some((item) => item.refused)) {
    await record(0, true);
    return refusal(tx, items, cost);
  }
  const outcome = await decide();
  if (outcome.kind === 'relayed') {
    await record(outcome.charged, false);
    return outcome;
  }
  if (outcome.kind === 'refused') return outcome;
  for (const item of items) {
    if (item.credits <= 0) continue;
    const spendKey = ledgerKeys.messageSpend(fanId, item.messageId);
    await tx.cancelRelay(
      relayKey(fanId, item.messageId),
      spendKey,
      ledgerKeys.relayRefund(spendKey),
    );
  }
  await record(0, true);
  return refusal(tx, items, cost);
}
