"""psycopg2 (Debian python3-psycopg2) against a PostgreSQL-protocol server.

Usage: psycopg2_test.py DSN. psycopg2 sends only simple queries, with the
parameters interpolated client-side, and an implicit BEGIN before the first
statement of each transaction. Prints OK and exits 0 when every check holds.
"""
import datetime
import decimal
import sys
import uuid

import psycopg2
import psycopg2.errors
import psycopg2.extras

psycopg2.extras.register_uuid()

T = "psycopg2_items"


def main(dsn):
    conn = psycopg2.connect(dsn)
    assert conn.server_version >= 150000, conn.server_version
    cur = conn.cursor()
    cur.execute("SET TimeZone = 'UTC'")
    cur.execute("DROP TABLE IF EXISTS " + T)
    cur.execute(
        "CREATE TABLE " + T + " (id bigserial PRIMARY KEY, i2 smallint, i4 integer, i8 bigint,"
        " f4 real, f8 double precision, num numeric(10,2), t text, vc varchar(10) UNIQUE, b bool,"
        " by bytea, d date, ts timestamp, tstz timestamptz, u uuid, j json, jb jsonb)"
    )
    conn.commit()

    # Parameters of every Python type, committed.
    ts = datetime.datetime(2024, 2, 29, 13, 14, 15, 123456)
    tstz = datetime.datetime(2024, 2, 29, 13, 14, 15, 500000, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    u = uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
    cur.execute(
        "INSERT INTO " + T + " (i2, i4, i8, f4, f8, num, t, vc, b, by, d, ts, tstz, u, j, jb)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (-32768, 2147483647, 9223372036854775807, 2.5, 0.1, decimal.Decimal("1234.56"),
         "it's a \\ 'quote' ü", "first", True, psycopg2.Binary(b"\x00\xde\xad"), datetime.date(2024, 2, 29),
         ts, tstz, u, psycopg2.extras.Json({"a": [1, "x"]}), psycopg2.extras.Json({"k": None})),
    )
    (first_id,) = cur.fetchone()
    assert isinstance(first_id, int) and first_id >= 1, first_id
    assert cur.rowcount == 1, cur.rowcount
    assert conn.status == psycopg2.extensions.STATUS_IN_TRANSACTION
    conn.commit()

    cur.execute("SELECT i2, i4, i8, f4, f8, num, t, vc, b, by, d, ts, tstz, u, j, jb FROM " + T + " WHERE id = %s", (first_id,))
    rows = cur.fetchall()
    assert len(rows) == 1, rows
    (i2, i4, i8, f4, f8, num, t, vc, b, by, d, ts2, tstz2, u2, j, jb) = rows[0]
    assert (i2, i4, i8) == (-32768, 2147483647, 9223372036854775807), (i2, i4, i8)
    assert f4 == 2.5 and isinstance(f4, float), f4
    assert f8 == 0.1, f8
    assert isinstance(num, decimal.Decimal) and num == decimal.Decimal("1234.56") and str(num) == "1234.56", num
    assert t == "it's a \\ 'quote' ü", t
    assert vc == "first", vc
    assert b is True, b
    assert isinstance(by, (memoryview, bytes)) and bytes(by) == b"\x00\xde\xad", by
    assert d == datetime.date(2024, 2, 29) and type(d) is datetime.date, d
    assert ts2 == ts and ts2.tzinfo is None, ts2
    assert tstz2 == tstz and tstz2.utcoffset() == datetime.timedelta(0), tstz2
    assert u2 == u and isinstance(u2, uuid.UUID), u2
    assert j == {"a": [1, "x"]}, j
    assert jb == {"k": None}, jb
    assert [c.name for c in cur.description][:3] == ["i2", "i4", "i8"], cur.description
    conn.commit()

    # NULLs both ways.
    cur.execute("INSERT INTO " + T + " (i4, t, b, by, tstz, num, u) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (None, None, None, None, None, None, None))
    cur.execute("SELECT i4, t, b, by, tstz, num, u FROM " + T + " WHERE i4 IS NULL AND vc IS NULL")
    assert cur.fetchall() == [(None,) * 7]
    conn.commit()

    # Rollback discards the transaction's writes.
    cur.execute("INSERT INTO " + T + " (vc) VALUES (%s)", ("gone",))
    cur.execute("SELECT count(*) FROM " + T + " WHERE vc = %s", ("gone",))
    assert cur.fetchone() == (1,)
    conn.rollback()
    cur.execute("SELECT count(*) FROM " + T + " WHERE vc = %s", ("gone",))
    assert cur.fetchone() == (0,)
    conn.commit()

    # executemany, then an aggregate over what it inserted.
    cur.executemany("INSERT INTO " + T + " (i4, vc, b) VALUES (%s, %s, %s)",
                    [(i, "many%d" % i, i % 2 == 0) for i in range(10)])
    assert cur.rowcount == 10, cur.rowcount
    conn.commit()
    cur.execute("SELECT count(*), sum(i4) FROM " + T + " WHERE vc LIKE %s", ("many%",))
    assert cur.fetchone() == (10, 45)
    cur.execute("SELECT vc FROM " + T + " WHERE vc LIKE 'many%%' AND b ORDER BY i4 LIMIT 2")
    assert cur.fetchall() == [("many0",), ("many2",)]
    conn.commit()

    # A unique violation raises IntegrityError 23505, aborts the transaction
    # (25P02 until rollback) and leaves the connection usable.
    try:
        cur.execute("INSERT INTO " + T + " (vc) VALUES (%s)", ("first",))
        raise AssertionError("duplicate insert succeeded")
    except psycopg2.IntegrityError as e:
        assert e.pgcode == "23505", e.pgcode
        assert isinstance(e, psycopg2.errors.UniqueViolation), type(e)
        assert e.diag.constraint_name == T + "_vc_key", e.diag.constraint_name
        assert str(e).startswith("duplicate key value violates unique constraint"), str(e)
    try:
        cur.execute("SELECT 1")
        raise AssertionError("statement in a failed transaction succeeded")
    except psycopg2.errors.InFailedSqlTransaction as e:
        assert e.pgcode == "25P02", e.pgcode
    conn.rollback()

    # Autocommit: each statement commits on its own.
    conn.autocommit = True
    cur.execute("UPDATE " + T + " SET i2 = %s WHERE vc = %s", (7, "first"))
    assert cur.rowcount == 1, cur.rowcount
    cur.execute("DELETE FROM " + T + " WHERE vc LIKE %s", ("many%",))
    assert cur.rowcount == 10, cur.rowcount
    other = psycopg2.connect(dsn)
    ocur = other.cursor()
    ocur.execute("SELECT i2 FROM " + T + " WHERE vc = 'first'")
    assert ocur.fetchone() == (7,)
    ocur.execute("SELECT count(*) FROM " + T)
    assert ocur.fetchone() == (2,)
    other.close()
    conn.close()
    print("OK")


if __name__ == "__main__":
    main(sys.argv[1])
