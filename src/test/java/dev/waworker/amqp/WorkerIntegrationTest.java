package dev.waworker.amqp;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * An integration test of the whole worker, started by Spring against the real broker, with a {@link TestWorker}
 * (queue names and a device store of its own) and a {@link BackendProbe} playing the backend; a test autowires
 * both. When the worker's context closes, its consumers stop first, then the queues it declared are deleted.
 *
 * <p>Test classes with the same attributes here and nothing of their own for Spring (no {@code @TestConfiguration},
 * {@code @DynamicPropertySource}, {@link BeforeWorkerStarts} hook or {@code @DirtiesContext}) share one worker:
 * Spring's test context cache starts it once. Such classes must not disturb each other: each uses numbers (numberId)
 * no other class uses, reads events by number, and counts meters as a difference from before its own step.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest
@ContextCustomizerFactories(WorkerUnderTest.Factory.class)
@interface WorkerIntegrationTest {

    @AliasFor(annotation = SpringBootTest.class)
    SpringBootTest.WebEnvironment webEnvironment() default SpringBootTest.WebEnvironment.NONE;

    /** Settings of this test (QR lifetimes, ports...), above the worker's own. */
    @AliasFor(annotation = SpringBootTest.class)
    String[] properties() default {};

    /** The contract's queue names, as a deployed worker uses them, instead of names of its own. */
    boolean contractQueueNames() default false;

    /** The simulated WhatsApp; {@code false}: the application's default, whatsmeow through its native library. */
    boolean simulatedWhatsApp() default true;

    /** {@code false}: the worker's broker is a local port that refuses connections. */
    boolean brokerReachable() default true;
}
