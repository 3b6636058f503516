/**
 * Claims: which team member answers a fan. One claim per fan at most (`/take`, `/assign`,
 * "Take over", the round-robin of new paying fans); moving or dropping a claim is a
 * conditional write, so two members acting at once never both win. The store is
 * `src/adapters/db/claim-store.ts`; features reach it as `deps.team.claims`.
 */

/** A fan's claim: who answers them, since when. */
export interface Claim {
  fanId: number;
  userId: number;
  claimedAt: Date;
}

/** What a claim attempt did: `ok` when `userId` holds the fan afterwards; `holder` is who does. */
export interface ClaimOutcome {
  ok: boolean;
  /** The claimer after the attempt (null: nobody). */
  holder: number | null;
  /** The claimer before the attempt (null: nobody). */
  before: number | null;
}

export interface ClaimStore {
  /** The fan's claim, or null when nobody claimed them. */
  claimOf(fanId: number): Promise<Claim | null>;
  /** The claims of these fans (fans without one are absent). */
  claimsOf(fanIds: readonly number[]): Promise<Map<number, Claim>>;
  /**
   * Claims `fanId` for `userId` when `expected` holds it now (null: only when unclaimed;
   * `'any'`: whoever holds it — an assignment by someone with `inbox:assign`).
   */
  claim(fanId: number, userId: number, expected: number | null | 'any'): Promise<ClaimOutcome>;
  /** Drops the fan's claim when `expected` holds it (`'any'`: whoever); true when dropped. */
  release(fanId: number, expected: number | 'any'): Promise<boolean>;
  /** Drops every claim of `userId` (they left the team); the fans they held. */
  releaseAllOf(userId: number): Promise<number[]>;
}

/** Told after a claim changed (the topic's 🔒 icon, the card…); errors are the listener's. */
export type ClaimListener = (fanId: number, holder: number | null) => Promise<void> | void;
