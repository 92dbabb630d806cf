-- Every column type sqlraft supports, written as literals and read back in
-- psql's text format: booleans print t/f, bytea \x..., uuid in lower case,
-- numeric(10,2) with two decimals, timestamptz in the session time zone.
SET TimeZone = 'UTC';
\pset null <null>
DROP TABLE IF EXISTS psql_types;
CREATE TABLE psql_types (
    id serial PRIMARY KEY,
    i2 smallint,
    i4 integer,
    i8 bigint,
    f4 real,
    f8 double precision,
    num numeric(10,2),
    t text,
    vc varchar(20),
    b bool,
    by bytea,
    d date,
    ts timestamp,
    tstz timestamptz,
    u uuid,
    j json,
    jb jsonb
);
INSERT INTO psql_types (i2, i4, i8, f4, f8, num, t, vc, b, by, d, ts, tstz, u, j, jb)
VALUES (-32768, 2147483647, 9223372036854775807, 2.5, 3.25, 1234.56, 'hello, world', 'short', true,
        '\xdeadbeef', '2024-02-29', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.5+02',
        'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"b": 1, "a": [1, 2]}', '{"a": 1, "b": [true, null]}');
INSERT INTO psql_types (i2, i4, i8, f4, f8, num, t, vc, b, by, d, ts, tstz, u, j, jb)
VALUES (7, -1, 0, -0.5, 0.1, 0.05, 'it''s', '', false, '\x', '1999-12-31', '2000-01-01 00:00:00',
        '2000-01-01 00:00:00+00', '00000000-0000-0000-0000-000000000000', '[]', '{}');
INSERT INTO psql_types (i2) VALUES (NULL);
SELECT * FROM psql_types ORDER BY id;
SELECT id, b, NOT b, b IS NULL FROM psql_types ORDER BY id;
SELECT count(*), count(b), sum(i4), sum(num) FROM psql_types;
SELECT id FROM psql_types WHERE b ORDER BY id;
SELECT id FROM psql_types WHERE u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
SELECT id FROM psql_types WHERE by = '\xdeadbeef';
SELECT id FROM psql_types WHERE tstz = '2024-02-29 11:14:15.5+00';
SELECT id, t FROM psql_types WHERE t LIKE 'it%' ORDER BY id;
SELECT now() IS NOT NULL, now() > '2020-01-01 00:00:00+00';
