package io.ackcoord.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by the test itself, so no key is ever checked in: the JDK's {@code keytool} makes a
 * self-signed RSA certificate for localhost and 127.0.0.1 in a PKCS#12 file, which is then written out as the PEM
 * files ackcoord reads. (Netty's own generator needs BouncyCastle on JDK 17; keytool needs nothing.)
 */
final class TestCertificates {

  private static final char[] PASSWORD = "test-only".toCharArray();

  /** A PEM certificate and its unencrypted PKCS#8 key. */
  record Pem(Path cert, Path key) {
  }

  private TestCertificates() {
  }

  /** A self-signed certificate named {@code name}, valid for localhost and 127.0.0.1, in {@code dir}. */
  static Pem selfSigned(Path dir, String name) {
    Path p12 = dir.resolve(name + ".p12");
    run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + name, "-validity", "2",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", p12.toString(), "-storetype", "PKCS12",
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)));
    try (InputStream in = Files.newInputStream(p12)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD);
      PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD);
      Path cert = Files.writeString(dir.resolve(name + "-cert.pem"),
          pem("CERTIFICATE", store.getCertificate(name).getEncoded()));
      Path keyFile = Files.writeString(dir.resolve(name + "-key.pem"), pem("PRIVATE KEY", key.getEncoded()));
      return new Pem(cert, keyFile);
    } catch (Exception e) {
      throw new AssertionError("could not read the certificate keytool made: " + e, e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError("keytool failed: " + output);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run keytool: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running keytool", e);
    }
  }
}
