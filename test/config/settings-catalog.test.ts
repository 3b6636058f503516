import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  categoryOf,
  formatSettingValue,
  kindOfSchema,
  parseSettingInput,
  searchSettings,
  settingKind,
} from '../../src/config/settings-catalog.js';
import { SETTING_KEYS } from '../../src/config/settings.js';

describe('settings catalog (how /settings presents the settings table)', () => {
  it('puts every setting in a named category and knows its kind from its schema', () => {
    for (const key of SETTING_KEYS) expect(categoryOf(key).id).not.toBe('other');
    expect(settingKind('receipts.enabled')).toEqual({ type: 'boolean' });
    expect(settingKind('cost.text')).toEqual({ type: 'number' });
    expect(settingKind('gift.presets')).toEqual({ type: 'numbers' });
    expect(settingKind('tier.thresholds')).toEqual({ type: 'object', fields: ['regular', 'vip'] });
    // A setting with a fixed list of values (e.g. payments.rails) gets one ✅ button per value.
    expect(kindOfSchema(z.enum(['stripe', 'stars', 'both']))).toEqual({
      type: 'choice',
      options: ['stripe', 'stars', 'both'],
    });
    expect(kindOfSchema(z.string().min(1))).toEqual({ type: 'text' });
  });

  it('parses typed values, then validates them as everywhere', () => {
    expect(parseSettingInput('cost.text', ' 2 ')).toEqual({ ok: true, value: 2 });
    expect(parseSettingInput('receipts.enabled', 'off')).toEqual({ ok: true, value: false });
    expect(parseSettingInput('gift.presets', '5, 10 25')).toEqual({ ok: true, value: [5, 10, 25] });
    expect(parseSettingInput('tier.thresholds', 'regular=100 vip=900')).toEqual({
      ok: true,
      value: { regular: 100, vip: 900 },
    });
    const refused = parseSettingInput('tier.thresholds', 'regular=900 vip=100');
    expect(refused).toEqual({ ok: false, problems: ['vip must be at least regular'] });
    const big = parseSettingInput('cost.text', '5000');
    expect(big.ok).toBe(false);
    expect(parseSettingInput('cost.text', 'two').ok).toBe(false);
    expect(parseSettingInput('cost.text', '').ok).toBe(false);
    expect(parseSettingInput('gift.presets', '5, 0')).toEqual({
      ok: false,
      problems: ['item 2: Too small: expected number to be >=1'],
    });
  });

  it('formats values for people and finds settings by any word', () => {
    expect(formatSettingValue({ regular: 1, vip: 2 })).toBe('regular = 1, vip = 2');
    expect(formatSettingValue([5, 10])).toBe('5, 10');
    expect(formatSettingValue(true)).toBe('on');
    expect(searchSettings('voice')).toEqual(['cost.voice']);
    expect(searchSettings('receipt')).toEqual(expect.arrayContaining(['receipts.enabled']));
    expect(searchSettings('')).toEqual([]);
  });
});
