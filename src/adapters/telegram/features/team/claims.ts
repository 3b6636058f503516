/**
 * The one way features change a claim: the conditional write (core/team/claims.ts), then
 * the audit log, then the claim listeners (the card, the topic's icon…). Reading a claim is
 * `deps.team.claims.claimOf(fanId)`.
 */
import type { ClaimOutcome } from '../../../../core/team/claims.js';
import type { BotDeps } from '../../bot-deps.js';

/** Why a claim moved, as the audit log names it. */
export type ClaimMove = 'inbox:take' | 'inbox:assign' | 'inbox:take_over' | 'inbox:auto_assign';

/**
 * Gives `fanId` to `userId` when `expected` holds it (see ClaimStore.claim); audited as
 * `move` by `actorId` when it changed hands.
 */
export async function moveClaim(
  deps: BotDeps,
  input: {
    fanId: number;
    userId: number;
    actorId: number;
    move: ClaimMove;
    expected: number | null | 'any';
  },
): Promise<ClaimOutcome> {
  const team = deps.team!;
  const outcome = await team.claims.claim(input.fanId, input.userId, input.expected);
  if (outcome.ok && outcome.before !== input.userId) {
    await deps.panel?.audit.record({
      actorId: input.actorId,
      action: input.move,
      fanId: input.fanId,
      before: { claimedBy: outcome.before },
      after: { claimedBy: input.userId },
    });
    await notify(deps, input.fanId, input.userId);
  }
  return outcome;
}

/** Drops the fan's claim when `expected` holds it (`'any'`: whoever); audited when dropped. */
export async function dropClaim(
  deps: BotDeps,
  input: { fanId: number; actorId: number; expected: number | 'any'; reason?: string },
): Promise<boolean> {
  const team = deps.team!;
  const before = await team.claims.claimOf(input.fanId);
  if (!before) return false;
  if (input.expected !== 'any' && before.userId !== input.expected) return false;
  if (!(await team.claims.release(input.fanId, before.userId))) return false;
  await deps.panel?.audit.record({
    actorId: input.actorId,
    action: 'inbox:release',
    fanId: input.fanId,
    subject: input.reason ?? null,
    before: { claimedBy: before.userId },
    after: { claimedBy: null },
  });
  await notify(deps, input.fanId, null);
  return true;
}

/**
 * Brings the fan card up to date (it shows the claimer) and tells every claim listener; a
 * failing listener is logged, never the caller's problem.
 */
export async function notify(deps: BotDeps, fanId: number, holder: number | null): Promise<void> {
  deps.fan.cards.forget(fanId);
  await deps.fan.cards.refreshNow(fanId);
  for (const listener of deps.team?.claimListeners ?? []) {
    try {
      await listener(fanId, holder);
    } catch (err) {
      deps.logger.warn({ err, fanId }, 'claim listener failed');
    }
  }
}
