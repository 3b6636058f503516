/** Files waiting for the outbox to upload them (`panel_files`, e.g. the dashboard's chart). */
import type { Knex } from 'knex';
import type { StoredFiles } from '../../core/stats/ports.js';
import { toInt } from './rows.js';

/** A file left behind (its job failed or was lost) is removed after this long. */
const KEEP_MS = 86_400_000;

export function createPanelFileStore(db: Knex, now: () => Date = () => new Date()): StoredFiles {
  return {
    async save(file) {
      const at = now();
      await db('panel_files')
        .where('created_at', '<', new Date(at.getTime() - KEEP_MS))
        .delete();
      const rows = (await db('panel_files')
        .insert({ data: Buffer.from(file.data), filename: file.filename, created_at: at })
        .returning('id')) as Array<{ id: unknown } | number>;
      const first = rows[0]!;
      return toInt(typeof first === 'object' ? first.id : first);
    },
    async read(id) {
      const row = (await db('panel_files').where('id', id).first('data', 'filename')) as
        { data: Uint8Array; filename: string } | undefined;
      return row ? { data: new Uint8Array(row.data), filename: row.filename } : null;
    },
    async remove(id) {
      await db('panel_files').where('id', id).delete();
    },
  };
}
