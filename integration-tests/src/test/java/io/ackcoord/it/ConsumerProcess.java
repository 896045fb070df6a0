package io.ackcoord.it;

import io.ackcoord.consumer.ConsumerVerticle;
import io.ackcoord.testkit.ManagedProcess;
import io.ackcoord.testkit.Readiness;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** B as a real process, started the way a user starts it: {@code bin/vertx run} with a config file. */
final class ConsumerProcess {

  private ConsumerProcess() {
  }

  /**
   * Starts B named {@code instance} with {@code config} (which must set {@code http.port}) in {@code dir}; returns
   * once B is ready (partitions assigned, processed ids restored).
   */
  static ManagedProcess start(Path dir, String instance, JsonObject config, Duration timeout) throws IOException {
    Path conf = dir.resolve(instance + ".json");
    Files.writeString(conf, config.encodePrettily());
    Path root = repositoryRoot();
    ManagedProcess started = ManagedProcess.builder(instance,
            List.of(root.resolve("bin/vertx").toString(), "run", ConsumerVerticle.class.getName(), "-conf",
                conf.toString()))
        .directory(root)
        .env("ACKCOORD_JAVA_OPTS", "-Xms64m -Xmx512m")
        .logFile(dir.resolve(instance + ".log"))
        .start();
    Readiness.await(started, config.getInteger("http.port"), timeout);
    return started;
  }

  /** The checkout this test runs in: the directory holding {@code bin/vertx}. */
  static Path repositoryRoot() {
    for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve("bin/vertx"))) {
        return p;
      }
    }
    throw new IllegalStateException("no bin/vertx above " + System.getProperty("user.dir"));
  }
}
