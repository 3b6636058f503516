/** ADMIN_CHAT_IDS (issue 20, overflow admin groups): parsed, defaulted and refused clearly. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { ConfigError } from '../../src/core/errors.js';

const base = {
  BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  ADMIN_USER_IDS: '11',
};

/** The problems loadConfig reports for `env` (none: it loads). */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, ['serve']);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
}

describe('admin groups', () => {
  it('one group with ADMIN_CHAT_ID alone, as before', () => {
    const config = loadConfig({ ...base, ADMIN_CHAT_ID: '-1001' }, ['serve']);
    expect(config.adminChatId).toBe(-1001);
    expect(config.adminChatIds).toEqual([-1001]);
  });

  it('ADMIN_CHAT_IDS adds overflow groups after ADMIN_CHAT_ID, which stays the primary', () => {
    const config = loadConfig({ ...base, ADMIN_CHAT_ID: '-1001', ADMIN_CHAT_IDS: '-1002, -1003' }, [
      'serve',
    ]);
    expect(config.adminChatId).toBe(-1001);
    expect(config.adminChatIds).toEqual([-1001, -1002, -1003]);
    // Listing the primary first changes nothing.
    const listed = loadConfig({ ...base, ADMIN_CHAT_ID: '-1001', ADMIN_CHAT_IDS: '-1001,-1002' });
    expect(listed.adminChatIds).toEqual([-1001, -1002]);
  });

  it('ADMIN_CHAT_IDS alone: its first group is the primary, ADMIN_CHAT_ID is not required', () => {
    const config = loadConfig({ ...base, ADMIN_CHAT_IDS: '-1002,-1001' }, ['serve']);
    expect(config.adminChatId).toBe(-1002);
    expect(config.adminChatIds).toEqual([-1002, -1001]);
  });

  it('neither set: ADMIN_CHAT_ID is missing for serve, and not needed otherwise', () => {
    expect(problemsOf(base).join('\n')).toContain('ADMIN_CHAT_ID is missing');
    expect(loadConfig(base).adminChatIds).toEqual([]);
  });

  it('refuses a bad id, a repeated id and a primary listed further down, each named', () => {
    expect(problemsOf({ ...base, ADMIN_CHAT_ID: '-1001', ADMIN_CHAT_IDS: '-1002,12345' })).toEqual([
      'ADMIN_CHAT_IDS must be comma-separated group ids (negative, e.g. -1001234567890,-1009876543210) (got "-1002,12345").',
    ]);
    expect(problemsOf({ ...base, ADMIN_CHAT_IDS: '-1002,abc' })[0]).toMatch(
      /^ADMIN_CHAT_IDS must be comma-separated group ids/,
    );
    expect(problemsOf({ ...base, ADMIN_CHAT_IDS: '-1002, -1002' })).toEqual([
      'ADMIN_CHAT_IDS must list each group once (got "-1002, -1002").',
    ]);
    expect(problemsOf({ ...base, ADMIN_CHAT_ID: '-1001', ADMIN_CHAT_IDS: '-1002,-1001' })).toEqual([
      'ADMIN_CHAT_IDS lists ADMIN_CHAT_ID (-1001) at position 2: the primary group must come first, or be left out of the list.',
    ]);
  });
});
