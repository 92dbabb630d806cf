-- A unique violation: first with ON_ERROR_STOP off, showing the SQLSTATE,
-- then with it on, which stops the script with exit status 3.
DROP TABLE IF EXISTS psql_users;
CREATE TABLE psql_users (id bigserial PRIMARY KEY, email text UNIQUE);
INSERT INTO psql_users (email) VALUES ('a@example.com');
\set ON_ERROR_STOP 0
INSERT INTO psql_users (email) VALUES ('a@example.com');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
\set VERBOSITY verbose
SELECT count(*) FROM psql_users;
INSERT INTO psql_users (email) VALUES ('a@example.com');
SELECT 'not reached';
