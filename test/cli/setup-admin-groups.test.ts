/**
 * `setup admin-group` verifies the overflow admin groups of ADMIN_CHAT_IDS too (issue 20):
 * each must be a forum where the bot manages topics, like the primary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prompter } from '../../src/cli/prompter.js';
import { runSetup } from '../../src/cli/setup/run-setup.js';
import {
  BOT_TOKEN,
  captureOutput,
  cliContext,
  createAdminGroup,
  startSims,
  tempDir,
  type Sims,
} from './operator-harness.js';

/** Non-interactive: any question is a failure. */
const noQuestions = new Proxy({} as Prompter, {
  get: (_target, name) => () => {
    throw new Error(`unexpected prompt: ${String(name)}`);
  },
});

describe('setup with overflow admin groups', () => {
  let sims: Sims;
  beforeAll(async () => {
    sims = await startSims();
  });
  afterAll(async () => {
    await sims.close();
  });

  async function adminGroupStep(primary: number, overflow: number[]) {
    const output = captureOutput();
    const flags = {
      BOT_TOKEN,
      ADMIN_CHAT_ID: String(primary),
      ADMIN_CHAT_IDS: overflow.join(','),
    };
    const done = runSetup(
      cliContext(tempDir(), sims.env, output),
      { nonInteractive: true, flags, linkTimeoutSeconds: 30 },
      noQuestions,
      'admin-group',
    );
    return { done, output };
  }

  it('checks each overflow group after the primary', async () => {
    const a = createAdminGroup(sims, { title: 'Inbox A' });
    const b = createAdminGroup(sims, { title: 'Inbox B' });
    const { done, output } = await adminGroupStep(a.chatId, [b.chatId]);
    await done;
    expect(output.text()).toContain(
      '✔ Overflow admin group "Inbox B" is a forum and the bot manages topics',
    );
  });

  it('refuses an overflow group that is not a forum, or where the bot cannot manage topics, naming it', async () => {
    const a = createAdminGroup(sims, { title: 'Inbox A' });
    const plain = createAdminGroup(sims, { title: 'Plain', isForum: false });
    const noRights = createAdminGroup(sims, { title: 'No rights', canManageTopics: false });
    await expect((await adminGroupStep(a.chatId, [plain.chatId])).done).rejects.toThrow(
      /^"Plain" does not have Topics enabled: open the group settings, turn on Topics\.$/,
    );
    await expect((await adminGroupStep(a.chatId, [noRights.chatId])).done).rejects.toMatchObject({
      message: expect.stringMatching(
        /is an admin of "No rights" without the "Manage Topics" right: turn it on\.$/,
      ),
      hint: `Fix it in Telegram, or remove ${noRights.chatId} from ADMIN_CHAT_IDS.`,
    });
  });
});
