package io.ackcoord.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports: the machine is shared, so tests, the chaos suite and the benchmark never use a fixed one.
 *
 * <p>Drawn from below the kernel's ephemeral range, not by binding port 0: a port a test binds again later (a
 * restarted A or broker keeps its port) must not be one the kernel also hands out as the local port of outgoing
 * connections, or any Kafka client connecting in between can take it and the second bind fails with "Address
 * already in use".
 */
public final class Ports {

  private static final String LOOPBACK = "127.0.0.1";
  /** Linux's default ephemeral range starts here; read from the kernel where it says otherwise. */
  private static final int DEFAULT_EPHEMERAL_START = 32_768;
  private static final int SPAN = 12_000;
  private static final int ATTEMPTS = 200;

  private Ports() {
  }

  /** A port nothing listens on at {@code 127.0.0.1} right now, outside the ephemeral range where possible. */
  public static int free() {
    int top = ephemeralStart();
    int bottom = Math.max(1_024, top - SPAN);
    for (int i = 0; i < ATTEMPTS && bottom < top; i++) {
      int port = ThreadLocalRandom.current().nextInt(bottom, top);
      if (isFree(port)) {
        return port;
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + LOOPBACK, e);
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(LOOPBACK))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeralStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return DEFAULT_EPHEMERAL_START;
    }
  }
}
