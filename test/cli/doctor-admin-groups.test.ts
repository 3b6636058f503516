/**
 * `doctor` checks every admin group (issue 20, ADMIN_CHAT_IDS): each must be a forum where
 * the bot manages topics, and a failing overflow group is named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';
import {
  BOT_TOKEN,
  createAdminGroup,
  runInProcess,
  startSims,
  tempDir,
  type Sims,
} from './operator-harness.js';

describe('doctor with overflow admin groups', () => {
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

  async function doctor(primary: number, overflow: number[], ownerId: number) {
    const cwd = tempDir();
    fs.writeFileSync(
      path.join(cwd, '.env'),
      [
        `BOT_TOKEN=${BOT_TOKEN}`,
        `ADMIN_CHAT_ID=${primary}`,
        `ADMIN_CHAT_IDS=${overflow.join(',')}`,
        `ADMIN_USER_IDS=${ownerId}`,
        `DATABASE_URL=${t.url}`,
        `TELEGRAM_API_ROOT=${sims.env.TELEGRAM_API_ROOT}`,
      ].join('\n'),
      { mode: 0o600 },
    );
    const result = await runInProcess(['doctor'], { cwd });
    const line = (title: string) =>
      result.output.split('\n').find((l) => l.slice(2).startsWith(`${title}:`));
    return { line };
  }

  it('passes when every group is a forum where the bot manages topics', async () => {
    const a = createAdminGroup(sims, { title: 'Inbox A' });
    const b = createAdminGroup(sims, { title: 'Inbox B' });
    const { line } = await doctor(a.chatId, [b.chatId], a.ownerId);
    expect(line('admin group')).toBe(
      `✔ admin group: 2 groups: "Inbox A" (${a.chatId}) is a forum supergroup; "Inbox B" (${b.chatId}) is a forum supergroup`,
    );
    expect(line('bot rights in the admin group')).toBe(
      '✔ bot rights in the admin group: 2 groups: admin with Manage Topics; admin with Manage Topics',
    );
    // Each group has its own budget.
    expect(line('admin group budget')).toMatch(
      new RegExp(
        `^✔ admin group budget: planned 19\\.0 of 20 messages a minute .*, per group; sent in the last minute \\(every instance together\\): 0 into ${a.chatId}, 0 into ${b.chatId}$`,
      ),
    );
  });

  it('names the overflow group that is not a forum, or where the bot cannot manage topics', async () => {
    const a = createAdminGroup(sims, { title: 'Inbox A' });
    const plain = createAdminGroup(sims, { title: 'Plain', isForum: false });
    const noRights = createAdminGroup(sims, { title: 'No rights', canManageTopics: false });
    const forum = await doctor(a.chatId, [plain.chatId], a.ownerId);
    expect(forum.line('admin group')).toBe(
      `✖ admin group: group ${plain.chatId}: "Plain" is not a forum`,
    );
    const rights = await doctor(a.chatId, [noRights.chatId], a.ownerId);
    expect(rights.line('bot rights in the admin group')).toBe(
      `✖ bot rights in the admin group: group ${noRights.chatId}: the bot is an admin without the "Manage Topics" right`,
    );
  });
});
