/** The framework's own words (toasts and short replies); screens keep theirs. */
export const PANEL_TEXTS = {
  refused: '⛔ Only team members whose role allows it can use this.',
  refusedAction: '⛔ You may not do that.',
  outdated: 'This menu has moved on — use the buttons it shows now.',
  stale: '⚠️ This changed meanwhile. The menu now shows the current data; nothing was done.',
  gone: 'This menu is no longer available. Send the command again.',
  queued: 'Done — the menu follows shortly (the group is busy).',
  promptSent: '✍️ Reply to the prompt below the menu.',
  cancelled: 'Cancelled; nothing changed.',
  staleInput:
    '⚠️ This changed meanwhile; the menu now shows the current value. Reply again to set it, or /cancel.',
} as const;
