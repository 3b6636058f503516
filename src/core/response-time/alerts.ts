/**
 * Response-time alerts: a paying fan whose first unanswered message has waited longer than
 * `inbox.alert_after_minutes` gets 🔥 on their topic and ONE reminder in the team's Alerts
 * topic (mentioning who claimed the fan, if anyone). The next team answer ends the wait and
 * clears the mark. Inside `inbox.quiet_hours` no reminder goes out; the due ones go out when
 * the quiet hours end (the fans still wait). Decided here; the job carries it out.
 */

/** Quiet hours: minutes after local midnight, `from` inclusive, `to` exclusive (may wrap). */
export interface QuietHours {
  from: number;
  to: number;
}

/** `22:00-08:00` → quiet hours; empty → none; null when malformed. */
export function parseQuietHours(value: string): QuietHours | null | 'none' {
  const trimmed = value.trim();
  if (trimmed === '') return 'none';
  const match = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(trimmed);
  if (!match) return null;
  const [h1, m1, h2, m2] = match.slice(1).map(Number) as [number, number, number, number];
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) return null;
  const from = h1 * 60 + m1;
  const to = h2 * 60 + m2;
  return from === to ? null : { from, to };
}

/** Minutes after midnight of `now` in `timeZone` (IANA). */
export function localMinutes(now: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/** True when `now` falls inside the quiet hours (`inbox.quiet_hours`, in `timeZone`). */
export function isQuiet(now: Date, quietHours: string, timeZone: string): boolean {
  const quiet = parseQuietHours(quietHours);
  if (quiet === null || quiet === 'none') return false;
  const minute = localMinutes(now, timeZone);
  return quiet.from < quiet.to
    ? minute >= quiet.from && minute < quiet.to
    : minute >= quiet.from || minute < quiet.to;
}

/** A paying fan waiting for the team, as the store reads them. */
export interface WaitingFan {
  fanId: number;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  waitingSince: Date;
  /** The fan's topic (a link to it goes with the reminder). */
  chatId: number;
  topicId: number;
}

/** The store the job uses (src/adapters/db/response-alert-store.ts). */
export interface ResponseAlertStore {
  /** Paying fans with a topic whose wait began at or before `before` and was not reminded. */
  due(before: Date, limit: number): Promise<WaitingFan[]>;
  /** Claims the reminder of this wait; false when another run did (exactly once). */
  claim(fanId: number, waitingSince: Date, now: Date): Promise<boolean>;
  /** Marks reminded waits that ended (the fan was answered) cleared; the fans concerned. */
  clearAnswered(now: Date): Promise<number[]>;
}

/** The settings the alerts read. */
export interface ResponseAlertSettings {
  /** 0 turns the alerts off. */
  alertAfterMinutes: number;
  quietHours: string;
  timeZone: string;
}

/** What one run should do at `now`: remind waits begun before `dueBefore` (null: not now). */
export function reminderCutoff(now: Date, settings: ResponseAlertSettings): Date | null {
  if (settings.alertAfterMinutes <= 0) return null;
  if (isQuiet(now, settings.quietHours, settings.timeZone)) return null;
  return new Date(now.getTime() - settings.alertAfterMinutes * 60_000);
}
