-- What users type because PostgreSQL accepts it: session functions,
-- SHOW/SET, TRUNCATE, ILIKE, booleans printed t/f, catalog lookups tools
-- make (goose, golang-migrate). The output must be what PostgreSQL 15
-- prints for a database named sqlraft.
SELECT version() LIKE 'PostgreSQL 15%' AS is_15;
SELECT current_database(), current_schema(), current_schemas(false);
SELECT current_setting('server_version') LIKE '15.%';
SHOW server_encoding;
SET application_name = 'flavour test';
SHOW application_name;
SELECT now() IS NOT NULL AS has_now, now() = now() AS stable_in_statement, now() <= clock_timestamp() AS not_future;
DROP TABLE IF EXISTS flavour;
CREATE TABLE flavour (id serial PRIMARY KEY, name text NOT NULL, active boolean NOT NULL DEFAULT true);
INSERT INTO flavour (name, active) VALUES ('Alice', true), ('bob', false), ('ALBERT', true);
SELECT name FROM flavour WHERE name ILIKE 'al%' ORDER BY name;
SELECT name FROM flavour WHERE name LIKE 'al%' OR name LIKE 'A%' ORDER BY name;
SELECT name FROM flavour WHERE name NOT ILIKE '%b%' ORDER BY name;
SELECT 'ABC' LIKE 'abc', 'ABC' ILIKE 'abc', 'a_c' ILIKE 'A!_C' ESCAPE '!', 'abc' LIKE 'a\%';
SELECT name, active, NOT active AS inactive, active AND id > 1 AS both FROM flavour ORDER BY id;
SELECT EXISTS (SELECT 1 FROM pg_tables WHERE (current_schema() IS NULL OR schemaname = current_schema()) AND tablename = 'flavour');
SELECT COUNT(1) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'flavour' LIMIT 1;
SELECT table_name FROM information_schema.tables WHERE table_schema = (SELECT current_schema()) AND table_type = 'BASE TABLE' AND table_name = 'flavour';
SELECT true FROM pg_database WHERE datname = current_database();
SELECT v.name, v.n FROM (VALUES ('x', 1), ('y', 2)) AS v(name, n) ORDER BY v.n DESC;
SELECT f.name, t.label FROM flavour AS f JOIN (VALUES (1, 'one'), (3, 'three')) t(id, label) ON t.id = f.id ORDER BY f.id;
SELECT total FROM (SELECT count(*) FROM flavour) AS c(total);
TRUNCATE flavour;
SELECT count(*) FROM flavour;
DROP TABLE flavour;
