package dev.lifeboat.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback that a test can cut and heal: the way to put a network partition between
 * Lifeboat and one server while everything else still reaches that server directly. Cut, it closes
 * every connection it carries and refuses new ones. Its threads are daemons and end when it is
 * closed.
 */
final class TcpProxy implements AutoCloseable {

  private final int listenPort;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  private TcpProxy(int listenPort, int targetPort) {
    this.listenPort = listenPort;
    this.targetPort = targetPort;
  }

  /** Listens on 127.0.0.1:{@code listenPort} and forwards to 127.0.0.1:{@code targetPort}. */
  static TcpProxy start(int listenPort, int targetPort) throws IOException {
    TcpProxy proxy = new TcpProxy(listenPort, targetPort);
    proxy.heal();
    return proxy;
  }

  /** Stops listening and closes every carried connection: a partition. */
  synchronized void cut() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    for (Socket s : open) {
      s.close();
    }
    open.clear();
  }

  /** Listens again. */
  synchronized void heal() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket listening = new ServerSocket();
    listening.setReuseAddress(true);
    listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
    server = listening;
    Thread acceptor = new Thread(() -> accept(listening), "proxy-" + listenPort);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      Socket client;
      try {
        client = listening.accept();
      } catch (IOException cut) {
        return;
      }
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException targetDown) {
        // The client sees its connection closed, as it would see the server's refusal.
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException ended) {
                // Either side closed.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
