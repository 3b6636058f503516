/**
 * Issue 13 item 11: `doctor` tells each owner who never pressed Start in a private chat with
 * the bot to do so (alerts cannot reach them there otherwise), without sending them anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';
import {
  BOT_TOKEN,
  STRIPE_KEY,
  createAdminGroup,
  drainUpdates,
  runInProcess,
  startSims,
  tempDir,
  type Sims,
} from './operator-harness.js';

describe('doctor: owners reachable in private', () => {
  let sims: Sims;
  let t: TestDb;
  beforeAll(async () => {
    sims = await startSims();
    t = await createMigratedTestDb();
  });
  afterAll(async () => {
    await t.destroy();
    await sims.close();
  });

  it('warns about an owner who never pressed Start, and passes once they did', async () => {
    const { ownerId, chatId } = createAdminGroup(sims);
    const cwd = tempDir();
    fs.writeFileSync(
      path.join(cwd, '.env'),
      [
        `BOT_TOKEN=${BOT_TOKEN}`,
        `ADMIN_CHAT_ID=${chatId}`,
        `ADMIN_USER_IDS=${ownerId}`,
        `STRIPE_API_KEY=${STRIPE_KEY}`,
        'STRIPE_WEBHOOK_SECRET=whsec_abc',
        `DATABASE_URL=${t.url}`,
        `TELEGRAM_API_ROOT=${sims.env.TELEGRAM_API_ROOT}`,
        `STRIPE_API_BASE=${sims.env.STRIPE_API_BASE}`,
      ].join('\n'),
      { mode: 0o600 },
    );
    const before = await runInProcess(['doctor'], { cwd });
    expect(before.output).toMatch(/^⚠ owners reachable in private: not started the bot.*\d+/m);
    expect(before.output).toContain('press Start');
    // Nothing was posted to the owner.
    expect(sims.telegram.control.messages(ownerId)).toEqual([]);

    sims.telegram.control.fanSendsText(ownerId, '/start');
    await drainUpdates(sims);
    const after = await runInProcess(['doctor'], { cwd });
    expect(after.output).toMatch(/^✔ owners reachable in private: 1 owner\(s\)/m);
  });
});
