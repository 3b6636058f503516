/**
 * What the saved replies, the response-time alerts and the team figures are given (built
 * once in src/cli/runtime). `deps.teamInbox` is absent in bare setups.
 */
import type { TeamActivity } from '../../../../core/attribution/team-figures.js';
import type { SnippetStore } from '../../../../core/snippets/snippet.js';

export interface TeamInboxServices {
  snippets: SnippetStore;
  /** Team answers (who, when, first-response waits) and the team page's figures. */
  activity: TeamActivity;
}
