-- The schema the psql meta-command tests describe: a primary key, unique
-- and plain indexes, CHECK constraints (named and not), foreign keys both
-- ways, defaults, NOT NULL, a generated column and a view.
CREATE TABLE users (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text,
    age integer CHECK (age >= 0),
    score numeric(10,2) DEFAULT 0,
    created timestamptz NOT NULL DEFAULT now(),
    email_lower text GENERATED ALWAYS AS (lower(email)) STORED
);
CREATE INDEX users_name_idx ON users (name);
CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title varchar(200) NOT NULL,
    body text DEFAULT '',
    CONSTRAINT title_not_empty CHECK (title <> '')
);
CREATE UNIQUE INDEX posts_user_title ON posts (user_id, title);
CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18;
