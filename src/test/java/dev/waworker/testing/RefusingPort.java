package dev.waworker.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A loopback port nobody listens on: connections to it are refused at once, on any machine, online or not. */
public final class RefusingPort {

    private RefusingPort() {
    }

    /** A {@code ws://} address on such a port. */
    public static String webSocketUrl() throws IOException {
        return "ws://127.0.0.1:" + port();
    }

    /** Such a port on 127.0.0.1. */
    public static int port() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
