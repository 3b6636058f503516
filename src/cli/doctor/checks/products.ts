import { createProductStore } from '../../../adapters/db/product-store.js';
import { pass, warn, type DoctorCheck } from '../types.js';

/** Fans have something to buy. */
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
    return pass(`${active.length} active product(s)`);
  },
};
