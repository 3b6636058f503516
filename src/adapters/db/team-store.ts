/**
 * The team (core/team/members.ts) over the `admins` and `team_names` tables: roles, names, duty and
 * the round-robin of new paying fans (the member on duty given a fan least recently goes
 * next; the pick is a conditional update, so two instances never give one turn twice).
 */
import type { Knex } from 'knex';
import type { AdminRoleName } from '../../core/admin-auth.js';
import type { TeamMember, TeamStore } from '../../core/team/members.js';
import { toBool, toInt } from './rows.js';

interface MemberRow {
  user_id: unknown;
  role: AdminRoleName;
  name: string | null;
  on_duty: unknown;
}

function members(db: Knex): Knex.QueryBuilder {
  return db('admins')
    .leftJoin('team_names', 'team_names.user_id', 'admins.user_id')
    .select('admins.user_id', 'admins.role', 'admins.on_duty', 'team_names.name');
}

function toMember(row: MemberRow): TeamMember {
  return {
    userId: toInt(row.user_id),
    role: row.role,
    name: row.name,
    onDuty: toBool(row.on_duty),
  };
}

export function createTeamStore(db: Knex): TeamStore {
  return {
    async list() {
      const rows = (await members(db).orderBy('admins.user_id')) as MemberRow[];
      return rows.map(toMember);
    },
    async get(userId) {
      const rows = (await members(db).where('admins.user_id', userId)) as MemberRow[];
      return rows[0] ? toMember(rows[0]) : null;
    },
    async setRole(userId, role, addedBy) {
      return db.transaction(async (trx) => {
        const row = (await trx('admins').where('user_id', userId).first('role')) as
          { role: AdminRoleName } | undefined;
        if (row) await trx('admins').where('user_id', userId).update({ role });
        else await trx('admins').insert({ user_id: userId, role, added_by: addedBy });
        return row?.role ?? null;
      });
    },
    async remove(userId) {
      const row = (await db('admins').where('user_id', userId).first('role')) as
        { role: AdminRoleName } | undefined;
      if (!row) return null;
      const gone = await db('admins').where({ user_id: userId, role: row.role }).delete();
      return gone === 1 ? row.role : null;
    },
    async rememberName(userId, name, username) {
      const row = {
        user_id: userId,
        name: name.slice(0, 160),
        username: username ? username.toLowerCase().slice(0, 64) : null,
        updated_at: new Date(),
      };
      await db('team_names').insert(row).onConflict('user_id').merge();
    },
    async namesOf(userIds) {
      const names = new Map<number, string>();
      if (userIds.length === 0) return names;
      const rows = (await db('team_names')
        .whereIn('user_id', [...userIds])
        .select('user_id', 'name')) as { user_id: unknown; name: string }[];
      for (const row of rows) names.set(toInt(row.user_id), row.name);
      return names;
    },
    async byUsername(username) {
      const row = (await db('team_names')
        .where('username', username.replace(/^@/, '').toLowerCase())
        .first('user_id')) as { user_id: unknown } | undefined;
      return row ? toInt(row.user_id) : null;
    },
    async setDuty(userId, onDuty) {
      return (await db('admins').where('user_id', userId).update({ on_duty: onDuty })) === 1;
    },
    async nextOnDuty(candidates, now) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const row = (await db('admins')
          .where('on_duty', true)
          .whereIn('role', [...candidates])
          .orderByRaw('last_assigned_at IS NOT NULL, last_assigned_at, user_id')
          .first('user_id', 'last_assigned_at')) as
          { user_id: unknown; last_assigned_at: unknown } | undefined;
        if (!row) return null;
        const query = db('admins').where('user_id', row.user_id as number);
        if (row.last_assigned_at === null) query.whereNull('last_assigned_at');
        else query.where('last_assigned_at', row.last_assigned_at as Date);
        if ((await query.update({ last_assigned_at: now })) === 1) return toInt(row.user_id);
      }
      return null;
    },
  };
}
