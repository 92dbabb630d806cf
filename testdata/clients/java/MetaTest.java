import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

// Prints what pgjdbc's DatabaseMetaData reports for the psql_meta schema,
// one line per row, with the columns tools read. The output is compared
// with what the same program prints against PostgreSQL 15.
public class MetaTest {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", args[1]);
        try (Connection conn = DriverManager.getConnection(args[0], props)) {
            conn.setAutoCommit(true);
            DatabaseMetaData md = conn.getMetaData();
            print("getTables", () -> md.getTables(null, "public", "%", new String[] {"TABLE", "VIEW"}),
                "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE");
            for (String table : new String[] {"users", "posts"}) {
                print("getColumns " + table, () -> md.getColumns(null, "public", table, "%"),
                    "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE", "DECIMAL_DIGITS", "NULLABLE",
                    "COLUMN_DEF", "ORDINAL_POSITION", "IS_NULLABLE", "IS_AUTOINCREMENT", "IS_GENERATEDCOLUMN");
                print("getPrimaryKeys " + table, () -> md.getPrimaryKeys(null, "public", table),
                    "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME");
                print("getIndexInfo " + table, () -> md.getIndexInfo(null, "public", table, false, false),
                    "TABLE_NAME", "NON_UNIQUE", "INDEX_NAME", "TYPE", "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC");
                print("getImportedKeys " + table, () -> md.getImportedKeys(null, "public", table),
                    "PKTABLE_NAME", "PKCOLUMN_NAME", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ", "UPDATE_RULE", "DELETE_RULE", "FK_NAME", "PK_NAME");
                print("getExportedKeys " + table, () -> md.getExportedKeys(null, "public", table),
                    "PKTABLE_NAME", "PKCOLUMN_NAME", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ", "FK_NAME");
            }
        }
    }

    interface Query {
        ResultSet run() throws SQLException;
    }

    // print runs one metadata call; a failure is printed (SQLSTATE and the
    // first line of the message) instead of ending the program, so the
    // output shows every call's outcome.
    static void print(String title, Query q, String... cols) throws Exception {
        System.out.println("== " + title);
        ResultSet rs;
        try {
            rs = q.run();
        } catch (SQLException e) {
            System.out.println("error " + e.getSQLState() + ": " + e.getMessage().split("\n")[0]);
            return;
        }
        List<String> lines = new ArrayList<>();
        while (rs.next()) {
            StringBuilder sb = new StringBuilder();
            for (String c : cols) {
                if (sb.length() > 0) sb.append(" | ");
                sb.append(c).append('=').append(rs.getString(c));
            }
            lines.add(sb.toString());
        }
        rs.close();
        for (String l : lines) System.out.println(l);
    }
}
