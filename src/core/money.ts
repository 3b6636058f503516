/** Money as fans and admins read it: one format for receipts, prices, the info card and notes. */

/**
 * "$5.00" for dollars, "5.00 EUR" otherwise: the same digits whatever the locale, and no
 * symbol that two currencies share.
 */
export function formatMoney(cents: number, currency: string): string {
  const amount = (cents / 100).toFixed(2);
  return currency.toLowerCase() === 'usd' ? `$${amount}` : `${amount} ${currency.toUpperCase()}`;
}
