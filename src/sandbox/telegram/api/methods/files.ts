/** Downloads: getFile (the bytes are served under /file/bot<token>/<file_path>). */
import { badRequest } from '../../api-error.js';
import type { MethodTable } from '../deps.js';

export const fileMethods: MethodTable = {
  getFile: ({ world }, { params }) => {
    const file = world.files.get((params.file_id as string).trim());
    if (!file) throw badRequest('invalid file_id');
    if (file.file_size > 20 * 1024 * 1024) throw badRequest('file is too big');
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.file_size,
      file_path: file.file_path,
    };
  },
};
