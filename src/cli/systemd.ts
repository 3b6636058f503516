/** Renders the systemd unit from templates/premiumbot.service (install.sh does the same with sed). */
import { readTemplate } from './templates.js';

export interface UnitValues {
  user: string;
  group: string;
  /** Where the app is installed (bin/premiumbot lives here). */
  appDir: string;
  /** The working directory: .env and data/ live here. */
  dataDir: string;
  /** Absolute path of the node binary. */
  node: string;
}

/** The unit file content for these values. */
export function renderSystemdUnit(values: UnitValues): string {
  return readTemplate('premiumbot.service')
    .replaceAll('@USER@', values.user)
    .replaceAll('@GROUP@', values.group)
    .replaceAll('@APP_DIR@', values.appDir)
    .replaceAll('@DATA_DIR@', values.dataDir)
    .replaceAll('@NODE@', values.node);
}
