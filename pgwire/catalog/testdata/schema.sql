CREATE TABLE users (
  id integer PRIMARY KEY,
  email varchar(100) NOT NULL UNIQUE,
  name text NOT NULL DEFAULT 'anon',
  age integer CHECK (age >= 0),
  score numeric(10,2) DEFAULT 0,
  created timestamp with time zone NOT NULL DEFAULT now(),
  email_lower text GENERATED ALWAYS AS (lower(email)) STORED,
  manager_id integer REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT users_name_len CHECK (length(name) < 50)
);
CREATE INDEX users_name_idx ON users (name);
CREATE TABLE posts (
  id bigint PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  title text NOT NULL,
  body text,
  UNIQUE (user_id, title)
);
CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18;
