/**
 * Uploads through the outbox. A job's params are stored as JSON, so a job cannot hold a
 * file's bytes: it names a stored file instead (`{ stored_file: <id> }`, see `storedFile`),
 * and this wrapper of the Bot API client swaps the name for the bytes right before the call,
 * so telegraf sends it as a multipart upload. The file is removed once Telegram accepted the
 * call; a file that is gone (pruned after a day) fails the call like a bad file id would.
 */
import type { StoredFiles } from '../../core/stats/ports.js';
import { BotApiError, type BotApi } from './bot-api.js';

const KEY = 'stored_file';

/** The param value naming stored file `id` (e.g. `photo: storedFile(12)`). */
export function storedFile(id: number): Record<string, number> {
  return { [KEY]: id };
}

function storedIdOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const entries = Object.entries(value);
  if (entries.length !== 1 || entries[0]![0] !== KEY) return null;
  const id = entries[0]![1];
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}

/** `api`, with stored files named in params uploaded from `files`. */
export function withStoredUploads(api: BotApi, files: StoredFiles): BotApi {
  return {
    async call<T>(method: string, params: Record<string, unknown>, options?: object) {
      const used: number[] = [];
      let resolved = params;
      for (const [name, value] of Object.entries(params)) {
        const id = storedIdOf(value);
        if (id === null) continue;
        const file = await files.read(id);
        if (!file) {
          const description = `Bad Request: stored file ${id} is gone`;
          throw new BotApiError(method, { type: 'api', code: 400, description });
        }
        resolved = {
          ...resolved,
          [name]: { source: Buffer.from(file.data), filename: file.filename },
        };
        used.push(id);
      }
      const result = await api.call<T>(method, resolved, options);
      for (const id of used) await files.remove(id).catch(() => undefined);
      return result;
    },
  };
}
