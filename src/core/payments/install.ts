/**
 * One install, one Stripe namespace. Stripe sends every event of an account to every endpoint,
 * so several premiumbots may share one account: each install has its own id, written as
 * `premiumbot_install` metadata on every Checkout Session and PaymentIntent it creates and put
 * in front of every idempotency key it sends. Events about another install's objects are
 * acknowledged without effect; objects without the metadata (Dashboard actions, objects made
 * before install ids) are handled as before.
 */

/** The metadata key naming the install that created a Stripe object. */
export const INSTALL_METADATA_KEY = 'premiumbot_install';

/** `pb_` and 12 lowercase base32 characters (RFC 4648 alphabet). */
export const INSTALL_ID_PATTERN = /^pb_[a-z2-7]{12}$/;

/** The key in the bot state table that holds the install id. */
export const INSTALL_ID_STATE_KEY = 'install_id';

/** True when `value` is a well-formed install id. */
export function isInstallId(value: string | null | undefined): value is string {
  return typeof value === 'string' && INSTALL_ID_PATTERN.test(value);
}

/**
 * A Stripe idempotency key of this install: `<install>-<kind>-<parts…>`. Two installs on one
 * account never share a key, and neither do two rows of one install that reuse an id after a
 * restore when the caller includes the row's creation time.
 */
export function stripeIdempotencyKey(
  installId: string,
  kind: string,
  ...parts: Array<string | number>
): string {
  return [installId, kind, ...parts].join('-');
}

/** A key for a row: its id and creation time (ids restart after a restore, times do not). */
export function rowKeyParts(row: { id: number; createdAt: Date }): [number, string] {
  return [row.id, row.createdAt.getTime().toString(36)];
}

/** The install named by an event's object, when it carries premiumbot's metadata. */
export function installOf(metadata: Record<string, string> | null | undefined): string | null {
  const value = metadata?.[INSTALL_METADATA_KEY];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** True when the event's object was created by another install (acknowledge, do nothing). */
export function isForeignInstall(eventInstall: string | null, ourInstall: string): boolean {
  return eventInstall !== null && eventInstall !== ourInstall;
}
