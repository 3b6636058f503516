import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingError, ErrorCodes, hasCode } from '../../src/core/errors.js';
import { costOfMessage } from '../../src/core/pricing.js';
import {
  defaultSettings,
  messageCosts,
  SETTING_KEYS,
  SETTINGS,
  type Settings,
} from '../../src/config/settings.js';
import { createSettingsStore } from '../../src/config/settings-store.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';

describe('settings table', () => {
  it('declares a description and a valid default for every key', () => {
    for (const key of SETTING_KEYS) {
      const def = SETTINGS[key];
      expect(def.description.length).toBeGreaterThan(10);
      expect(def.schema.safeParse(def.default).success).toBe(true);
    }
  });

  it('has the documented message costs', () => {
    const costs = messageCosts(defaultSettings());
    expect(costs).toMatchObject({
      text: 1,
      photo: 3,
      voice: 5,
      video: 5,
      document: 3,
      sticker: 1,
      other: 1,
    });
    expect(costOfMessage({ voice: {} }, costs)).toBe(5);
  });
});

describe('settings store', () => {
  let t: TestDb;

  beforeAll(async () => {
    t = await createMigratedTestDb();
  });

  afterAll(async () => {
    await t.destroy();
  });

  it('serves defaults, including ones passed in from configuration', async () => {
    const store = createSettingsStore(t.db, { defaults: { 'low_balance.threshold': 9 } });
    expect(await store.get('cost.text')).toBe(1);
    expect(await store.get('cost.photo')).toBe(3);
    expect(await store.get('pass.warning_minutes')).toBe(5);
    expect(await store.get('tier.thresholds')).toEqual({ regular: 2000, vip: 10000 });
    expect(await store.get('auto_recharge.max_failures')).toBe(3);
    expect(await store.get('receipts.enabled')).toBe(true);
    expect(await store.get('low_balance.threshold')).toBe(9);
    const all = await store.getAll();
    expect(Object.keys(all).sort()).toEqual([...SETTING_KEYS].sort());
  });

  it('rejects an invalid configured default', () => {
    expect(() => createSettingsStore(t.db, { defaults: { 'low_balance.threshold': -1 } })).toThrow(
      SettingError,
    );
  });

  it('sets and gets values, stored as JSON text', async () => {
    const store = createSettingsStore(t.db);
    await store.set('cost.voice', 7, { updatedBy: 1234 });
    await store.set('tier.thresholds', { regular: 500, vip: 5000 });
    await store.set('receipts.enabled', false);
    expect(await store.get('cost.voice')).toBe(7);
    expect(await store.get('tier.thresholds')).toEqual({ regular: 500, vip: 5000 });
    expect(await store.get('receipts.enabled')).toBe(false);
    const row = (await t.db('settings').where('key', 'tier.thresholds').first()) as {
      value: string;
    };
    expect(JSON.parse(row.value)).toEqual({ regular: 500, vip: 5000 });
    const voice = (await t.db('settings').where('key', 'cost.voice').first()) as {
      updated_by: number;
    };
    expect(voice.updated_by).toBe(1234);
    await store.reset('cost.voice');
    expect(await store.get('cost.voice')).toBe(5);
  });

  it('a bad value throws a typed error and leaves the stored value unchanged', async () => {
    const store = createSettingsStore(t.db);
    await store.set('cost.photo', 4);
    for (const bad of [-1, 2.5, '3', null, 10_000]) {
      const err = await store.setFromInput('cost.photo', bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SettingError);
      expect(hasCode(err, ErrorCodes.setting)).toBe(true);
    }
    await expect(store.set('tier.thresholds', { regular: 5000, vip: 100 })).rejects.toThrow(
      /vip must be at least regular/,
    );
    await expect(store.setFromInput('no.such.key', 1)).rejects.toBeInstanceOf(SettingError);
    expect(await store.get('cost.photo')).toBe(4);
    expect(await store.get('tier.thresholds')).toEqual({ regular: 500, vip: 5000 });
    const fresh = createSettingsStore(t.db);
    expect(await fresh.get('cost.photo')).toBe(4);
    expect(await t.db('settings').where('key', 'no.such.key').first()).toBeUndefined();
  });

  it('caches reads; a write invalidates its own cache at once, others at their next revision check', async () => {
    let clock = 1_000;
    const now = () => clock;
    const admin = createSettingsStore(t.db, { ttlMs: 60_000, revisionCheckMs: 1_000, now });
    const worker = createSettingsStore(t.db, { ttlMs: 60_000, revisionCheckMs: 1_000, now });
    await admin.set('pass.warning_minutes', 10);
    expect(await worker.get('pass.warning_minutes')).toBe(10);

    await admin.set('pass.warning_minutes', 15);
    expect(await admin.get('pass.warning_minutes')).toBe(15);
    // The worker still serves its cached value…
    expect(await worker.get('pass.warning_minutes')).toBe(10);
    // …until invalidated,
    worker.invalidate();
    expect(await worker.get('pass.warning_minutes')).toBe(15);

    await admin.set('pass.warning_minutes', 20);
    clock += 999;
    expect(await worker.get('pass.warning_minutes')).toBe(15);
    // …or until its next revision check sees the write (every instance within a second),
    clock += 1;
    expect(await worker.get('pass.warning_minutes')).toBe(20);

    // …and a row changed by hand (no revision bump) after the TTL.
    await t.db('settings').where('key', 'pass.warning_minutes').update({ value: '25' });
    clock += 59_999;
    expect(await worker.get('pass.warning_minutes')).toBe(20);
    clock += 1;
    expect(await worker.get('pass.warning_minutes')).toBe(25);
  });

  it('concurrent reads when the revision check is due share one read of it (issue 17)', async () => {
    let clock = 1_000;
    const store = createSettingsStore(t.db, {
      ttlMs: 60_000,
      revisionCheckMs: 1_000,
      now: () => clock,
    });
    await store.get('pass.warning_minutes');
    clock += 1_000;
    const reads: string[] = [];
    const listener = (q: { sql: string }) => {
      if (/settings_revision/.test(q.sql)) reads.push(q.sql);
    };
    t.db.on('query', listener);
    try {
      await Promise.all(Array.from({ length: 20 }, () => store.getAll()));
    } finally {
      t.db.removeListener('query', listener);
    }
    expect(reads).toHaveLength(1);
  });

  it('change() returns the effective values before and after, a reset too, and bumps the revision once each', async () => {
    const store = createSettingsStore(t.db, { ttlMs: 0 });
    const revision = async () =>
      Number(
        ((await t.db('settings_revision').first('revision')) as { revision: unknown }).revision,
      );
    const start = await revision();
    expect(await store.change('cost.voice', 7, { updatedBy: 42 })).toEqual({
      key: 'cost.voice',
      before: 5,
      after: 7,
    });
    expect(await store.change('cost.voice', null)).toEqual({
      key: 'cost.voice',
      before: 7,
      after: 5,
    });
    await expect(store.change('cost.voice', -1)).rejects.toThrow(SettingError);
    expect(await revision()).toBe(start + 2);
  });

  it('view() derives from the cached values once per load: the same result until they change (issue 17)', async () => {
    let clock = 1_000;
    const store = createSettingsStore(t.db, {
      ttlMs: 60_000,
      revisionCheckMs: 1_000,
      now: () => clock,
    });
    let derived = 0;
    const costs = (values: Readonly<Settings>) => {
      derived += 1;
      return { voice: values['cost.voice'], thresholds: values['tier.thresholds'] };
    };
    const first = await store.view(costs);
    expect(await store.view(costs)).toBe(first);
    clock += 1_000;
    // The revision check finds nothing new: still the same result, not derived again.
    expect(await store.view(costs)).toBe(first);
    expect(derived).toBe(1);
    // What it is handed cannot be changed (it is the cache).
    expect(() => {
      (first.thresholds as { vip: number }).vip = 1;
    }).toThrow(TypeError);
    await store.set('cost.voice', 6);
    const second = await store.view(costs);
    expect(second).not.toBe(first);
    expect(second.voice).toBe(6);
    expect(derived).toBe(2);
    await store.reset('cost.voice');
  });

  it('returns copies, so callers cannot change the cache', async () => {
    const store = createSettingsStore(t.db);
    const thresholds = await store.get('tier.thresholds');
    thresholds.vip = 1;
    expect((await store.get('tier.thresholds')).vip).not.toBe(1);
  });

  it('falls back to the default when a stored value is unusable', async () => {
    await t.db('settings').insert({ key: 'cost.sticker', value: '"lots"' });
    await t.db('settings').insert({ key: 'cost.contact', value: 'not json' });
    const store = createSettingsStore(t.db);
    expect(await store.get('cost.sticker')).toBe(1);
    expect(await store.get('cost.contact')).toBe(1);
  });
});
