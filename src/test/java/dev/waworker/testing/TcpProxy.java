package dev.waworker.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on a loopback port to a real server (the broker, PostgreSQL), for a test to take one worker off that
 * server while the others keep it: {@link #cut} closes every connection and refuses new ones (the server is gone),
 * {@link #pause} keeps the connections open but lets no byte through, in either direction (a network partition:
 * calls hang, and go on where they were once it {@link #heal}s).
 */
public final class TcpProxy implements AutoCloseable {

    private enum State { FLOWING, PAUSED, CUT }

    private final String host;
    private final int targetPort;
    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private State state = State.FLOWING;

    public TcpProxy(String host, int targetPort) {
        this.host = host;
        this.targetPort = targetPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofPlatform().daemon().name("tcp-proxy-" + port()).start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Closes every connection; new ones are closed as soon as they are accepted, until {@link #heal}. */
    public synchronized void cut() {
        state = State.CUT;
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    /** Lets no byte through, on any connection (new ones are accepted and held), until {@link #heal}. */
    public synchronized void pause() {
        state = State.PAUSED;
    }

    /** Bytes flow again: what was held back goes on. */
    public synchronized void heal() {
        state = State.FLOWING;
        notifyAll();
    }

    @Override
    public void close() {
        cut();
        closeQuietly(listener);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (stateNow() == State.CUT) {
                    client.close();
                    continue;
                }
                Socket server = new Socket(host, targetPort);
                sockets.add(client);
                sockets.add(server);
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                // the listener closed, or the server refused: the client sees its connection close
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread.ofPlatform().daemon().name("tcp-proxy-pump").start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (awaitFlowing() == State.CUT) {
                        break;
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed (or the connection was cut): close both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    private synchronized State awaitFlowing() throws InterruptedException {
        while (state == State.PAUSED) {
            wait();
        }
        return state;
    }

    private synchronized State stateNow() {
        return state;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
