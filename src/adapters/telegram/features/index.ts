/** Every bot feature, in the order they apply (the guard first). */
import type { Feature } from '../bot-deps.js';
import { cardActionsFeature } from './card-actions.js';
import { contentFanFeature } from './content-fan.js';
import { contentTeamFeature } from './content-team.js';
import { dashboardChartFeature } from './dashboard.js';
import { dropsFeature } from './drops.js';
import { editsFeature } from './edits.js';
import { fanRelayFeature } from './fan-relay.js';
import { guardFeature } from './guard.js';
import { liveLocationFeature } from './live-location.js';
import { membershipFeature } from './membership.js';
import { panelMenusFeature } from './panel-menus.js';
import { paymentsFeature } from './payments.js';
import { paymentsFallbackFeature } from './payments-fallback.js';
import { reactionsFeature } from './reactions.js';
import { resendFeature } from './resend.js';
import { snippetsFeature } from './snippets/index.js';
import { startFeature } from './start.js';
import { teamCommandsFeature } from './team-commands.js';
import { teamRelayFeature } from './team-relay.js';
import { teamFeature } from './team/index.js';

/**
 * The product. Payments features go right after membership (before `start`), so they answer
 * `buy:<id>`, /billing and /autorecharge before the fallback at the end does.
 */
export const FEATURES: readonly Feature[] = [
  guardFeature,
  membershipFeature,
  // Early: it remembers who writes in the admin group; then /take, /assign, /release, /duty.
  teamFeature,
  paymentsFeature,
  // The teaser's buttons, /library and paid-media purchases, before the fan side's fallback.
  contentFanFeature,
  startFeature,
  cardActionsFeature,
  // Before the panel: /admin's chart is queued above the menu the panel opens.
  dashboardChartFeature,
  panelMenusFeature,
  // /lock and /ppv (and album parts) in the admin group, before the team relay.
  contentTeamFeature,
  dropsFeature,
  resendFeature,
  liveLocationFeature,
  editsFeature,
  reactionsFeature,
  fanRelayFeature,
  snippetsFeature,
  teamCommandsFeature,
  teamRelayFeature,
  paymentsFallbackFeature,
];
