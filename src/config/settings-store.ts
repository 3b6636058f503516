import type { Knex } from 'knex';
import { SettingError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import {
  defaultSettings,
  isSettingKey,
  SETTING_KEYS,
  validateSetting,
  type SettingKey,
  type Settings,
} from './settings.js';

export interface SettingsStoreOptions {
  /** How long values are served from memory before the table is read again. */
  ttlMs?: number;
  /** Defaults that come from configuration (e.g. LOW_CREDIT_ALERT_THRESHOLD); validated. */
  defaults?: Partial<Settings>;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
  logger?: Logger;
}

export interface SettingsStore {
  get<K extends SettingKey>(key: K): Promise<Settings[K]>;
  getAll(): Promise<Settings>;
  /** Validates and stores a value; a bad value throws SettingError and writes nothing. */
  set<K extends SettingKey>(
    key: K,
    value: Settings[K],
    options?: { updatedBy?: number },
  ): Promise<Settings[K]>;
  /** Like `set` for untyped input (admin panel): an unknown key is a SettingError too. */
  setFromInput(key: string, value: unknown, options?: { updatedBy?: number }): Promise<unknown>;
  /** Removes a stored value so the default applies again. */
  reset(key: SettingKey): Promise<void>;
  /** Drops the cache; the next read goes to the database. */
  invalidate(): void;
}

interface SettingRow {
  key: string;
  value: string;
}

export const DEFAULT_SETTINGS_TTL_MS = 30_000;

/**
 * Settings backed by the `settings` table with a small in-memory cache. Writes through this
 * store invalidate its own cache at once; other instances (other processes) see a change
 * after their TTL or an explicit `invalidate()`.
 */
export function createSettingsStore(db: Knex, options: SettingsStoreOptions = {}): SettingsStore {
  const ttlMs = options.ttlMs ?? DEFAULT_SETTINGS_TTL_MS;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const defaults = defaultSettings();
  for (const [key, value] of Object.entries(options.defaults ?? {})) {
    const checked = checkedValue(key, value);
    (defaults as Record<string, unknown>)[key] = checked;
  }

  let cache: { values: Settings; loadedAt: number } | null = null;
  let loading: Promise<Settings> | null = null;
  // Bumped by every invalidation, so a read that started before a write cannot refill the
  // cache with the old value.
  let generation = 0;

  async function readTable(): Promise<Settings> {
    const rows = (await db('settings').select('key', 'value')) as SettingRow[];
    const values = structuredClone(defaults);
    for (const row of rows) {
      if (!isSettingKey(row.key)) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(row.value);
      } catch {
        logger.warn({ key: row.key }, 'stored setting is not JSON; using its default');
        continue;
      }
      const result = validateSetting(row.key, parsed);
      if (result.ok) {
        (values as Record<string, unknown>)[row.key] = result.value;
      } else {
        logger.warn(
          { key: row.key, problems: result.problems },
          'stored setting is invalid; using its default',
        );
      }
    }
    return values;
  }

  async function load(): Promise<Settings> {
    if (cache && now() - cache.loadedAt < ttlMs) return cache.values;
    if (loading) return loading;
    const started = generation;
    const pending: Promise<Settings> = readTable()
      .then((values) => {
        if (started === generation) cache = { values, loadedAt: now() };
        return values;
      })
      .finally(() => {
        if (loading === pending) loading = null;
      });
    loading = pending;
    return pending;
  }

  function invalidate(): void {
    generation += 1;
    cache = null;
    loading = null;
  }

  async function write(key: SettingKey, value: unknown, updatedBy?: number): Promise<void> {
    await db('settings')
      .insert({
        key,
        value: JSON.stringify(value),
        updated_by: updatedBy ?? null,
        updated_at: new Date(),
      })
      .onConflict('key')
      .merge(['value', 'updated_by', 'updated_at']);
    invalidate();
  }

  async function setFromInput(
    key: string,
    value: unknown,
    opts: { updatedBy?: number } = {},
  ): Promise<unknown> {
    const checked = checkedValue(key, value);
    await write(key as SettingKey, checked, opts.updatedBy);
    return checked;
  }

  return {
    async get(key) {
      const values = await load();
      return structuredClone(values[key]);
    },
    async getAll() {
      return structuredClone(await load());
    },
    async set(key, value, opts) {
      return (await setFromInput(key, value, opts)) as typeof value;
    },
    setFromInput,
    async reset(key) {
      await db('settings').where('key', key).delete();
      invalidate();
    },
    invalidate,
  };
}

function checkedValue(key: string, value: unknown): unknown {
  if (!isSettingKey(key)) {
    throw new SettingError(key, [`unknown setting; known settings: ${SETTING_KEYS.join(', ')}`]);
  }
  const result = validateSetting(key, value);
  if (!result.ok) throw new SettingError(key, result.problems);
  return result.value;
}
