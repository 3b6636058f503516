import { describe, expect, it } from 'vitest';
import { ALLOWED_UPDATES } from '../../src/adapters/telegram/operator-api.js';
import { judgeTelegramWebhook } from '../../src/cli/webhooks.js';

const publicUrl = 'https://bot.example.com';
const base = {
  url: `${publicUrl}/telegram-webhook`,
  has_custom_certificate: false,
  pending_update_count: 0,
  allowed_updates: [...ALLOWED_UPDATES],
};
const now = 1_800_000_000_000;

describe('judgeTelegramWebhook', () => {
  it('passes a webhook at PUBLIC_URL with every update kind', () => {
    expect(judgeTelegramWebhook(base, publicUrl, now)).toMatchObject({
      problems: [],
      warnings: [],
    });
  });

  it('warns about a delivery error while updates are still pending', () => {
    const verdict = judgeTelegramWebhook(
      {
        ...base,
        pending_update_count: 3,
        last_error_date: now / 1000 - 120,
        last_error_message: 'Connection refused',
      },
      publicUrl,
      now,
    );
    expect(verdict.warnings).toEqual(['last delivery error 2 min ago: Connection refused']);
    expect(verdict.summary).toContain('3 update(s) pending');
  });

  it('treats an old error with nothing pending as recovered', () => {
    const verdict = judgeTelegramWebhook(
      { ...base, last_error_date: now / 1000 - 60, last_error_message: 'Connection refused' },
      publicUrl,
      now,
    );
    expect(verdict.warnings).toEqual([]);
    expect(verdict.summary).toContain('all delivered since the last delivery error 1 min ago');
  });

  it('fails a webhook pointing elsewhere or missing update kinds', () => {
    const verdict = judgeTelegramWebhook(
      { ...base, url: 'https://old.example.com/hook', allowed_updates: ['message'] },
      publicUrl,
      now,
    );
    expect(verdict.problems.join('; ')).toContain(
      'expected https://bot.example.com/telegram-webhook',
    );
    expect(verdict.problems.join('; ')).toContain('allowed_updates lacks');
  });
});
