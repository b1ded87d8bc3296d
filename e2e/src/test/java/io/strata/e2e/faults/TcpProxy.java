package io.strata.e2e.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on 127.0.0.1 that the test can cut (every connection closed, new ones refused) and restore on the
 * same port: the "network" between one client and the broker.
 */
final class TcpProxy implements AutoCloseable {

    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private volatile int targetPort = -1;
    private volatile ServerSocket server;

    /**
     * A proxy listening at once on a free port, so that nothing else takes that port before the broker is told to
     * advertise it; it forwards once {@link #forwardTo(int)} names the target.
     */
    TcpProxy() {
        server = bind(0);
        port = server.getLocalPort();
        startAccepting(server);
    }

    /** Where connections go: a port on 127.0.0.1. */
    void forwardTo(int targetPort) {
        this.targetPort = targetPort;
    }

    int port() {
        return port;
    }

    /** Connections accepted so far. */
    long accepted() {
        return accepted.get();
    }

    /** Starts (again) accepting and forwarding, on the same port. */
    synchronized void open() {
        if (server != null) {
            return;
        }
        server = bind(port);
        startAccepting(server);
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + port, e);
        }
    }

    private void startAccepting(ServerSocket listening) {
        Thread acceptor = new Thread(() -> accept(listening), "tcp-proxy-" + listening.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Closes every connection and refuses new ones until {@link #open()}. */
    synchronized void cut() {
        ServerSocket listening = server;
        server = null;
        closeQuietly(listening);
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    @Override
    public void close() {
        cut();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            Socket client;
            try {
                client = listening.accept();
            } catch (IOException e) {
                return; // cut
            }
            Socket upstream;
            try {
                if (targetPort < 0) {
                    throw new IOException("no target yet");
                }
                upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            synchronized (this) {
                if (server != listening) { // cut meanwhile
                    closeQuietly(client);
                    closeQuietly(upstream);
                    return;
                }
                sockets.add(client);
                sockets.add(upstream);
            }
            accepted.incrementAndGet();
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int read;
                        while ((read = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, read);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // the other side or a cut closed the connection
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        sockets.remove(from);
                        sockets.remove(to);
                    }
                },
                "tcp-proxy-pump-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
