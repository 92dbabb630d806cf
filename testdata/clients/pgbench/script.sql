-- One pgbench transaction: insert a random key (each client draws from its
-- own range, and deletes first, since a key may come up twice), read it back
-- by primary key, update it.
\set id random(1, 100000) + 100000 * :client_id
BEGIN;
DELETE FROM pgbench_kv WHERE id = :id;
INSERT INTO pgbench_kv (id, v, note) VALUES (:id, 0, 'new');
SELECT v, note FROM pgbench_kv WHERE id = :id;
UPDATE pgbench_kv SET v = v + 1, note = 'updated' WHERE id = :id;
COMMIT;
