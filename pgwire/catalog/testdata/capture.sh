#!/bin/sh
# Regenerates the *.out answers from a PostgreSQL 15 server holding
# schema.sql in database "sqlraft": PGHOST=/tmp PGPORT=5498 ./capture.sh
# The *.sql texts are psql 15's own (psql -E for \dt, \d, \d users, ...),
# and the tools' introspection queries (tools/*.sql).
set -e
cd "$(dirname "$0")"
for f in psql15/*.sql tools/*.sql; do
	psql -X -q -A -F '	' -P footer=off -P null='\N' -U postgres -d sqlraft -f "$f" > "${f%.sql}.out"
done
# The OIDs PostgreSQL gave the schema's relations, which the psql queries embed.
psql -X -q -A -t -F '	' -U postgres -d sqlraft -c "SELECT relname, oid FROM pg_class WHERE relname IN ('users','posts','adults') ORDER BY 1" > pg_oids.txt
