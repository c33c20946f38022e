package dev.waworker.whatsapp.simulated;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * Active when the worker pairs against the simulated network ({@code whatsapp.client=simulated}, the default).
 * One annotation for the configuration and the component-scanned controller, so that they cannot disagree.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
@ConditionalOnProperty(name = "whatsapp.client", havingValue = "simulated")
public @interface ConditionalOnSimulatedWhatsApp {
}
