/**
 * What happens to a team member's message in a fan's topic, given the fan's claim: the
 * collision guard (another member holds the fan: hold it, the author decides) and the
 * "agents see only their fans" setting (not theirs: never relayed). The Bot API has no
 * "someone is typing in this topic", so collisions are prevented by claims, not presence.
 */

export type TeamMessageDecision =
  /** Relay it (the author holds the fan, or nobody does and the author may answer anyone). */
  | 'relay'
  /** Another member holds the fan: hold the message, offer "Send anyway" / "Take over". */
  | 'hold'
  /** The author may answer only their own fans and this one is not theirs: never relayed. */
  | 'not_theirs';

export interface TeamMessageCheck {
  authorId: number;
  /** Who holds the fan (null: nobody). */
  claimerId: number | null;
  /** `team.agents_own_fans_only` is on and the author lacks `inbox:all`. */
  ownFansOnly: boolean;
}

/** The pure decision for one team message (commands and #notes never get here). */
export function decideTeamMessage(check: TeamMessageCheck): TeamMessageDecision {
  if (check.claimerId === check.authorId) return 'relay';
  if (check.ownFansOnly) return 'not_theirs';
  return check.claimerId === null ? 'relay' : 'hold';
}

/** Callback data of the held message's buttons: `tm:<send|take>:<held id>`. */
export type HeldChoice = { choice: 'send' | 'take'; heldId: number };

export function heldCallback(choice: HeldChoice['choice'], heldId: number): string {
  return `tm:${choice}:${heldId}`;
}

export function parseHeldCallback(data: string): HeldChoice | null {
  const match = /^tm:(send|take):(\d{1,15})$/.exec(data);
  if (!match) return null;
  return { choice: match[1] as HeldChoice['choice'], heldId: Number(match[2]) };
}

/** Callback data of /assign's buttons: `ta:<fan id>:<member id>` (0: release). */
export function assignCallback(fanId: number, userId: number): string {
  return `ta:${fanId}:${userId}`;
}

export function parseAssignCallback(data: string): { fanId: number; userId: number } | null {
  const match = /^ta:(\d{1,15}):(\d{1,15})$/.exec(data);
  if (!match) return null;
  return { fanId: Number(match[1]), userId: Number(match[2]) };
}
