package dev.waworker.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code whatsapp.*}: which WhatsApp the worker pairs against and the QR retry rule.
 *
 * @param client which implementation of WhatsApp to use
 */
@ConfigurationProperties("whatsapp")
public record WhatsAppProperties(
        @DefaultValue("simulated") ClientKind client,
        @DefaultValue Qr qr,
        @DefaultValue Simulator simulator) {

    public enum ClientKind {
        /** The in-process emulation of WhatsApp's linked-device pairing (dev, demo, tests). */
        SIMULATED
    }

    /** @param maxRetries how many times an expired QR is replaced before the validation gives up */
    public record Qr(@DefaultValue("3") int maxRetries) {
        public Qr {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("whatsapp.qr.max-retries must be 0 or more, was " + maxRetries);
            }
        }
    }

    /**
     * @param firstQrTtl        lifetime of the first QR of a connection
     * @param nextQrTtl         lifetime of each following QR of the same connection
     * @param refsPerConnection how many QR refs one connection hands out before a new connection is needed
     */
    public record Simulator(
            @DefaultValue("20s") Duration firstQrTtl,
            @DefaultValue("20s") Duration nextQrTtl,
            @DefaultValue("6") int refsPerConnection) {
        public Simulator {
            if (firstQrTtl.isNegative() || firstQrTtl.isZero() || nextQrTtl.isNegative() || nextQrTtl.isZero()) {
                throw new IllegalArgumentException("whatsapp.simulator QR lifetimes must be positive");
            }
            if (refsPerConnection < 1) {
                throw new IllegalArgumentException("whatsapp.simulator.refs-per-connection must be 1 or more");
            }
        }
    }
}
