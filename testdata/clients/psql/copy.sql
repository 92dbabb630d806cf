-- COPY FROM STDIN and TO STDOUT in the text and CSV formats (psql sends
-- the data lines that follow each COPY ... FROM STDIN up to \\.).
DROP TABLE IF EXISTS copied;
CREATE TABLE copied (id int PRIMARY KEY, name text, active boolean, data bytea, note text);
COPY copied (id, name, active, data, note) FROM STDIN;
1	alice	t	\\x0102	tab\there
2	bob	f	\N	\N
\.
COPY copied FROM STDIN WITH (FORMAT csv, HEADER true);
id,name,active,data,note
3,"carol, jr",true,\x03,"say ""hi"""
4,,false,,""
\.
SELECT id, name, active, data, note IS NULL AS null_note, note FROM copied ORDER BY id;
COPY copied TO STDOUT;
COPY (SELECT id, name, note FROM copied WHERE id > 2 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER);
DROP TABLE copied;
