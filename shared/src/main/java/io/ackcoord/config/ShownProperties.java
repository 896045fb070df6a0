package io.ackcoord.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Which entries of an object-valued key (the {@code kafka.*.properties}, a handler's config) may be shown on the
 * status page and in logs: only the properties Kafka's clients know and do not type as passwords. Everything else is
 * masked: passwords and JAAS configs, but also any key Kafka does not know (a schema registry's
 * {@code basic.auth.user.info}, a {@code bearer.auth.token}, a handler's database password), since an allow-list
 * cannot miss a new kind of secret the way a deny-list of names does.
 */
final class ShownProperties {

  private static final Set<String> SHOWN = knownNonSecret();

  private ShownProperties() {
  }

  /** Whether the value of property {@code name} may be shown. */
  static boolean shown(String name) {
    return SHOWN.contains(name);
  }

  /**
   * Whether a top-level key holds a secret by its name ({@code http.auth.token}, {@code dedupe.marker.key}): its
   * value is masked wherever configuration is shown, and errors about it do not quote it. A name rule is enough for
   * ackcoord's own keys, unlike for client properties: we name them.
   */
  static boolean secret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return lower.contains("token") || lower.contains("password") || lower.contains("secret") || lower.endsWith(".key");
  }

  private static Set<String> knownNonSecret() {
    Set<String> shown = new HashSet<>();
    for (ConfigDef def : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
        AdminClientConfig.configDef())) {
      def.configKeys().forEach((name, key) -> {
        String lower = name.toLowerCase(Locale.ROOT);
        // Belt and braces: a name that says it holds a secret is masked whatever its declared type.
        if (key.type != ConfigDef.Type.PASSWORD && !lower.contains("password") && !lower.contains("secret")
            && !lower.contains("jaas")) {
          shown.add(name);
        }
      });
    }
    return Set.copyOf(shown);
  }
}
