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

  it('gives each role its documented preset; anyone off the team nothing', () => {
    const allowed = (role: 'owner' | 'admin' | 'agent' | 'analyst') =>
      PANEL_ACTIONS.filter((action) => can({ id: 1, role }, action));
    expect(allowed('owner')).toEqual(PANEL_ACTIONS);
    expect(allowed('admin')).toEqual(
      PANEL_ACTIONS.filter((a) => a !== 'team:manage' && a !== 'fans:unfreeze'),
    );
    expect(allowed('agent').sort()).toEqual(
      ['conversations:view', 'fans:note', 'fans:view', 'inbox:reply'].sort(),
    );
    expect(allowed('analyst')).toEqual(['stats:view']);
    for (const action of PANEL_ACTIONS) {
      expect(can({ id: 4, role: null }, action)).toBe(false);
      expect(can(null, action)).toBe(false);
    }
    for (const role of ['owner', 'admin', 'agent', 'analyst'] as const) {
      expect([...ROLE_PRESETS[role]].sort()).toEqual(allowed(role).sort());
    }
  });
});
