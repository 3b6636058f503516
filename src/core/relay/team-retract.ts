/**
 * The team takes an answer back: `/delete` sent as a reply to one of the team's answers in a
 * fan's topic deletes the fan's copy. Telegram lets a bot delete its messages in a private
 * chat for 48 hours only; after that it refuses, and the team is told the fan still sees it.
 */

/** What the team asked `/delete` to act on, as the Telegram feature found it. */
export type RetractTarget =
  /** An answer of the team that reached this fan: their copy is `fanMessageId`. */
  | { kind: 'answer'; fanMessageId: number }
  /** Not a reply, or a reply to something that is not a team answer to this fan. */
  | { kind: 'none' };

/** How the deletion ended. */
export type RetractOutcome =
  /** Deleted now, or already gone (the fan deleted it, a second /delete). */
  | 'deleted'
  /** Telegram refused: older than 48 hours (or no longer the bot's to delete). */
  | 'refused'
  /** Nothing to delete: the team is told how /delete works. */
  | 'usage';

/** The outcome of a deleteMessage answered by Telegram with `code`/`description` (or ok). */
export function retractOutcome(
  answer: { ok: true } | { ok: false; code: number; description: string },
): RetractOutcome {
  if (answer.ok) return 'deleted';
  if (answer.code === 400 && /message to delete not found/i.test(answer.description))
    return 'deleted';
  return 'refused';
}
