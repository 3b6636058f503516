/**
 * A fan's live location in their topic. Telegram reports every move as an edit of the
 * fan's message (an `edited_message` whose location keeps `live_period`), often every few
 * seconds; the last edit, without `live_period`, says sharing stopped. The topic gets the
 * start (the relayed message, charged as a location, plus one note saying how often it is
 * updated) and then at most one static position per interval — never one message per move,
 * and nothing once sharing stopped.
 *
 * Updates are keyed by the interval the move falls in, counted from the start, so every
 * instance and every redelivery agrees on "at most one per interval" without memory.
 */

/** How often, at most, a moving live location is shown again in the topic (simulated seconds). */
export const LIVE_LOCATION_UPDATE_SECONDS = 5 * 60;

/** A live-location edit as the Telegram feature reads it. */
export interface LiveLocationEdit {
  /** The fan's message that is being shared. */
  messageId: number;
  /** Still sharing (`live_period` present). */
  live: boolean;
  /** When sharing started and when this move happened (ms). */
  startedAtMs: number;
  editedAtMs: number;
}

/** What to do with a live-location edit. */
export type LiveLocationDecision =
  | { action: 'ignore'; reason: 'stopped' | 'too_soon' }
  /** Show the position now; `slot` numbers the interval (the update's dedupe key). */
  | { action: 'update'; slot: number };

/** The decision for one move; `intervalMs` is LIVE_LOCATION_UPDATE_SECONDS in real time. */
export function decideLiveLocationEdit(
  edit: LiveLocationEdit,
  intervalMs: number,
): LiveLocationDecision {
  if (!edit.live) return { action: 'ignore', reason: 'stopped' };
  const slot = Math.floor(
    Math.max(0, edit.editedAtMs - edit.startedAtMs) / Math.max(1, intervalMs),
  );
  // Slot 0 is the start itself, already in the topic.
  if (slot < 1) return { action: 'ignore', reason: 'too_soon' };
  return { action: 'update', slot };
}

/** The dedupe key of the update of `slot` (one per interval, across instances). */
export function liveLocationUpdateKey(fanId: number, messageId: number, slot: number): string {
  return `live:${fanId}:${messageId}:${slot}`;
}
