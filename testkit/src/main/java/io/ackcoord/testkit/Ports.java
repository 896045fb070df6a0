package io.ackcoord.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports: the machine is shared, so tests, the chaos suite and the benchmark never use a fixed one. */
public final class Ports {

  private static final String LOOPBACK = "127.0.0.1";

  private Ports() {
  }

  /** A port nothing listens on at {@code 127.0.0.1} right now. */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + LOOPBACK, e);
    }
  }
}
