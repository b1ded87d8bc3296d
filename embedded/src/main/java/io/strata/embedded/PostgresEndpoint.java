package io.strata.embedded;

/** A running PostgreSQL server reached over JDBC. */
public interface PostgresEndpoint {

    /** JDBC URL of the default database (without credentials). */
    String jdbcUrl();

    /** The user to connect as. */
    String user();

    /** The password for {@link #user()}; empty when the server trusts local connections. */
    String password();
}
