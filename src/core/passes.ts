/**
 * Time passes: a fan banks pass seconds when buying, then starts them; while the pass
 * runs, messages cost nothing. All functions take `now` so callers and tests control time.
 */

export interface PassTimes {
  startedAt: Date | null;
  endsAt: Date | null;
}

/**
 * `none`: never had a pass; `active`: running; `ending_soon`: running, inside the warning
 * window; `ended`: ran out.
 */
export type PassStatus = 'none' | 'active' | 'ending_soon' | 'ended';

export interface PassState {
  status: PassStatus;
  /** Whole seconds left, 0 unless running. */
  remainingSeconds: number;
  endsAt: Date | null;
}

/** The state of a fan's pass at `now`, with a warning window of `warningMinutes`. */
export function passState(pass: PassTimes, now: Date, warningMinutes: number): PassState {
  if (pass.endsAt === null) return { status: 'none', remainingSeconds: 0, endsAt: null };
  const remainingMs = pass.endsAt.getTime() - now.getTime();
  if (remainingMs <= 0) return { status: 'ended', remainingSeconds: 0, endsAt: pass.endsAt };
  const remainingSeconds = Math.ceil(remainingMs / 1000);
  const status = remainingMs <= warningMinutes * 60_000 ? 'ending_soon' : 'active';
  return { status, remainingSeconds, endsAt: pass.endsAt };
}

/** True while a pass is running (including its warning window). */
export function passIsRunning(pass: PassTimes, now: Date): boolean {
  return pass.endsAt !== null && pass.endsAt.getTime() > now.getTime();
}

/**
 * The pass after starting `seconds` of banked time at `now`: a running pass is extended
 * (keeping its start), otherwise a new one starts now.
 */
export function passAfterStart(pass: PassTimes, now: Date, seconds: number): PassTimes {
  if (passIsRunning(pass, now) && pass.endsAt !== null) {
    return {
      startedAt: pass.startedAt ?? now,
      endsAt: new Date(pass.endsAt.getTime() + seconds * 1000),
    };
  }
  return { startedAt: now, endsAt: new Date(now.getTime() + seconds * 1000) };
}

/**
 * True when the "your pass ends soon" notice should go out now. Starting or extending a
 * pass clears `warningSentAt`, so each pass (or extension) warns once.
 */
export function passWarningDue(
  pass: PassTimes,
  now: Date,
  warningMinutes: number,
  warningSentAt: Date | null,
): boolean {
  return warningSentAt === null && passState(pass, now, warningMinutes).status === 'ending_soon';
}
