/**
 * The admin panel's menus (core/panel/ports.ts): one row per panel message. A press acts only
 * after `claim` moved the row's version with one conditional UPDATE, so a double tap acts once
 * even when the two taps reach two instances on Postgres.
 */
import type { Knex } from 'knex';
import type {
  AwaitingInput,
  MenuContent,
  PanelMenu,
  PanelMenuStore,
  StoredButton,
} from '../../core/panel/ports.js';
import { toInt, toRequiredDate } from './rows.js';

/** Menus nobody touched for this long are deleted (pressing one then does nothing). */
const RETENTION_MS = 30 * 24 * 3600_000;

interface MenuRow {
  id: unknown;
  nonce: string;
  chat_id: unknown;
  thread_id: unknown;
  message_id: unknown;
  screen: string;
  state: string;
  buttons: string;
  stamp: string | null;
  rendered: string | null;
  version: unknown;
  awaiting: string | null;
  created_by: unknown;
  updated_at: unknown;
}

function nullableInt(value: unknown): number | null {
  return value === null || value === undefined ? null : toInt(value);
}

function toMenu(row: MenuRow): PanelMenu {
  return {
    id: toInt(row.id),
    nonce: row.nonce,
    chatId: toInt(row.chat_id),
    threadId: nullableInt(row.thread_id),
    messageId: nullableInt(row.message_id),
    screen: row.screen,
    state: JSON.parse(row.state) as unknown,
    buttons: JSON.parse(row.buttons) as StoredButton[],
    stamp: row.stamp,
    rendered: row.rendered,
    version: toInt(row.version),
    awaiting: row.awaiting === null ? null : (JSON.parse(row.awaiting) as AwaitingInput),
    createdBy: toInt(row.created_by),
    updatedAt: toRequiredDate(row.updated_at),
  };
}

function contentColumns(content: MenuContent) {
  return {
    screen: content.screen,
    state: JSON.stringify(content.state ?? null),
    buttons: JSON.stringify(content.buttons),
    stamp: content.stamp,
    rendered: content.rendered,
    updated_at: new Date(),
  };
}

export function createPanelMenuStore(db: Knex): PanelMenuStore {
  return {
    async create(menu) {
      const now = new Date();
      await db('panel_menus')
        .where('updated_at', '<', new Date(now.getTime() - RETENTION_MS))
        .delete();
      const [inserted] = (await db('panel_menus')
        .insert({
          ...contentColumns(menu),
          nonce: menu.nonce,
          chat_id: menu.chatId,
          thread_id: menu.threadId,
          version: 0,
          created_by: menu.createdBy,
          created_at: now,
        })
        .returning('id')) as Array<{ id: unknown } | number>;
      const id = typeof inserted === 'object' ? toInt(inserted.id) : toInt(inserted);
      const row = (await db('panel_menus').where('id', id).first()) as MenuRow;
      return toMenu(row);
    },
    async get(id) {
      const row = (await db('panel_menus').where('id', id).first()) as MenuRow | undefined;
      return row ? toMenu(row) : null;
    },
    async claim(id, version, messageId) {
      const changed = await db('panel_menus')
        .where({ id, version })
        .update({
          version: version + 1,
          updated_at: new Date(),
          // A press moves the menu on: a prompt it had open is answered no more.
          awaiting_user_id: null,
          awaiting: null,
          ...(messageId === null
            ? {}
            : { message_id: db.raw('COALESCE(message_id, ?)', [messageId]) }),
        });
      return changed === 1;
    },
    async save(id, version, content) {
      const changed = await db('panel_menus')
        .where({ id, version })
        .update(contentColumns(content));
      return changed === 1;
    },
    async setAwaiting(id, awaiting) {
      await db('panel_menus')
        .where('id', id)
        .update({
          awaiting_user_id: awaiting?.userId ?? null,
          awaiting: awaiting === null ? null : JSON.stringify(awaiting),
        });
    },
    async findAwaiting(chatId, userId) {
      const row = (await db('panel_menus')
        .where({ chat_id: chatId, awaiting_user_id: userId })
        .orderBy('updated_at', 'desc')
        .orderBy('id', 'desc')
        .first()) as MenuRow | undefined;
      return row ? toMenu(row) : null;
    },
  };
}
