import type { Knex } from 'knex';
import { AccountFrozenError, NoBankedTimeError } from '../../../core/errors.js';
import {
  debtToSettle,
  splitPassRevoke,
  validateAmount,
  type Balance,
  type PassStartResult,
} from '../../../core/ledger.js';
import { passAfterStart } from '../../../core/passes.js';
import { requireMove, withLockedFan } from './balance.js';
import { debtSettledBy, recordDebtSettlement } from './debt.js';
import { earlierEntry, findEntry, insertEntry } from './entries.js';
import type { DbLedgerStore, DbTx } from './types.js';

/**
 * Pass seconds: banked when bought (time debt paid off first), turned into a running pass by
 * the fan's next message, taken back after a refund (banked first, then the running pass's
 * unused rest; what was already used becomes time debt).
 */
export function createPasses(
  db: Knex,
): Pick<DbLedgerStore, 'grantTime' | 'startPass' | 'revokeTime'> {
  return {
    async revokeTime(fanId, seconds, now, key, meta = {}, trx) {
      validateAmount(seconds, 'pass seconds');
      return withLockedFan(db, trx, fanId, key, async (tx, fan) => {
        const endsAt = fan.passEndsAt?.getTime() ?? 0;
        // Whole seconds, rounded up: taking all of them ends the pass now, not a moment later.
        const runningLeft = Math.max(0, Math.ceil((endsAt - now.getTime()) / 1000));
        const split = splitPassRevoke(fan.seconds, runningLeft, seconds);
        const entry = await insertEntry(tx, {
          fanId,
          kind: 'pass_revoke',
          secondsDelta: -split.banked,
          timeDebtDelta: split.used,
          key,
          meta: {
            ...meta,
            note: `${meta.note ?? 'pass time taken back'}: ${split.banked}s banked, ${split.running}s running, ${split.used}s used (owed as time debt)`,
          },
        });
        if (!entry) {
          const earlier = await earlierEntry(tx, key, fanId, ['pass_revoke']);
          const moved = { banked: -earlier.secondsDelta, running: 0, used: earlier.timeDebtDelta };
          return { duplicate: true, entry: earlier, ...moved, balance: fan };
        }
        const balance = await requireMove(tx, fanId, {
          seconds: -split.banked,
          timeDebt: split.used,
          set: split.running > 0 ? { pass_ends_at: new Date(endsAt - split.running * 1000) } : {},
        });
        return { duplicate: false, entry, ...split, balance };
      });
    },

    async grantTime(fanId, seconds, key, meta = {}, trx) {
      validateAmount(seconds, 'pass seconds');
      return withLockedFan(db, trx, fanId, key, async (tx, fan) => {
        const settled = debtToSettle('pass_grant', fan.timeDebt, seconds);
        const entry = await insertEntry(tx, {
          fanId,
          kind: 'pass_grant',
          secondsDelta: seconds,
          key,
          meta,
        });
        if (!entry) {
          const sameSeconds = (e: { secondsDelta: number }) => e.secondsDelta === seconds;
          const earlier = await earlierEntry(tx, key, fanId, ['pass_grant'], sameSeconds);
          const debtSettled = await debtSettledBy(tx, key, 'seconds');
          return { duplicate: true, entry: earlier, debtSettled, balance: fan };
        }
        await recordDebtSettlement(tx, fanId, key, settled, 'seconds');
        const balance = await requireMove(tx, fanId, {
          seconds: seconds - settled,
          timeDebt: -settled,
          // Its `debt_settle` entry has always marked the bar's 100% (the balance then).
          marksTopUpBalance: settled > 0,
        });
        return { duplicate: false, entry, debtSettled: settled, balance };
      });
    },

    async startPass(fanId, now, key, meta = {}, trx) {
      return withLockedFan(db, trx, fanId, key, async (tx, fan) => {
        if (fan.seconds === 0) {
          if (await findEntry(tx, key)) return earlierPassStart(tx, fanId, fan, key);
          throw new NoBankedTimeError(fanId);
        }
        if (fan.isFrozen) throw new AccountFrozenError(fanId);
        const seconds = fan.seconds;
        const entry = await insertEntry(tx, {
          fanId,
          kind: 'pass_start',
          secondsDelta: -seconds,
          key,
          meta,
        });
        if (!entry) return earlierPassStart(tx, fanId, fan, key);
        const pass = passAfterStart(
          { startedAt: fan.passStartedAt, endsAt: fan.passEndsAt },
          now,
          seconds,
        );
        const balance = await requireMove(tx, fanId, {
          seconds: -seconds,
          set: {
            pass_started_at: pass.startedAt,
            pass_ends_at: pass.endsAt,
            pass_warning_sent_at: null,
            pass_end_notice_sent_at: null,
          },
        });
        return {
          duplicate: false,
          entry,
          seconds,
          passStartedAt: pass.startedAt ?? now,
          passEndsAt: pass.endsAt ?? now,
          balance,
        };
      });
    },
  };
}

/** The pass start already recorded under `key`, as a duplicate result. */
async function earlierPassStart(
  tx: DbTx,
  fanId: number,
  fan: Balance,
  key: string,
): Promise<PassStartResult> {
  const earlier = await earlierEntry(tx, key, fanId, ['pass_start']);
  return {
    duplicate: true,
    entry: earlier,
    seconds: -earlier.secondsDelta,
    passStartedAt: fan.passStartedAt ?? earlier.createdAt,
    passEndsAt: fan.passEndsAt ?? earlier.createdAt,
    balance: fan,
  };
}
