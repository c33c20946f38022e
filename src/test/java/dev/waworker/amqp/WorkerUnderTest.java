package dev.waworker.amqp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.TestPropertySourceUtils;
import org.springframework.util.ReflectionUtils;

import dev.waworker.testing.RefusingPort;

/**
 * Sets up the worker of a {@link WorkerIntegrationTest} in the Spring context being started: a new
 * {@link TestWorker}'s settings, the worker and a {@link BackendProbe} as beans, and the clean-up when the context
 * closes. Spring's test context cache compares these records: equal records (and otherwise equal configurations)
 * mean one context, hence one worker, for several test classes.
 *
 * @param beforeStart the test class's {@link BeforeWorkerStarts} method, or null
 */
record WorkerUnderTest(boolean contractQueueNames, boolean simulatedWhatsApp, boolean brokerReachable,
        Method beforeStart) implements ContextCustomizer {

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration configuration) {
        TestWorker worker = contractQueueNames ? TestWorker.withContractNames(TestWorker.numberedId())
                : TestWorker.unique("it", TestWorker.numberedId());
        addSettings(context, settingsOf(worker));
        if (beforeStart != null) {
            ReflectionUtils.makeAccessible(beforeStart);
            ReflectionUtils.invokeMethod(beforeStart, null, worker);
        }
        if (!(context instanceof GenericApplicationContext beans)) {
            throw new IllegalStateException("expected a GenericApplicationContext, was " + context.getClass());
        }
        beans.registerBean(TestWorker.class, () -> worker);
        // Read when the bean is made: a test's own @DynamicPropertySource may point the worker at another broker.
        beans.registerBean(BackendProbe.class, () -> new BackendProbe(worker,
                context.getEnvironment().getRequiredProperty("spring.rabbitmq.port", Integer.class)));
        context.addApplicationListener(new CleanUpOnClose(context, brokerReachable));
    }

    private Map<String, Object> settingsOf(TestWorker worker) {
        Map<String, Object> settings = worker.properties();
        if (!simulatedWhatsApp) {
            settings.remove(TestWorker.CLIENT);
        }
        if (!brokerReachable) {
            settings.put("spring.rabbitmq.port", refusingPort());
        }
        return settings;
    }

    /** Below the test's own settings ({@code properties}, {@code @DynamicPropertySource}), above the application's. */
    private static void addSettings(ConfigurableApplicationContext context, Map<String, Object> settings) {
        MutablePropertySources sources = context.getEnvironment().getPropertySources();
        MapPropertySource worker = new MapPropertySource("worker under test", settings);
        String testProperties = TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME;
        if (sources.contains(testProperties)) {
            sources.addAfter(testProperties, worker);
        } else {
            sources.addFirst(worker);
        }
    }

    private static int refusingPort() {
        try {
            return RefusingPort.port();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops the worker's consumers, then deletes the queues it declared, before the rest of the worker closes; a
     * worker whose broker was never reachable declared none.
     */
    private record CleanUpOnClose(ConfigurableApplicationContext worker, boolean brokerReachable)
            implements ApplicationListener<ContextClosedEvent> {

        @Override
        public void onApplicationEvent(ContextClosedEvent closed) {
            // The management server's own context (on a port of its own) announces its closing here too.
            if (closed.getApplicationContext() == worker && brokerReachable) {
                worker.getBean(BackendProbe.class).stopWorkerAndCleanUp(worker);
            }
        }
    }

    /** Makes the record for a class annotated {@link WorkerIntegrationTest}. */
    static final class Factory implements ContextCustomizerFactory {

        @Override
        public ContextCustomizer createContextCustomizer(Class<?> testClass,
                List<ContextConfigurationAttributes> configurations) {
            WorkerIntegrationTest test =
                    TestContextAnnotationUtils.findMergedAnnotation(testClass, WorkerIntegrationTest.class);
            if (test == null) {
                return null;
            }
            return new WorkerUnderTest(test.contractQueueNames(), test.simulatedWhatsApp(), test.brokerReachable(),
                    beforeStartOf(testClass));
        }

        private static Method beforeStartOf(Class<?> testClass) {
            List<Method> hooks = Arrays.stream(testClass.getDeclaredMethods())
                    .filter(method -> method.isAnnotationPresent(BeforeWorkerStarts.class)).toList();
            if (hooks.isEmpty()) {
                return null;
            }
            Method hook = hooks.getFirst();
            if (hooks.size() > 1 || !Modifier.isStatic(hook.getModifiers())
                    || !Arrays.equals(hook.getParameterTypes(), new Class<?>[] {TestWorker.class})) {
                throw new IllegalStateException(testClass.getName() + ": @BeforeWorkerStarts needs one static method "
                        + "taking the TestWorker, found " + hooks);
            }
            return hook;
        }
    }
}
