/** Every table the migrations must create (DESIGN §4); shared by the migration and CLI tests. */
export const EXPECTED_TABLES = [
  'users',
  'products',
  'conversations',
  'transactions',
  'credit_ledger',
  'settings',
  'admins',
  'stripe_events',
  'telegram_updates',
  'outbox',
  'chat_pauses',
  'premium_content',
  'content_purchases',
  'auto_recharge_attempts',
];
