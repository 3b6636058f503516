import fs from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';

/** Runs once before the suite: says which database is used and whether the spec files exist. */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? '';
  if (/^postgres/i.test(url)) {
    const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    try {
      await admin.raw('select 1');
    } catch (err) {
      throw new Error(
        `TEST_DATABASE_URL is set but Postgres does not answer (${(err as Error).message}). Start it or unset TEST_DATABASE_URL.`,
      );
    } finally {
      await admin.destroy();
    }
    console.log(`[premiumbot tests] database: Postgres (${new URL(url).host})`);
  } else {
    console.log(
      '[premiumbot tests] database: SQLite (set TEST_DATABASE_URL=postgres://… for Postgres)',
    );
  }
  const specDir = process.env.PREMIUMBOT_SPEC_DIR ?? path.resolve(process.cwd(), '../shared/spec');
  if (!fs.existsSync(path.join(specDir, 'telegram-bot-api.json'))) {
    console.log(
      `[premiumbot tests] ${specDir} not found: the spec cross-checks of the simulators are not run.`,
    );
  }
}
