/**
 * The physical reference of the HTTP bench (issue #5): a bare fastify app whose route
 * `POST /v1/cases` does one `pg` INSERT of the request's JSON body (a jsonb column, a random uuid
 * id) and answers 201 with the id, and whose `GET /v1/cases/:id` does one `pg` SELECT of that row
 * by its primary key and answers 200 with the body (404 when there is none). No auth, no
 * validation, no logger, no event store: what HTTP plus one round trip to PostgreSQL cost on this
 * machine. Run as a process of its own, like the server it is compared with:
 *
 *   DATABASE_URL=postgres://… PORT=0 node --import tsx referenceServer.ts
 *
 * Prints `listening on http://…` when ready; SIGTERM closes it. `REFERENCE_POOL` sets the pool size
 * (default 20, the event store's pool in `openEventStore`).
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

/** The reference's table, created if missing. */
export const REFERENCE_TABLE = 'reference_cases';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.REFERENCE_POOL ?? 20) });
pool.on('error', () => {});
await pool.query(`CREATE TABLE IF NOT EXISTS ${REFERENCE_TABLE} (id uuid PRIMARY KEY, body jsonb NOT NULL)`);

const app = Fastify({ logger: false });
app.post('/v1/cases', async (req, reply) => {
  const id = randomUUID();
  await pool.query(`INSERT INTO ${REFERENCE_TABLE} (id, body) VALUES ($1, $2)`, [id, req.body]);
  return reply.code(201).send({ id });
});
app.get<{ Params: { id: string } }>('/v1/cases/:id', async (req, reply) => {
  const r = await pool.query<{ body: unknown }>(`SELECT body FROM ${REFERENCE_TABLE} WHERE id = $1`, [req.params.id]);
  return r.rows[0] ? reply.send(r.rows[0].body) : reply.code(404).send({ error: 'not found' });
});
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening on ${address}\n`);

process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});
