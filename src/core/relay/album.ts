/**
 * Albums are one unit. Telegram delivers an album as one update per item, so the use case
 * decides item by item, and this module keeps the album whole: while every item can be
 * paid, each is charged and its copy held back (`AlbumHold`) so the outbox sends them in
 * one copyMessages call; when one cannot, the copies of the items before it (still held)
 * are cancelled and their credits given back, and that item and every later one is refused
 * — the album is paid in full or not at all, with one prompt for its cost.
 */
import { ledgerKeys } from '../ledger.js';
import { relayKey, type FanMessageInput, type FanMessageOutcome } from './fan-outcome.js';
import type { AlbumItem, FanMessageTransaction } from './ports.js';

/** Most albums seen at once per instance (their first-item times are all it keeps). */
const MAX_HELD_ALBUMS = 1_000;
/** An album's items all arrive within seconds; its first-item time is forgotten after this. */
const HOLD_MEMORY_MS = 60_000;

/** Per-instance memory of albums being held: media_group_id → when the first item came. */
export class AlbumHold {
  private readonly firstSeen = new Map<string, number>();
  constructor(private readonly holdMs: number) {}

  /** When the album's copies may leave (undefined: not an album, or no hold). */
  notBefore(groupId: string | undefined, now = Date.now()): Date | undefined {
    if (!groupId || this.holdMs <= 0) return undefined;
    // Insertion order is age order: drop the expired (and the oldest beyond the cap) first.
    for (const [id, at] of this.firstSeen) {
      if (now - at <= HOLD_MEMORY_MS && this.firstSeen.size < MAX_HELD_ALBUMS) break;
      this.firstSeen.delete(id);
    }
    const first = this.firstSeen.get(groupId) ?? now;
    this.firstSeen.set(groupId, first);
    return new Date(first + this.holdMs);
  }

  /** Albums remembered now (bounded by MAX_HELD_ALBUMS). */
  get size(): number {
    return this.firstSeen.size;
  }
}

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
