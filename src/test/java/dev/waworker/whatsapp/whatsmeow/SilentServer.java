package dev.waworker.whatsapp.whatsmeow;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Accepts TCP connections and never answers, until told to hang up on all of them: an attempt that stays open. */
final class SilentServer implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    SilentServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().name("silent-server").daemon().start(this::acceptLoop);
    }

    String url() {
        return "ws://127.0.0.1:" + server.getLocalPort();
    }

    int accepted() {
        return held.size();
    }

    /** Closes every held connection: the clients on them fail at once. */
    void hangUpOnAll() throws IOException {
        for (Socket socket : held) {
            socket.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                held.add(server.accept());
            } catch (IOException e) {
                return; // the server was closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        hangUpOnAll();
    }
}
