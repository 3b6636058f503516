/** Saved replies (core/snippets) over the `snippets` table. */
import type { Knex } from 'knex';
import type {
  Snippet,
  SnippetContent,
  SnippetEntity,
  SnippetKind,
  SnippetStore,
} from '../../core/snippets/snippet.js';
import { toInt, toRequiredDate } from './rows.js';

interface SnippetRow {
  id: unknown;
  name: string;
  kind: string;
  text: string | null;
  entities: string | null;
  file_id: string | null;
  updated_by: unknown;
  updated_at: unknown;
}

function toSnippet(row: SnippetRow): Snippet {
  return {
    id: toInt(row.id),
    name: row.name,
    kind: row.kind as SnippetKind,
    text: row.text,
    entities: row.entities ? (JSON.parse(row.entities) as SnippetEntity[]) : [],
    fileId: row.file_id,
    updatedBy: toInt(row.updated_by),
    updatedAt: toRequiredDate(row.updated_at),
  };
}

function columns(content: SnippetContent, by: number, now: Date) {
  return {
    kind: content.kind,
    text: content.text,
    entities: content.entities.length > 0 ? JSON.stringify(content.entities) : null,
    file_id: content.fileId,
    updated_by: by,
    updated_at: now,
  };
}

export function createSnippetStore(db: Knex): SnippetStore {
  return {
    async list() {
      const rows = (await db('snippets').orderBy('name')) as SnippetRow[];
      return rows.map(toSnippet);
    },
    async byName(name) {
      const row = (await db('snippets').where({ name }).first()) as SnippetRow | undefined;
      return row ? toSnippet(row) : null;
    },
    async byId(id) {
      const row = (await db('snippets').where({ id }).first()) as SnippetRow | undefined;
      return row ? toSnippet(row) : null;
    },
    async add(name, content, by, now) {
      const inserted = (await db('snippets')
        .insert({ name, ...columns(content, by, now), created_by: by, created_at: now })
        .onConflict('name')
        .ignore()
        .returning('id')) as unknown[];
      return inserted.length > 0;
    },
    async update(name, content, by, now) {
      return (
        (await db('snippets')
          .where({ name })
          .update(columns(content, by, now))) > 0
      );
    },
    async remove(name) {
      return (await db('snippets').where({ name }).delete()) > 0;
    },
  };
}
