// pgjdbc (Debian libpostgresql-jdbc-java) against a PostgreSQL-protocol server.
// Usage: java -Duser.timezone=UTC -cp postgresql.jar:. ClientTest JDBC_URL USER
// Prints OK and exits 0 when every check holds; otherwise prints the failure
// and exits 1.
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Arrays;
import java.util.Properties;
import java.util.UUID;

import org.postgresql.PGStatement;

public class ClientTest {
    static final String T = "jdbc_items";

    static void check(boolean ok, String what, Object got) {
        if (!ok) {
            throw new AssertionError(what + ": got " + got);
        }
    }

    static void checkEq(Object got, Object want, String what) {
        if (got == null ? want != null : !got.equals(want)) {
            throw new AssertionError(what + ": got " + got + ", want " + want);
        }
    }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", args[1]);
        try (Connection conn = DriverManager.getConnection(args[0], props)) {
            run(conn, args[0], props);
        }
        System.out.println("OK");
    }

    static void run(Connection conn, String url, Properties props) throws Exception {
        check(conn.isValid(5), "isValid", false);
        checkEq(conn.getMetaData().getDatabaseMajorVersion(), 15, "server major version");
        try (Statement st = conn.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + T);
            st.execute("CREATE TABLE " + T + " (id bigserial PRIMARY KEY, i4 integer, i8 bigint, t text,"
                    + " vc varchar(20) UNIQUE, b bool, num numeric(10,2), ts timestamp, tstz timestamptz,"
                    + " by bytea, u uuid, i2 smallint, f4 real, f8 double precision, d date, j json, jb jsonb)");
        }

        // One PreparedStatement run 10 times: from the 5th run (prepareThreshold)
        // pgjdbc uses a named server-side statement and binary results.
        Timestamp ts = Timestamp.valueOf("2024-02-29 13:14:15.123456");
        UUID uuid = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        try (PreparedStatement ins = conn.prepareStatement("INSERT INTO " + T
                + " (i4, i8, t, vc, b, num, ts, tstz, by, u) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < 10; i++) {
                ins.setInt(1, i);
                ins.setLong(2, 1L << 40 | i);
                ins.setString(3, "row " + i + " ü");
                ins.setString(4, "vc" + i);
                ins.setBoolean(5, i % 2 == 0);
                ins.setBigDecimal(6, new BigDecimal("1234.5").add(BigDecimal.valueOf(i)));
                ins.setTimestamp(7, ts);
                ins.setTimestamp(8, new Timestamp(ts.getTime() + i * 1000L));
                ins.setBytes(9, new byte[] {0, (byte) 0xde, (byte) i});
                ins.setObject(10, uuid);
                checkEq(ins.executeUpdate(), 1, "insert count");
            }
            check(ins.unwrap(PGStatement.class).isUseServerPrepare(), "insert uses a server-side statement", false);
        }
        try (PreparedStatement sel = conn.prepareStatement("SELECT i4, i8, t, vc, b, num, ts, tstz, by, u FROM " + T + " WHERE i4 = ?")) {
            for (int i = 0; i < 10; i++) {
                sel.setInt(1, i);
                try (ResultSet rs = sel.executeQuery()) {
                    check(rs.next(), "row " + i, false);
                    checkEq(rs.getInt(1), i, "i4");
                    checkEq(rs.getLong(2), 1L << 40 | i, "i8");
                    checkEq(rs.getString(3), "row " + i + " ü", "text");
                    checkEq(rs.getString("vc"), "vc" + i, "varchar");
                    checkEq(rs.getBoolean(5), i % 2 == 0, "bool");
                    checkEq(rs.getBigDecimal(6), new BigDecimal("1234.50").add(BigDecimal.valueOf(i)), "numeric");
                    checkEq(rs.getTimestamp(7), ts, "timestamp");
                    checkEq(rs.getTimestamp(8).getTime(), ts.getTime() + i * 1000L, "timestamptz");
                    check(Arrays.equals(rs.getBytes(9), new byte[] {0, (byte) 0xde, (byte) i}), "bytea", Arrays.toString(rs.getBytes(9)));
                    checkEq(rs.getObject(10), uuid, "uuid");
                    check(!rs.next(), "one row for " + i, true);
                }
            }
            check(sel.unwrap(PGStatement.class).isUseServerPrepare(), "select uses a server-side statement", false);
        }

        // Column types reported by ResultSetMetaData.
        try (Statement st = conn.createStatement()) {
            st.executeUpdate("INSERT INTO " + T + " (i2, f4, f8, d, j, jb) VALUES (7, 2.5, 0.25, '2024-02-29', '{\"a\": 1}', '[1, 2]')");
            try (ResultSet rs = st.executeQuery("SELECT i4, i8, t, vc, b, num, ts, tstz, by, u, i2, f4, f8, d, j, jb FROM " + T + " WHERE i2 = 7")) {
                ResultSetMetaData md = rs.getMetaData();
                String[] names = {"int4", "int8", "text", "varchar", "bool", "numeric", "timestamp", "timestamptz",
                    "bytea", "uuid", "int2", "float4", "float8", "date", "json", "jsonb"};
                int[] types = {Types.INTEGER, Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.BIT, Types.NUMERIC,
                    Types.TIMESTAMP, Types.TIMESTAMP, Types.BINARY, Types.OTHER, Types.SMALLINT, Types.REAL,
                    Types.DOUBLE, Types.DATE, Types.OTHER, Types.OTHER};
                checkEq(md.getColumnCount(), names.length, "column count");
                // jsonb (column 16) is not in pgjdbc's built-in type table:
                // its name comes from a pg_type query (the emulated catalog).
                for (int c = 1; c <= names.length; c++) {
                    checkEq(md.getColumnTypeName(c), names[c - 1], "type name of column " + c);
                    checkEq(md.getColumnType(c), types[c - 1], "java.sql.Types of column " + c);
                }
                checkEq(md.getColumnLabel(4), "vc", "label of column 4");
                check(rs.next(), "metadata row", false);
                checkEq(rs.getShort(11), (short) 7, "int2");
                checkEq(rs.getFloat(12), 2.5f, "float4");
                checkEq(rs.getDouble(13), 0.25, "float8");
                checkEq(rs.getDate(14).toString(), "2024-02-29", "date");
                checkEq(rs.getString(15), "{\"a\": 1}", "json");
                checkEq(rs.getString(16), "[1, 2]", "jsonb");
                rs.getInt(1);
                check(rs.wasNull(), "NULL int4 wasNull", false);
                checkEq(rs.getString(3), null, "NULL text");
            }
        }

        // executeBatch.
        try (PreparedStatement ins = conn.prepareStatement("INSERT INTO " + T + " (i4, vc) VALUES (?, ?)")) {
            for (int i = 100; i < 120; i++) {
                ins.setInt(1, i);
                ins.setString(2, "batch" + i);
                ins.addBatch();
            }
            int[] counts = ins.executeBatch();
            checkEq(counts.length, 20, "batch results");
            for (int n : counts) {
                checkEq(n, 1, "batch update count");
            }
        }
        checkEq(count(conn, "vc LIKE 'batch%'"), 20L, "rows after executeBatch");

        // Autocommit off: commit and rollback.
        conn.setAutoCommit(false);
        try (PreparedStatement ins = conn.prepareStatement("INSERT INTO " + T + " (vc) VALUES (?)")) {
            ins.setString(1, "committed");
            ins.executeUpdate();
            conn.commit();
            ins.setString(1, "rolled back");
            ins.executeUpdate();
            checkEq(count(conn, "vc = 'rolled back'"), 1L, "own write before rollback");
            conn.rollback();
        }
        conn.setAutoCommit(true);
        checkEq(count(conn, "vc IN ('committed', 'rolled back')"), 1L, "rows after commit and rollback");
        try (Connection other = DriverManager.getConnection(url, props)) {
            checkEq(count(other, "vc = 'committed'"), 1L, "committed row seen by another connection");
        }

        // A unique violation: SQLState 23505, in and out of a transaction.
        try (PreparedStatement ins = conn.prepareStatement("INSERT INTO " + T + " (vc) VALUES (?)")) {
            ins.setString(1, "vc1");
            try {
                ins.executeUpdate();
                throw new AssertionError("duplicate insert succeeded");
            } catch (SQLException e) {
                checkEq(e.getSQLState(), "23505", "SQLState");
                check(e.getMessage().startsWith("ERROR: duplicate key value violates unique constraint"), "message", e.getMessage());
            }
            conn.setAutoCommit(false);
            ins.setString(1, "vc2");
            try {
                ins.executeUpdate();
                throw new AssertionError("duplicate insert succeeded");
            } catch (SQLException e) {
                checkEq(e.getSQLState(), "23505", "SQLState in a transaction");
            }
            conn.rollback();
            conn.setAutoCommit(true);
        }
        check(conn.isValid(5), "isValid after errors", false);
        checkEq(count(conn, ""), 32L, "final row count");
    }

    static long count(Connection conn, String where) throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + T + (where.isEmpty() ? "" : " WHERE " + where))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
