import { createProductStore } from '../../../adapters/db/product-store.js';
import { createSettingsStore } from '../../../config/settings-store.js';
import { productRails, railsFor, type PaymentRails } from '../../../core/payments/rails.js';
import { pass, warn, type DoctorCheck } from '../types.js';

/** "Telegram Stars and Stripe": the rails in force, as the shop offers them. */
function railsText(rails: PaymentRails): string {
  if (rails.stripe && rails.stars) return 'Stripe and Telegram Stars';
  if (rails.stars) return 'Telegram Stars only';
  return rails.stripe ? 'Stripe only' : 'none';
}

/** Fans have something to buy, on the rails in force (`payments.rails`, STRIPE_API_KEY). */
export const productsCheck: DoctorCheck = {
  id: 'products',
  title: 'product catalog',
  after: ['migrations'],
  async run(ctx) {
    const active = await createProductStore(ctx.db!).list({ activeOnly: true });
    if (active.length === 0) {
      return warn(
        'no active products: fans cannot buy anything',
        'Run `premiumbot products sync --catalog products.yaml` (or `premiumbot setup products`).',
      );
    }
    const setting = await createSettingsStore(ctx.db!).get('payments.rails');
    const rails = railsFor(setting, Boolean(ctx.config?.stripeApiKey), active);
    const onSale = active.filter((p) => {
      const on = productRails(p, rails);
      return on.stripe || on.stars;
    });
    const summary = `${active.length} active product(s); rails: ${railsText(rails)} (payments.rails = ${setting})`;
    if (onSale.length === 0) {
      return warn(
        `${summary}: none of them can be bought`,
        rails.stars
          ? 'Give products a Stars price (`stars:` in the catalog file) and run `premiumbot products sync`.'
          : 'Set STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET, or sell with Telegram Stars (`stars:` prices, `payments.rails`).',
      );
    }
    return pass(summary);
  },
};
