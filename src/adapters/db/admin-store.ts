/** Roles from the `admins` table (owners also come from ADMIN_USER_IDS, see core/admin-auth). */
import type { Knex } from 'knex';
import type { AdminDirectory, AdminRole } from '../../core/traffic/ports.js';

export function createAdminStore(db: Knex): AdminDirectory {
  return {
    async roleOf(userId) {
      const row = (await db('admins').where('user_id', userId).first('role')) as
        { role: AdminRole } | undefined;
      return row?.role ?? null;
    },
  };
}
