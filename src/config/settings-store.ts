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
  /**
   * How often a cached read checks the settings revision (one small row every write bumps),
   * so a change made by another instance is used within this time, not only after `ttlMs`.
   */
  revisionCheckMs?: number;
  /** Defaults that come from configuration (e.g. LOW_CREDIT_ALERT_THRESHOLD); validated. */
  defaults?: Partial<Settings>;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
  logger?: Logger;
}

export interface SettingsStore {
  get<K extends SettingKey>(key: K): Promise<Settings[K]>;
  getAll(): Promise<Settings>;
  /**
   * `derive` of the values in force, computed once per load of them and shared until they
   * change (issue 17: the relay's settings per message without a copy of them all). Results
   * are kept per function: pass one defined once (a module's), not one made per call. What
   * `derive` is handed is the cache itself, frozen: it must not keep parts it will change.
   */
  view<T>(derive: (values: Readonly<Settings>) => T): Promise<T>;
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
  /**
   * Sets (a value) or resets (`null`) one setting from untyped input, in one transaction
   * that reads what it replaces: returns the effective value before and after. A bad value
   * throws SettingError and writes nothing.
   */
  change(
    key: string,
    value: unknown,
    options?: { updatedBy?: number },
  ): Promise<{ key: SettingKey; before: unknown; after: unknown }>;
  /** Every value as stored right now (no cache), with who last changed each stored one. */
  snapshot(): Promise<SettingsSnapshot>;
  /** Drops the cache; the next read goes to the database. */
  invalidate(): void;
}

/** The effective values, and for each key that has a row: who changed it and when. */
export interface SettingsSnapshot {
  values: Settings;
  defaults: Settings;
  overridden: Partial<Record<SettingKey, { updatedBy: number | null; updatedAt: Date | null }>>;
}

interface SettingRow {
  key: string;
  value: string;
  updated_by?: unknown;
  updated_at?: unknown;
}

export const DEFAULT_SETTINGS_TTL_MS = 30_000;

/** The settings a store serves from memory, and when it read and last checked them. */
interface CacheEntry {
  values: Settings;
  loadedAt: number;
  checkedAt: number;
  revision: number | null;
}
export const DEFAULT_REVISION_CHECK_MS = 1_000;

/**
 * Settings backed by the `settings` table with a small in-memory cache. Writes through this
 * store invalidate its own cache at once and bump `settings_revision` in the same
 * transaction; every other instance (process) checks that revision at most every
 * `revisionCheckMs` while serving from its cache, and reloads when it moved. The TTL stays
 * as a backstop for rows changed by hand.
 */
export function createSettingsStore(db: Knex, options: SettingsStoreOptions = {}): SettingsStore {
  const ttlMs = options.ttlMs ?? DEFAULT_SETTINGS_TTL_MS;
  const revisionCheckMs = options.revisionCheckMs ?? DEFAULT_REVISION_CHECK_MS;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const defaults = defaultSettings();
  for (const [key, value] of Object.entries(options.defaults ?? {})) {
    const checked = checkedValue(key, value);
    (defaults as Record<string, unknown>)[key] = checked;
  }

  let cache: CacheEntry | null = null;
  let loading: Promise<Settings> | null = null;
  // Bumped by every invalidation, so a read that started before a write cannot refill the
  // cache with the old value.
  let generation = 0;

  async function readTable(): Promise<Settings> {
    const rows = (await db('settings').select('key', 'value')) as SettingRow[];
    // Served as is by `view`: frozen, so no reader can change what the others read.
    return deepFreeze(structuredClone(valuesFrom(rows, defaults, logger)));
  }

  /** What each `view` derived from a load of the values (dropped with them). */
  const views = new WeakMap<Settings, Map<unknown, unknown>>();

  /** The revision check in flight: the reads that find it due meanwhile share it. */
  let checking: { entry: CacheEntry; fresh: Promise<boolean> } | null = null;

  /** True when the cache may still be served (its revision unchanged, checked if due). */
  function cacheFresh(entry: CacheEntry): boolean | Promise<boolean> {
    const at = now();
    if (at - entry.loadedAt >= ttlMs) return false;
    if (at - entry.checkedAt < revisionCheckMs) return true;
    if (checking?.entry === entry) return checking.fresh;
    const fresh = readRevision(db)
      .then((revision) => {
        if (revision !== entry.revision) return false;
        entry.checkedAt = at;
        return true;
      })
      .finally(() => {
        if (checking?.fresh === fresh) checking = null;
      });
    checking = { entry, fresh };
    return fresh;
  }

  async function load(): Promise<Settings> {
    if (cache && (await cacheFresh(cache))) return cache.values;
    if (loading) return loading;
    const started = generation;
    // The revision is read first: a write landing in between makes the next check reload.
    const pending: Promise<Settings> = readRevision(db)
      .then(async (revision) => {
        const values = await readTable();
        const at = now();
        if (started === generation) cache = { values, loadedAt: at, checkedAt: at, revision };
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

  async function change(
    key: string,
    value: unknown,
    opts: { updatedBy?: number } = {},
  ): Promise<{ key: SettingKey; before: unknown; after: unknown }> {
    const result = await writeChange(db, { defaults, logger }, key, value, opts.updatedBy);
    invalidate();
    return result;
  }

  async function setFromInput(
    key: string,
    value: unknown,
    opts: { updatedBy?: number } = {},
  ): Promise<unknown> {
    return (await change(key, checkedValue(key, value), opts)).after;
  }

  return {
    async get(key) {
      const values = await load();
      return structuredClone(values[key]);
    },
    async getAll() {
      return structuredClone(await load());
    },
    async view(derive) {
      const values = await load();
      let derived = views.get(values);
      if (!derived) views.set(values, (derived = new Map()));
      if (!derived.has(derive)) derived.set(derive, derive(values));
      return derived.get(derive) as ReturnType<typeof derive>;
    },
    async set(key, value, opts) {
      return (await setFromInput(key, value, opts)) as typeof value;
    },
    setFromInput,
    async reset(key) {
      await change(key, null);
    },
    change,
    snapshot: () => readSnapshot(db, defaults, logger),
    invalidate,
  };
}

/** `value` and everything in it, frozen. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** One set (or reset, `value` null) in a transaction that reads what it replaces. */
async function writeChange(
  db: Knex,
  base: { defaults: Settings; logger: Logger },
  key: string,
  value: unknown,
  updatedBy: number | undefined,
): Promise<{ key: SettingKey; before: unknown; after: unknown }> {
  const checked = value === null ? null : checkedValue(key, value);
  if (!isSettingKey(key)) throw new SettingError(key, ['unknown setting']);
  return db.transaction(async (trx) => {
    const row = (await trx('settings').where('key', key).first('key', 'value')) as
      SettingRow | undefined;
    const current = valuesFrom(row ? [row] : [], base.defaults, base.logger);
    const before = (current as Record<string, unknown>)[key];
    if (checked === null) {
      await trx('settings').where('key', key).delete();
    } else {
      await trx('settings')
        .insert({
          key,
          value: JSON.stringify(checked),
          updated_by: updatedBy ?? null,
          updated_at: new Date(),
        })
        .onConflict('key')
        .merge(['value', 'updated_by', 'updated_at']);
    }
    await bumpRevision(trx);
    const after = checked === null ? structuredClone(base.defaults[key]) : checked;
    return { key, before, after };
  });
}

/** Every value as stored now, and who changed each stored one. */
async function readSnapshot(
  db: Knex,
  defaults: Settings,
  logger: Logger,
): Promise<SettingsSnapshot> {
  const rows = (await db('settings').select(
    'key',
    'value',
    'updated_by',
    'updated_at',
  )) as SettingRow[];
  const overridden: SettingsSnapshot['overridden'] = {};
  for (const row of rows) {
    if (!isSettingKey(row.key)) continue;
    overridden[row.key] = {
      updatedBy:
        row.updated_by === null || row.updated_by === undefined ? null : Number(row.updated_by),
      updatedAt: dateOf(row.updated_at),
    };
  }
  return {
    values: valuesFrom(rows, defaults, logger),
    defaults: structuredClone(defaults),
    overridden,
  };
}

/** The effective values: `defaults`, overridden by every valid stored row. */
function valuesFrom(rows: readonly SettingRow[], defaults: Settings, logger: Logger): Settings {
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

/** The settings revision (null on a database migrated before it existed: TTL only). */
async function readRevision(db: Knex): Promise<number | null> {
  try {
    const row = (await db('settings_revision').where('id', 1).first('revision')) as
      { revision: unknown } | undefined;
    return row ? Number(row.revision) : null;
  } catch {
    return null;
  }
}

async function bumpRevision(trx: Knex.Transaction): Promise<void> {
  if (await trx.schema.hasTable('settings_revision')) {
    await trx('settings_revision').where('id', 1).increment('revision', 1);
  }
}

function dateOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const date = new Date(
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string | number),
  );
  return Number.isNaN(date.getTime()) ? null : date;
}

function checkedValue(key: string, value: unknown): unknown {
  if (!isSettingKey(key)) {
    throw new SettingError(key, [`unknown setting; known settings: ${SETTING_KEYS.join(', ')}`]);
  }
  const result = validateSetting(key, value);
  if (!result.ok) throw new SettingError(key, result.problems);
  return result.value;
}
