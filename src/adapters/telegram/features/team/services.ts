/**
 * What the team features are given (built once in src/cli/runtime): the claims, the team's
 * members and the collision guard's held messages. `deps.team` is absent in bare setups.
 */
import type { ClaimListener, ClaimStore } from '../../../../core/team/claims.js';
import type { HeldMessageStore } from '../../../../core/team/held.js';
import type { TeamStore } from '../../../../core/team/members.js';

export interface TeamServices {
  /** Who answers which fan: `claims.claimOf(fanId)`. Change claims through `moveClaim`. */
  claims: ClaimStore;
  members: TeamStore;
  held: HeldMessageStore;
  /**
   * Called after every claim change made through `moveClaim` (features/team/claims.ts):
   * push a listener here to follow claims (the topic's 🔒 icon…).
   */
  claimListeners: ClaimListener[];
}
