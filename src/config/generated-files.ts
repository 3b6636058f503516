import { renderConfigurationDoc, renderEnvExample } from './render.js';
import { categoryOf } from './settings-catalog.js';
import { SETTINGS, SETTING_KEYS } from './settings.js';

/** Files generated from the settings tables, by repository path; a test checks they match. */
export function generatedConfigFiles(): Record<string, string> {
  return {
    'templates/env.example': renderEnvExample(),
    'docs/configuration.md': renderConfigurationDoc({
      runtimeSettings: SETTING_KEYS.map((key) => ({
        key,
        description: SETTINGS[key].description,
        default: JSON.stringify(SETTINGS[key].default),
        category: categoryOf(key).title,
      })),
    }),
  };
}
