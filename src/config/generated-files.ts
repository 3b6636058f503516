import { renderConfigurationDoc, renderEnvExample } from './render.js';

/** Files generated from the settings tables, by repository path; a test checks they match. */
export function generatedConfigFiles(): Record<string, string> {
  return {
    'templates/env.example': renderEnvExample(),
    'docs/configuration.md': renderConfigurationDoc(),
  };
}
