/** The Telegram Bot API simulator (DESIGN §8): see README.md in this folder. */
export {
  createTelegramSimulator,
  simulatorWatch,
  DEFAULT_BOT_TOKEN,
  type TelegramSimulator,
  type TelegramSimulatorOptions,
} from './simulator.js';
export {
  TelegramControl,
  GROUP_ANONYMOUS_BOT_ID,
  type ChatView,
  type ContentInput,
  type CreateGroupInput,
  type CreateUserInput,
  type MessageView,
  type SendOptions,
  type TopicView,
} from './control.js';
export { CONTROL_OPERATIONS } from './control-http.js';
export type { CallRecord, Violation } from './engine.js';
export type { FaultRuleInput, FaultSpec, RandomFaultsInput } from './faults.js';
export {
  METHODS,
  findMethod,
  SEND_LIKE,
  EDIT_LIKE,
  type MethodDecl,
  type ParamDecl,
} from './methods.js';
export { SHAPES, UNIONS } from './validate.js';
export { parseMarkup, EntityParseError, type ParseMode } from './markup/index.js';
export { DEFAULT_RATE_LIMITS, type RateLimitOptions } from './rate-limit.js';
export { REACTION_EMOJI } from './api/index.js';
export type { UpdateLogEntry, WebhookDelivery } from './updates.js';
export type * from './types.js';
