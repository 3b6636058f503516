/**
 * The pg knex client with named (prepared) statements: knex sends every statement as an
 * unnamed one, which Postgres parses and plans on every call. Here a data statement
 * (SELECT, INSERT, UPDATE, DELETE, WITH) is sent under a name derived from its SQL text, so
 * each connection parses it once and Postgres may reuse its plan; the bindings travel apart
 * as before. At most `MAX_NAMED_STATEMENTS` texts get a name (the rest stay unnamed), so a
 * statement built with a varying number of placeholders cannot fill the server's memory.
 *
 * A prepared statement whose tables changed under it (a migration run by another process
 * while this one serves) fails once with "cached plan must not change result type": it is
 * deallocated and prepared again, outside a transaction; inside one the error stands, as
 * any failed statement would.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
type ClientClass = new (config: unknown) => object;
// knex's own pg client: its public API has no hook for the statement sent.
const PgClient = require('knex/lib/dialects/postgres/index.js') as ClientClass;

/** Distinct SQL texts given a name, per process. */
export const MAX_NAMED_STATEMENTS = 1_000;

interface PgResult {
  rows: unknown[];
}
interface PgConnection {
  query(
    config: { text: string; values: unknown[]; name?: string },
    callback: (err: Error | null, result: PgResult) => void,
  ): void;
  connection?: { parsedStatements?: Record<string, string> };
}
interface QueryObject {
  sql?: string;
  bindings?: unknown[];
  options?: Record<string, unknown>;
  response?: unknown;
}

const DATA_STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * A statement that starts with this comment gets no name, so Postgres plans each call with
 * its values and the table as it is then: for the outbox's claims, whose best plan depends
 * on the backlog's size. A generic plan cached while the outbox was nearly empty (a new
 * install) kept sequential scans for their lane sub-queries as the table grew — with a
 * 10,000-job backlog one claim ran for minutes (issue 17).
 */
export const PLANNED_PER_CALL = '/* planned per call */ ';
const names = new Map<string, string>();

/** The name `sql` is prepared under, or undefined to send it unnamed. */
export function statementName(sql: string): string | undefined {
  if (!DATA_STATEMENT.test(sql)) return undefined;
  const known = names.get(sql);
  if (known !== undefined) return known;
  if (names.size >= MAX_NAMED_STATEMENTS) return undefined;
  const name = `pb_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
  names.set(sql, name);
  return name;
}

/** Postgres: a cached plan's result type changed, or the named statement is gone. */
function isStalePrepared(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '0A000' || code === '26000';
}

function run(
  connection: PgConnection,
  config: { text: string; values: unknown[]; name?: string },
): Promise<PgResult> {
  return new Promise((resolve, reject) => {
    connection.query(config, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * knex's pg client with `_query` sending named statements. On the prototype, so the clients
 * knex derives for transactions (`Object.create(client.constructor.prototype)`) have it too.
 */
export class PreparedPgClient extends PgClient {
  _query(connection: PgConnection, obj: QueryObject): Promise<QueryObject> {
    return preparedQuery(connection, obj);
  }
}

async function preparedQuery(connection: PgConnection, obj: QueryObject): Promise<QueryObject> {
  if (!obj.sql) throw new Error('The query is empty');
  // Per-query driver options (rowMode…) keep the statement unnamed.
  const plain = obj.options === undefined || Object.keys(obj.options).length === 0;
  const name = plain ? statementName(obj.sql) : undefined;
  const config = { text: obj.sql, values: obj.bindings ?? [], ...(obj.options ?? {}) };
  if (name === undefined) {
    obj.response = await run(connection, config);
    return obj;
  }
  try {
    obj.response = await run(connection, { ...config, name });
  } catch (err) {
    // knex marks a connection inside a transaction with its id.
    const inTransaction = (connection as { __knexTxId?: unknown }).__knexTxId !== undefined;
    if (!isStalePrepared(err) || inTransaction) throw err;
    // The statement was planned against tables that changed: prepare it afresh.
    await run(connection, { text: `DEALLOCATE ${name}`, values: [] }).catch(() => {});
    const parsed = connection.connection?.parsedStatements;
    if (parsed) delete parsed[name];
    obj.response = await run(connection, { ...config, name });
  }
  return obj;
}
