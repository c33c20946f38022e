package dev.waworker.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;

/** Beans for several workers on one database: only when {@code spring.datasource.url} is a PostgreSQL URL. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@ConditionalOnExpression("'${spring.datasource.url:}'.startsWith('" + SharedDatabase.JDBC_PREFIX + "')")
public @interface ConditionalOnSharedDatabase {
}
