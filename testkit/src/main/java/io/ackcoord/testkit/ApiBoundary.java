package io.ackcoord.testkit;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The rule that keeps ackcoord's own users of A and B honest: integration tests, the chaos suite and the testkit
 * reach A and B only through their public API, the root packages {@code io.ackcoord.producer} and
 * {@code io.ackcoord.consumer} (and the example handler in {@code io.ackcoord.consumer.handler}), as a user's
 * project would. The subpackages are internal and may change in any release. The benchmark is exempt: it
 * measures internals on purpose.
 */
public final class ApiBoundary {

  private ApiBoundary() {
  }

  /** Fails when a class in one of {@code packages} (ArchUnit package identifiers) uses an internal package. */
  public static ArchRule onlyPublicApiFrom(String... packages) {
    return noClasses().that().resideInAnyPackage(packages)
        .should().dependOnClassesThat(resideInAnyPackage("io.ackcoord.producer.*..", "io.ackcoord.consumer.*..")
            .and(not(resideInAPackage("io.ackcoord.consumer.handler.."))))
        .because("A and B are used through their public API only; their subpackages are internal");
  }
}
