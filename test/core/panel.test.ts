import { describe, expect, it } from 'vitest';
import { panelCallbackData, parsePanelCallback } from '../../src/core/panel/callback-data.js';
import { pageLabel, pageOf } from '../../src/core/panel/paging.js';
import type { PanelMenu } from '../../src/core/panel/ports.js';
import { decidePress } from '../../src/core/panel/press.js';

const menu: PanelMenu = {
  id: 12,
  nonce: 'AbCdEfGh_-12',
  chatId: -100,
  threadId: 5,
  messageId: 77,
  screen: 'settings',
  state: {},
  buttons: [{ kind: 'act', action: 'toggle', args: { key: 'receipts.enabled' } }],
  stamp: null,
  rendered: null,
  version: 3,
  awaiting: null,
  createdBy: 1,
  updatedAt: new Date(0),
};
const where = { chatId: -100, messageId: 77 };

describe('panel callback data', () => {
  it('round-trips, stays under 64 bytes, and refuses anything else', () => {
    const press = { menuId: 999_999_999_999, nonce: 'AbCdEfGh_-12', version: 123_456, button: 99 };
    const data = panelCallbackData(press);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(parsePanelCallback(data)).toEqual(press);
    for (const bad of [
      undefined,
      '',
      'pn:',
      'pn:1.short:0:0',
      'pn:1.AbCdEfGh:0',
      'card:1:info',
      'pn:1.AbCdEfGh:0:0:0',
    ]) {
      expect(parsePanelCallback(bad)).toBeNull();
    }
  });
});

describe('decidePress', () => {
  const press = { menuId: 12, nonce: menu.nonce, version: 3, button: 0 };
  it('acts on the current version of the menu it was offered on', () => {
    expect(decidePress(menu, press, where)).toEqual({ kind: 'ok', button: menu.buttons[0] });
    expect(
      decidePress({ ...menu, messageId: null }, press, { chatId: -100, messageId: 5 }).kind,
    ).toBe('ok');
  });
  it('an earlier version is outdated (a double tap, an old keyboard)', () => {
    expect(decidePress(menu, { ...press, version: 2 }, where)).toEqual({ kind: 'outdated' });
  });
  it('anything else is forged: no menu, wrong nonce, chat, message, future version, no such button', () => {
    expect(decidePress(null, press, where).kind).toBe('forged');
    expect(decidePress(menu, { ...press, nonce: 'XXXXXXXXXXXX' }, where).kind).toBe('forged');
    expect(decidePress(menu, press, { chatId: -200, messageId: 77 }).kind).toBe('forged');
    expect(decidePress(menu, press, { chatId: -100, messageId: 78 }).kind).toBe('forged');
    expect(decidePress(menu, { ...press, version: 4 }, where).kind).toBe('forged');
    expect(decidePress(menu, { ...press, button: 1 }, where).kind).toBe('forged');
  });
});

describe('pageOf', () => {
  it('clamps into range and says where it is', () => {
    expect(pageOf(0, 3, 10)).toMatchObject({
      index: 0,
      count: 1,
      hasPrevious: false,
      hasNext: false,
    });
    expect(pageOf(25, 1, 10)).toMatchObject({
      index: 1,
      offset: 10,
      limit: 10,
      hasPrevious: true,
      hasNext: true,
    });
    expect(pageOf(25, 9, 10)).toMatchObject({ index: 2, offset: 20, hasNext: false });
    expect(pageOf(25, -4, 10).index).toBe(0);
    expect(pageLabel(pageOf(120, 11, 10))).toBe('Page 12 of 12');
  });
});
