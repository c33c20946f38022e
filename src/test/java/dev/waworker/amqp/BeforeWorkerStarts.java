package dev.waworker.amqp;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static method of a {@link WorkerIntegrationTest} taking the {@link TestWorker}: it runs once, before the
 * worker starts, for what the backend did first (declared the queues its own way, for instance). A class with such
 * a method has a worker of its own.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@interface BeforeWorkerStarts {
}
