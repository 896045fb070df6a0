package io.ackcoord.config;

import io.vertx.config.ConfigChange;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a component's configuration through vertx-config, in three layers, later winning:
 * <ol>
 *   <li>the deployment config ({@code vertx run … -conf file.json} or {@code DeploymentOptions.setConfig});</li>
 *   <li>the config file named by the system property {@code vertx-config-path} or the environment variable
 *       {@code VERTX_CONFIG_PATH} (the convention of vertx-config, set by {@code bin/vertx} from {@code -conf}),
 *       re-read every {@code config.scan.period.ms} so edits are picked up at run time;</li>
 *   <li>environment variables named after the keys ({@code ACK_TIMEOUT_MS} for {@code ack.timeout.ms}).</li>
 * </ol>
 * Every result is validated by the component's {@link ConfigDef}; a reload that fails validation is logged with
 * the key and value and ignored, so a bad edit never takes down a running verticle.
 */
public final class ConfigLoader {

  /** System property naming the config file to watch. */
  public static final String PATH_PROPERTY = "vertx-config-path";
  /** Environment variable naming the config file to watch. */
  public static final String PATH_ENV = "VERTX_CONFIG_PATH";
  /** Key of the scan period, declared by {@link #defineScanPeriod}. */
  public static final String SCAN_PERIOD_KEY = "config.scan.period.ms";

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  private final ConfigRetriever retriever;
  private final ConfigDef def;
  private final String watchedFile;

  private ConfigLoader(ConfigRetriever retriever, ConfigDef def, String watchedFile) {
    this.retriever = retriever;
    this.def = def;
    this.watchedFile = watchedFile;
  }

  /** Declares {@code config.scan.period.ms} on a component's definition. */
  public static ConfigDef defineScanPeriod(ConfigDef def) {
    return def.define(SCAN_PERIOD_KEY, ConfigDef.Type.LONG, 2000L, ConfigDef.atLeast(0),
        "How often the config file is re-read for changes, in ms; 0 turns watching off.");
  }

  /** Builds the layered retriever for {@code def} over the given deployment config. */
  public static ConfigLoader create(Vertx vertx, JsonObject deploymentConfig, ConfigDef def) {
    String path = System.getProperty(PATH_PROPERTY, System.getenv(PATH_ENV));
    JsonObject deployment = deploymentConfig == null ? new JsonObject() : deploymentConfig;
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false)
        .addStore(new ConfigStoreOptions().setType("json").setConfig(deployment));
    if (path != null && !path.isBlank()) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json").setOptional(true)
          .setConfig(new JsonObject().put("path", path)));
    }
    options.addStore(new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("keys", new JsonArray(def.envNames()))));
    long scan = scanPeriod(deployment, path);
    options.setScanPeriod(scan > 0 ? scan : -1);
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    retriever.setConfigurationProcessor(def::applyEnvironment);
    return new ConfigLoader(retriever, def, path);
  }

  /** Reads and validates the configuration once; fails with the {@link ConfigException} of the first bad key. */
  public Future<Config> load() {
    return retriever.getConfig().map(def::parse);
  }

  /**
   * Calls {@code onChange} with each later configuration that validates; invalid ones are logged and skipped.
   * The file is only watched when one is named (see the class comment).
   */
  public void onChange(Consumer<Config> onChange) {
    retriever.listen((ConfigChange change) -> {
      Config parsed;
      try {
        parsed = def.parse(change.getNewConfiguration());
      } catch (ConfigException e) {
        LOG.error("Ignoring config change from {}: {}", watchedFile, e.getMessage());
        return;
      }
      onChange.accept(parsed);
    });
  }

  /** The file being watched, or {@code null}. */
  public String watchedFile() {
    return watchedFile;
  }

  /** Stops watching. */
  public void close() {
    retriever.close();
  }

  // The scan period is read before the layers are merged; it is the one key a file change cannot retune.
  private static long scanPeriod(JsonObject deployment, String path) {
    if (path == null || path.isBlank()) {
      return 0;
    }
    String env = System.getenv("CONFIG_SCAN_PERIOD_MS");
    Object raw = env != null ? env : deployment.getValue(SCAN_PERIOD_KEY, 2000L);
    try {
      return Long.parseLong(raw.toString().trim());
    } catch (NumberFormatException e) {
      throw ConfigException.invalid(SCAN_PERIOD_KEY, raw, "expected a whole number");
    }
  }
}
