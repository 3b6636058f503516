import { readInstallId } from '../../../adapters/db/bot-state-store.js';
import { isInstallId } from '../../../core/payments/install.js';
import { fail, pass, warn, type DoctorCheck } from '../types.js';

/** The install id that keeps this install's Stripe objects and events apart from others'. */
export const installIdCheck: DoctorCheck = {
  id: 'install-id',
  title: 'install id',
  after: ['migrations'],
  async run(ctx) {
    const id = await readInstallId(ctx.db!);
    if (id === null)
      return warn(
        'none yet',
        'Run `premiumbot migrate` (or start `premiumbot serve`) to create it; it tags every Stripe object of this install.',
      );
    if (!isInstallId(id))
      return fail(
        `"${id}" in bot_state is malformed`,
        'Delete the bot_state row with key install_id only if no payment was made yet, then run `premiumbot migrate`.',
      );
    return pass(`${id} (premiumbot_install on this install's Stripe objects)`);
  },
};
