import { describe, expect, it } from 'vitest';
import {
  PANEL_ACTIONS,
  PERMISSIONS,
  ROLE_PRESETS,
  can,
  isPanelAction,
} from '../../src/core/permissions.js';

describe('can(actor, action)', () => {
  it('names every action section:action, with what it allows', () => {
    for (const action of PANEL_ACTIONS) {
      expect(action).toMatch(/^[a-z]+:[a-z]+$/);
      expect(PERMISSIONS[action].length).toBeGreaterThan(5);
    }
    for (const needed of [
      'settings:edit',
      'fans:gift',
      'fans:ban',
      'payments:refund',
      'products:edit',
      'stats:view',
      'audit:view',
    ]) {
      expect(isPanelAction(needed)).toBe(true);
    }
    expect(isPanelAction('settings:nuke')).toBe(false);
    expect(isPanelAction('hasOwnProperty')).toBe(false);
  });

  it('lets owners and admins do everything until roles come; agents and others nothing', () => {
    for (const action of PANEL_ACTIONS) {
      expect(can({ id: 1, role: 'owner' }, action)).toBe(true);
      expect(can({ id: 2, role: 'admin' }, action)).toBe(true);
      expect(can({ id: 3, role: 'agent' }, action)).toBe(false);
      expect(can({ id: 4, role: null }, action)).toBe(false);
      expect(can(null, action)).toBe(false);
    }
    expect(ROLE_PRESETS.agent).toEqual([]);
  });
});
