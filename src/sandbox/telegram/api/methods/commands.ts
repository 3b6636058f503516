/** The bot's command lists per scope and language: setMyCommands, getMyCommands, deleteMyCommands. */
import { invalid } from '../../api-error.js';
import type { MethodTable } from '../deps.js';

function commandsKey(params: Record<string, unknown>): string {
  const scope = (params.scope as Record<string, unknown> | undefined) ?? { type: 'default' };
  return JSON.stringify([
    scope.type,
    scope.chat_id ?? null,
    scope.user_id ?? null,
    params.language_code ?? '',
  ]);
}

export const commandMethods: MethodTable = {
  setMyCommands: ({ world }, { params }) => {
    const commands = params.commands as { command: string; description: string }[];
    if (commands.length > 100) throw invalid('too many commands');
    world.commands.set(
      commandsKey(params),
      commands.map(({ command, description }) => ({ command, description })),
    );
    return true;
  },
  getMyCommands: ({ world }, { params }) => world.commands.get(commandsKey(params)) ?? [],
  deleteMyCommands: ({ world }, { params }) => {
    world.commands.delete(commandsKey(params));
    return true;
  },
};
