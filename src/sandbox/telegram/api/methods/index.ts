import type { MethodTable } from '../deps.js';
import { botMethods } from './bot.js';
import { callbackMethods } from './callbacks.js';
import { chatMethods } from './chats.js';
import { commandMethods } from './commands.js';
import { copyForwardMethods } from './copy-forward.js';
import { deleteMethods } from './deletes.js';
import { editMethods } from './edits.js';
import { fileMethods } from './files.js';
import { memberMethods } from './members.js';
import { messageMethods } from './messages.js';
import { paymentMethods } from './payments.js';
import { pinMethods } from './pins.js';
import { reactionMethods } from './reactions.js';
import { topicMethods } from './topics.js';
import { webhookMethods } from './webhook.js';

/** Every Bot API method the simulator implements, by family (declarations: ../../methods.ts). */
export const API_METHODS: MethodTable = {
  ...botMethods,
  ...webhookMethods,
  ...commandMethods,
  ...messageMethods,
  ...paymentMethods,
  ...copyForwardMethods,
  ...reactionMethods,
  ...editMethods,
  ...deleteMethods,
  ...callbackMethods,
  ...pinMethods,
  ...chatMethods,
  ...memberMethods,
  ...topicMethods,
  ...fileMethods,
};
