package io.ackcoord.it;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.ackcoord.kafka.ClientConfig;
import io.ackcoord.kafka.KafkaClientFactory;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A and B create every Kafka client through {@link KafkaClientFactory}, which takes only a {@link ClientConfig}: so
 * no client can miss what the guarantees depend on (acks=all, idempotence, read_committed, manual commits).
 */
@AnalyzeClasses(packages = {"io.ackcoord.producer", "io.ackcoord.consumer", "io.ackcoord.kafka",
    "io.ackcoord.protocol", "io.ackcoord.config"}, importOptions = ImportOption.DoNotIncludeTests.class)
class KafkaClientDoorTest {

  @ArchTest
  static final ArchRule noClientBuiltElsewhere = noClasses()
      .that().doNotHaveFullyQualifiedName(KafkaClientFactory.class.getName())
      .should().callConstructorWhere(target(owner(assignableTo(KafkaProducer.class)))
          .or(target(owner(assignableTo(KafkaConsumer.class)))))
      .orShould().callMethodWhere(target(name("create"))
          .and(target(owner(resideInAnyPackage("org.apache.kafka.clients.admin..", "io.vertx.kafka..")))))
      .because("KafkaClientFactory, which takes only a ClientConfig, is the one door to a Kafka client");
}
