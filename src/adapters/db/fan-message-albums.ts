/**
 * The album part of the fan message transaction (core/relay/album.ts decides): the items
 * seen so far and what each paid, and cancelling a held copy with its refund.
 */
import type { Knex } from 'knex';
import type { FanMessageTransaction } from '../../core/relay/ports.js';
import type { DbLedgerStore } from './ledger-store.js';
import { toBool, toInt } from './rows.js';
import { flushInserts } from './outbox/enqueue.js';

/** Album rows are pruned after a day: every item of an album arrives within seconds. */
const KEEP_MS = 24 * 60 * 60_000;

type AlbumOps = Pick<FanMessageTransaction, 'albumItems' | 'recordAlbumItem' | 'cancelRelay'>;

export function albumOps(
  trx: Knex.Transaction,
  fanId: number,
  ledger: Pick<DbLedgerStore, 'returnSpend'>,
): AlbumOps {
  return {
    async albumItems(groupId) {
      const rows = (await trx('fan_album_items')
        .where({ fan_id: fanId, media_group_id: groupId })
        .orderBy('message_id')
        .select('message_id', 'credits', 'refused')) as Array<{
        message_id: unknown;
        credits: unknown;
        refused: unknown;
      }>;
      return rows.map((r) => ({
        messageId: toInt(r.message_id),
        credits: toInt(r.credits),
        refused: toBool(r.refused),
      }));
    },
    async recordAlbumItem(groupId, item, now) {
      await trx('fan_album_items')
        .where('fan_id', fanId)
        .where('created_at', '<', new Date(now.getTime() - KEEP_MS))
        .delete();
      await trx('fan_album_items')
        .insert({
          fan_id: fanId,
          media_group_id: groupId,
          message_id: item.messageId,
          credits: item.credits,
          refused: item.refused,
          created_at: now,
        })
        .onConflict(['fan_id', 'message_id'])
        .ignore();
    },
    async cancelRelay(dedupeKey, spendKey, refundKey) {
      // Jobs held back for the batch's one insert are written first: the job may be one.
      await flushInserts(trx);
      const cancelled = await trx('outbox')
        .where({ dedupe_key: dedupeKey, status: 'pending' })
        .update({
          status: 'failed',
          outcome: 'dropped',
          last_error: 'album not paid in full',
          locked_by: null,
          locked_until: null,
          updated_at: new Date(),
        });
      if (cancelled === 0) return false;
      await ledger.returnSpend(spendKey, refundKey, trx);
      return true;
    },
  };
}
