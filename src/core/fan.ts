/** The one description of a fan's Telegram profile, shared by the ledger, topics and relay. */

/** The Telegram profile fields kept for a fan (`users` row). */
export interface FanProfile {
  id: number;
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
  languageCode?: string | null;
}
