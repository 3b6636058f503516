import { describe, expect, it } from 'vitest';
import { passAfterStart, passIsRunning, passState, passWarningDue } from '../../src/core/passes.js';

const start = new Date('2026-11-26T12:00:00.000Z');
const end = new Date('2026-11-26T13:00:00.000Z');
const pass = { startedAt: start, endsAt: end };
const at = (iso: string) => new Date(`2026-11-26T${iso}.000Z`);

describe('passState', () => {
  it('is none without a pass', () => {
    expect(passState({ startedAt: null, endsAt: null }, start, 5)).toEqual({
      status: 'none',
      remainingSeconds: 0,
      endsAt: null,
    });
  });

  it('is active, then ending soon inside the warning window, then ended', () => {
    expect(passState(pass, at('12:10:00'), 5)).toMatchObject({
      status: 'active',
      remainingSeconds: 3000,
    });
    expect(passState(pass, at('12:54:59'), 5).status).toBe('active');
    expect(passState(pass, at('12:55:00'), 5)).toMatchObject({
      status: 'ending_soon',
      remainingSeconds: 300,
    });
    expect(passState(pass, at('12:59:59'), 5).remainingSeconds).toBe(1);
    expect(passState(pass, at('13:00:00'), 5)).toMatchObject({
      status: 'ended',
      remainingSeconds: 0,
    });
    expect(passState(pass, at('14:00:00'), 5).status).toBe('ended');
  });

  it('rounds remaining time up to whole seconds', () => {
    expect(passState(pass, new Date(end.getTime() - 1), 0).remainingSeconds).toBe(1);
  });

  it('never warns with a zero-minute window', () => {
    expect(passState(pass, at('12:59:00'), 0).status).toBe('active');
  });
});

describe('passAfterStart', () => {
  it('starts a new pass now when none is running', () => {
    expect(passAfterStart({ startedAt: null, endsAt: null }, start, 3600)).toEqual(pass);
    const ended = passAfterStart(pass, at('15:00:00'), 60);
    expect(ended).toEqual({ startedAt: at('15:00:00'), endsAt: at('15:01:00') });
  });

  it('extends a running pass, keeping its start', () => {
    expect(passAfterStart(pass, at('12:30:00'), 1800)).toEqual({
      startedAt: start,
      endsAt: at('13:30:00'),
    });
  });
});

describe('passIsRunning and passWarningDue', () => {
  it('knows when a pass runs', () => {
    expect(passIsRunning(pass, at('12:59:59'))).toBe(true);
    expect(passIsRunning(pass, at('13:00:00'))).toBe(false);
    expect(passIsRunning({ startedAt: null, endsAt: null }, start)).toBe(false);
  });

  it('warns once inside the window', () => {
    expect(passWarningDue(pass, at('12:50:00'), 5, null)).toBe(false);
    expect(passWarningDue(pass, at('12:56:00'), 5, null)).toBe(true);
    expect(passWarningDue(pass, at('12:57:00'), 5, at('12:56:00'))).toBe(false);
    expect(passWarningDue(pass, at('13:01:00'), 5, null)).toBe(false);
  });
});
