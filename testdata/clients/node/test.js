// node-postgres (pg 8.x) against a PostgreSQL-protocol server.
// Usage: node test.js DSN. node-postgres sends Parse (no parameter types),
// Bind with text parameters, Describe portal, Execute and Sync together, so
// the server must infer parameter types. Prints OK and exits 0 when every
// check holds.
'use strict';
const assert = require('node:assert/strict');
const { Client } = require('pg');

const T = 'node_items';

async function main(dsn) {
  const client = new Client({ connectionString: dsn });
  await client.connect();
  try {
    await run(client, dsn);
  } finally {
    await client.end();
  }
  console.log('OK');
}

async function run(client, dsn) {
  await client.query("SET TimeZone = 'UTC'");
  await client.query(`DROP TABLE IF EXISTS ${T}`);
  await client.query(`CREATE TABLE ${T} (id bigserial PRIMARY KEY, i2 smallint, i4 integer, i8 bigint,
    f4 real, f8 double precision, num numeric(10,2), t text, vc varchar(10) UNIQUE, b bool, by bytea,
    d date, ts timestamp, tstz timestamptz, u uuid, j json, jb jsonb)`);

  // Parameters ($1...) of each JS type; RETURNING.
  const tstz = new Date('2024-02-29T11:14:15.500Z');
  let r = await client.query(
    `INSERT INTO ${T} (i2, i4, i8, f4, f8, num, t, vc, b, by, d, ts, tstz, u, j, jb)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
    [-32768, 2147483647, '9223372036854775807', 2.5, 0.1, '1234.56', "it's ü", 'first', true,
      Buffer.from([0, 0xde, 0xad]), '2024-02-29', '2024-02-29 13:14:15.123456', tstz,
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', JSON.stringify({ a: [1, 'x'] }), { k: null }]);
  assert.equal(r.command, 'INSERT');
  assert.equal(r.rowCount, 1);
  assert.equal(r.rows.length, 1);
  const firstId = r.rows[0].id;
  assert.equal(typeof firstId, 'string'); // int8 comes back as a string
  assert.match(firstId, /^\d+$/);

  r = await client.query(`SELECT i2, i4, i8, f4, f8, num, t, vc, b, by, d, ts, tstz, u, j, jb FROM ${T} WHERE id = $1`, [firstId]);
  assert.equal(r.rowCount, 1);
  const row = r.rows[0];
  assert.equal(row.i2, -32768);
  assert.equal(row.i4, 2147483647);
  assert.equal(row.i8, '9223372036854775807');
  assert.equal(row.f4, 2.5);
  assert.equal(row.f8, 0.1);
  assert.equal(row.num, '1234.56'); // numeric comes back as a string
  assert.equal(row.t, "it's ü");
  assert.equal(row.vc, 'first');
  assert.equal(row.b, true);
  assert.ok(Buffer.isBuffer(row.by));
  assert.deepEqual([...row.by], [0, 0xde, 0xad]);
  // date and timestamp (no zone) are parsed as local time; TZ=UTC is set by the Go test.
  assert.ok(row.d instanceof Date);
  assert.equal(row.d.getFullYear(), 2024);
  assert.equal(row.d.getMonth(), 1);
  assert.equal(row.d.getDate(), 29);
  assert.ok(row.ts instanceof Date);
  assert.equal(row.ts.toISOString(), '2024-02-29T13:14:15.123Z');
  assert.ok(row.tstz instanceof Date);
  assert.equal(row.tstz.getTime(), tstz.getTime());
  assert.equal(row.u, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  assert.deepEqual(row.j, { a: [1, 'x'] });
  assert.deepEqual(row.jb, { k: null });
  assert.deepEqual(r.fields.map((f) => f.dataTypeID),
    [21, 23, 20, 700, 701, 1700, 25, 1043, 16, 17, 1082, 1114, 1184, 2950, 114, 3802]);

  // NULLs both ways.
  await client.query(`INSERT INTO ${T} (i4, t, b, by, tstz) VALUES ($1, $2, $3, $4, $5)`, [null, null, null, null, null]);
  r = await client.query(`SELECT i4, t, b, by, tstz, num FROM ${T} WHERE i4 IS NULL AND vc IS NULL`);
  assert.deepEqual(r.rows, [{ i4: null, t: null, b: null, by: null, tstz: null, num: null }]);

  // A named prepared statement, run twice (Parse once, then Bind/Execute).
  for (const [vc, i4] of [['named1', 10], ['named2', 20]]) {
    r = await client.query({ name: 'node_insert_named', text: `INSERT INTO ${T} (vc, i4) VALUES ($1, $2) RETURNING i4`, values: [vc, i4] });
    assert.deepEqual(r.rows, [{ i4 }]);
  }
  for (let i = 0; i < 2; i++) {
    r = await client.query({ name: 'node_select_named', text: `SELECT vc FROM ${T} WHERE i4 >= $1 AND i4 < 1000 ORDER BY i4`, values: [10] });
    assert.deepEqual(r.rows.map((x) => x.vc), ['named1', 'named2']);
  }
  // rowMode array, and an aggregate.
  r = await client.query({ text: `SELECT count(*), sum(i4) FROM ${T} WHERE vc LIKE $1`, values: ['named%'], rowMode: 'array' });
  assert.deepEqual(r.rows, [['2', '30']]); // count and sum of int4 are int8: strings

  // Transactions.
  await client.query('BEGIN');
  await client.query(`INSERT INTO ${T} (vc) VALUES ($1)`, ['kept']);
  await client.query('COMMIT');
  await client.query('BEGIN');
  await client.query(`INSERT INTO ${T} (vc) VALUES ($1)`, ['gone']);
  r = await client.query(`SELECT count(*) AS n FROM ${T} WHERE vc IN ($1, $2)`, ['kept', 'gone']);
  assert.equal(r.rows[0].n, '2');
  await client.query('ROLLBACK');
  r = await client.query(`SELECT vc FROM ${T} WHERE vc IN ($1, $2)`, ['kept', 'gone']);
  assert.deepEqual(r.rows, [{ vc: 'kept' }]);

  // UPDATE/DELETE row counts.
  r = await client.query(`UPDATE ${T} SET i2 = $1 WHERE vc LIKE $2`, [5, 'named%']);
  assert.equal(r.command, 'UPDATE');
  assert.equal(r.rowCount, 2);
  r = await client.query(`DELETE FROM ${T} WHERE vc = $1`, ['nobody']);
  assert.equal(r.rowCount, 0);

  // A unique violation: err.code 23505, the connection stays usable, and
  // inside a transaction it aborts the transaction.
  await assert.rejects(client.query(`INSERT INTO ${T} (vc) VALUES ($1)`, ['first']), (err) => {
    assert.equal(err.code, '23505');
    assert.equal(err.constraint, `${T}_vc_key`);
    assert.match(err.message, /^duplicate key value violates unique constraint/);
    return true;
  });
  await client.query('BEGIN');
  await assert.rejects(client.query(`INSERT INTO ${T} (vc) VALUES ('first')`), { code: '23505' });
  await assert.rejects(client.query('SELECT 1'), { code: '25P02' });
  r = await client.query('COMMIT');
  assert.equal(r.command, 'ROLLBACK');
  r = await client.query({ name: 'node_select_named', text: `SELECT vc FROM ${T} WHERE i4 >= $1 AND i4 < 1000 ORDER BY i4`, values: [20] });
  assert.deepEqual(r.rows.map((x) => x.vc), ['named2']);

  // A second client sees the committed rows.
  const other = new Client({ connectionString: dsn });
  await other.connect();
  r = await other.query(`SELECT count(*) FROM ${T}`);
  assert.equal(r.rows[0].count, '5');
  await other.end();
}

main(process.argv[2]).catch((err) => {
  console.error(err);
  process.exit(1);
});
