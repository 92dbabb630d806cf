-- PostgreSQL's functions that SQLite lacks, in reads and in writes: every
-- connection of the state machine has them, so a write computes on every
-- replica what a read computes. The output must be what PostgreSQL 15
-- prints.
SELECT left('abcde', 2), right('abcde', 2), left('abcde', -1), lpad('7', 3, '0'), rpad('ab', 4, '.'), repeat('ab', 3), reverse('abc');
SELECT initcap('hello wORLD-foo bar'), split_part('a,b,c', ',', 2), split_part('a,b,c', ',', -1), starts_with('sqlraft', 'sql');
SELECT md5('sqlraft'), to_hex(255), chr(65), ascii('A'), translate('12345', '143', 'ax');
SELECT regexp_replace('foobarbaz', 'b..', 'X'), regexp_replace('foobarbaz', 'b(.)(.)', '<\2\1>', 'g');
SELECT encode('hello'::bytea, 'hex'), encode('hello'::bytea, 'base64');
SELECT gcd(12, 18), lcm(4, 6), div(7, 2), greatest(1, 5, 3), least('b', 'a', 'c'), greatest(NULL, 2);
SELECT 2 ^ 10, 2 ^ 3 ^ 2, 3 * 2 ^ 2;
SELECT pg_typeof(1), pg_typeof(1.5), pg_typeof('x'), pg_typeof(now()), pg_typeof(current_date - 1);
SELECT extract(year FROM timestamp '2024-03-01 12:34:56'), date_part('dow', timestamp '2024-03-01 12:34:56'), date_trunc('month', timestamp '2024-03-15 12:34:56');
SELECT to_char(timestamp '2024-03-01 13:04:05.25', 'YYYY-MM-DD HH24:MI:SS.MS Dy FMMonth DDth, HH12 AM'), to_char(date '2021-01-03', 'IYYY-"W"IW-ID Q');
SELECT to_char(1234.5, 'FM9,999.00'), to_char(-12, 'S999'), to_char(12345, '999'), to_char(0.5, 'FM0.00'), to_timestamp(86400.5);
SELECT position('raft' IN 'sqlraft'), position('x' IN 'sqlraft');
SELECT substring('abcdef' from 2 for 3), substring('abcdef' from 3), substring('abcdef' for 2), substring('héllo' from 2 for 2);
SELECT make_date(2024, 2, 29), format('%s %I %L|%-4s|%2$s', 'a', 'b c', 'it''s', 'x');
SELECT date '2024-03-01' - date '2024-02-01', date '2024-03-01' + 30, 30 + date '2024-03-01', date '2024-03-01' - 1, '2024-12-31'::date + 1;
SELECT length(gen_random_uuid()::text), gen_random_uuid()::text ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
DROP TABLE IF EXISTS fn_writes;
CREATE TABLE fn_writes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), code text NOT NULL, y int, due date);
INSERT INTO fn_writes (code, y) VALUES (lpad('42', 5, '0'), extract(year FROM timestamp '2024-03-01')), (upper(repeat('ab', 2)), date_part('month', timestamp '2024-03-01'));
UPDATE fn_writes SET code = initcap(reverse(code)), due = date '2024-03-01' + y WHERE y = 3;
SELECT code, y, length(id::text), due, due - date '2024-02-01' FROM fn_writes ORDER BY code;
SELECT count(DISTINCT id) FROM fn_writes;
INSERT INTO fn_writes (code, y) SELECT 'g' || lpad(i::text, 3, '0'), i FROM generate_series(10, 50, 10) AS g(i) ORDER BY i;
SELECT count(*), sum(y), min(code), max(code) FROM fn_writes WHERE code LIKE 'g%';
DROP TABLE fn_writes;
