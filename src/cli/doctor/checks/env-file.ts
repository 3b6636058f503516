import fs from 'node:fs';
import { fail, pass, warn, type DoctorCheck } from '../types.js';

/** The .env file exists (or everything comes from the environment) and is private. */
export const envFileCheck: DoctorCheck = {
  id: 'env-file',
  title: 'configuration file',
  async run(ctx) {
    const file = ctx.env.file;
    if (!file) {
      return warn(
        `no .env file at ${ctx.env.lookedFor}: every setting must come from the environment`,
        'Run `premiumbot setup` to write one, pass `--env-file PATH` (the demo: `--env-file demo/.env`), or ignore this on a container platform.',
      );
    }
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      return fail(
        `${file} is readable by other users (mode ${mode.toString(8)}) and holds secrets`,
        `Run \`chmod 600 ${file}\`.`,
      );
    }
    return pass(`${file} (mode ${mode.toString(8)})`);
  },
};
