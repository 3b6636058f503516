/**
 * Pass time is money too: a refund or a lost dispute of a pass purchase takes back its share
 * of the seconds bought — banked seconds first, then the unused rest of the running pass —
 * once, keyed `pass_revoke:<refund or dispute id>`. Time already used cannot be taken back:
 * it becomes time debt, paid off by the next pass the fan buys.
 */
import { ledgerKeys, type PassRevokeResult } from '../../ledger.js';
import { fanTexts, teamTexts, type MoneyView } from '../texts.js';
import { noteTopic, notifyFan, type HandlerContext } from './context.js';

/** The refund or dispute that takes the time back. */
export interface RevokeSource {
  /** `re_…` or `dp_…`: the ledger key and the notices' dedupe keys. */
  id: string;
  /** The charge, stored on the ledger entry. */
  reference: string;
  money: MoneyView;
}

/** Takes back `seconds` of the fan's pass time and tells fan and topic (once). */
export async function revokePassTime<Tx>(
  ctx: HandlerContext<Tx>,
  fanId: number,
  seconds: number,
  source: RevokeSource,
  key: string = ledgerKeys.passRevoke(source.id),
): Promise<PassRevokeResult> {
  const result = await ctx.ledger.revokeTime(
    fanId,
    seconds,
    ctx.now(),
    key,
    { reference: source.reference, note: `pass time taken back for ${source.id}` },
    ctx.tx,
  );
  if (result.duplicate) return result;
  const removed = result.banked + result.running;
  const b = result.balance;
  const left = { credits: b.credits, seconds: b.seconds, debt: b.debt, timeDebt: b.timeDebt };
  await notifyFan(ctx, fanId, `pass_revoke:${source.id}`, (t) =>
    fanTexts.passRevoked(t, source.money, removed, result.used, left),
  );
  noteTopic(ctx, fanId, `pass_revoke:${source.id}:topic`, (t) =>
    teamTexts.passRevokedNote(t, source.money, removed, result.used),
  );
  return result;
}
