package dev.waworker.config;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The PostgreSQL database several workers share ({@code spring.datasource.url}): leases, the simulator's devices
 * and, unless {@code whatsapp.whatsmeow.store-dsn} says otherwise, whatsmeow's device store all live there. Its
 * bean exists only when such a database is configured, so that "is there one?" is asked in one place. It is
 * configuration (derived from {@code spring.datasource.*}), kept in the lowest layer so that the WhatsApp adapters
 * can be handed it without depending on the {@code store} layer above them.
 *
 * @param goDsn the same database as a {@code postgres://} URL for the native bridge (Go's lib/pq)
 */
public record SharedDatabase(JdbcClient jdbc, String goDsn) {

    static final String JDBC_PREFIX = "jdbc:postgresql:";

    @Override
    public String toString() {
        return "SharedDatabase[credentials hidden]";
    }

    /**
     * {@code jdbc:postgresql://host:port/db?params} with its user and password as lib/pq reads it. lib/pq knows no
     * {@code sslmode=prefer} (the JDBC driver's default): an unset, {@code prefer} or {@code allow} mode becomes
     * {@code disable}; set {@code sslmode=require} or {@code verify-full} in the JDBC URL to encrypt both.
     */
    public static String goDsn(String jdbcUrl, String username, String password) {
        if (!jdbcUrl.startsWith(JDBC_PREFIX + "//")) {
            throw new IllegalArgumentException("spring.datasource.url must look like jdbc:postgresql://host[:port]/database");
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        List<String> params = new ArrayList<>();
        String sslMode = "disable";
        if (uri.getRawQuery() != null) {
            for (String param : uri.getRawQuery().split("&")) {
                if (param.startsWith("sslmode=")) {
                    String mode = param.substring("sslmode=".length());
                    sslMode = List.of("prefer", "allow").contains(mode) ? "disable" : mode;
                } else if (param.startsWith("connect_timeout=") || param.startsWith("application_name=")) {
                    params.add(param);
                }
            }
        }
        params.add("sslmode=" + sslMode);
        StringBuilder dsn = new StringBuilder("postgres://");
        if (username != null && !username.isEmpty()) {
            dsn.append(encode(username));
            if (password != null && !password.isEmpty()) {
                dsn.append(':').append(encode(password));
            }
            dsn.append('@');
        }
        dsn.append(uri.getRawAuthority()).append(uri.getRawPath()).append('?').append(String.join("&", params));
        return dsn.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
