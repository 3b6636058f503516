/**
 * The wizard's answers, driven by the settings table (src/config/env-schema.ts): each
 * question's validation and default come from there. Existing values (the .env file, then
 * the environment, then flags) are the defaults. Asking is in ask-setting.ts.
 */
import { loadConfig, type AppConfig } from '../../config/env.js';
import { ENV_SETTINGS, type EnvSetting } from '../../config/env-schema.js';

/** The flag name of a setting: BOT_TOKEN → --bot-token. */
export function flagOf(key: string): string {
  return `--${key.toLowerCase().replace(/_/g, '-')}`;
}

export function settingOf(key: string): EnvSetting {
  const setting = ENV_SETTINGS.find((s) => s.key === key);
  if (!setting) throw new Error(`unknown setting ${key}`);
  return setting;
}

/** Returns a validation message, or undefined when `value` is valid for `key`. */
export function invalidReason(key: string, value: string): string | undefined {
  const result = settingOf(key).schema.safeParse(value.trim());
  return result.success
    ? undefined
    : `${key} ${result.error.issues.map((i) => i.message).join('; ')}`;
}

export class Answers {
  private readonly values: Record<string, string>;

  constructor(
    private fileValues: Record<string, string>,
    env: Record<string, string | undefined>,
    flags: Record<string, string>,
  ) {
    this.values = {};
    for (const setting of ENV_SETTINGS) {
      const value = flags[setting.key] ?? env[setting.key] ?? fileValues[setting.key];
      if (value !== undefined && value.trim() !== '') this.values[setting.key] = value.trim();
    }
  }

  /** The current answer (not the table default). */
  get(key: string): string | undefined {
    return this.values[key];
  }

  set(key: string, value: string): void {
    this.values[key] = value;
  }

  /** Values to write: every answer that differs from the file. */
  fileUpdates(): Record<string, string> {
    const updates: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.values)) {
      if (this.fileValues[key] !== value) updates[key] = value;
    }
    return updates;
  }

  /** Records what the env file now holds (after a save). */
  markSaved(fileValues: Record<string, string>): void {
    this.fileValues = fileValues;
  }

  /** The answers as validated configuration (nothing required). */
  config(): AppConfig {
    return loadConfig({ ...this.values }, []);
  }
}
