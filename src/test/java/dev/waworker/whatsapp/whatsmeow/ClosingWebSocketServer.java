package dev.waworker.whatsapp.whatsmeow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A WebSocket server that accepts the upgrade (RFC 6455) and closes the connection at once: what a captive portal
 * or a misrouted proxy looks like to whatsmeow. The JDK's HttpServer cannot upgrade, hence a raw socket.
 */
final class ClosingWebSocketServer implements AutoCloseable {

    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket server;
    private final Thread acceptor;
    /** {@link System#nanoTime()} of each answered upgrade, in order. */
    private final List<Long> upgradeTimes = new CopyOnWriteArrayList<>();

    ClosingWebSocketServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().name("closing-ws").daemon().start(this::acceptLoop);
    }

    String url() {
        return "ws://127.0.0.1:" + server.getLocalPort();
    }

    /** How many upgrades were answered with 101. */
    int upgrades() {
        return upgradeTimes.size();
    }

    /** When each upgrade was answered, as {@link System#nanoTime()} readings: the start of each connection. */
    List<Long> upgradeTimes() {
        return List.copyOf(upgradeTimes);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                upgradeThenClose(socket);
            } catch (IOException e) {
                // closed server or a client that went away: either way, nothing to answer
            }
        }
    }

    private void upgradeThenClose(Socket socket) throws IOException {
        BufferedReader request = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.ISO_8859_1));
        String key = null;
        for (String line = request.readLine(); line != null && !line.isEmpty(); line = request.readLine()) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Key")) {
                key = line.substring(colon + 1).trim();
            }
        }
        if (key == null) {
            return;
        }
        OutputStream response = socket.getOutputStream();
        response.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        response.flush();
        upgradeTimes.add(System.nanoTime());
    }

    private static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-1", e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
