/**
 * The API version premiumbot is written against (what stripe-node 23.1.0 pins). A module of
 * its own so the webhook's event list can name it without loading stripe-node (serve without
 * STRIPE_API_KEY never builds a client).
 */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;
