package io.ackcoord.producer;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.ackcoord.producer.timer.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The package cut of producer-a holds: the root package is A's public API, the subpackages are its internals, each
 * with one concern, and their dependencies form no cycle. Breaks the build when a change crosses a line.
 */
@AnalyzeClasses(packages = "io.ackcoord.producer", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageBoundariesTest {

  private static final String ROOT = "io.ackcoord.producer";
  private static final String INTERNAL = ROOT + ".(*)..";

  /**
   * Internal types the API may name. {@link RetryPolicy} is the value {@link ProducerOptions#retry()} carries: an
   * immutable record of the retry settings, which the timer package computes deadlines from.
   */
  private static final Set<Class<?>> API_MAY_EXPOSE = Set.of(RetryPolicy.class);

  /** The only root types the internals may use: the options they are configured with. */
  private static final Set<Class<?>> OPTIONS = Set.of(ProducerOptions.class, StatusPageOptions.class);

  private static final DescribedPredicate<JavaClass> INTERNAL_CLASS =
      resideInAPackage(ROOT + "..").and(not(resideInAPackage(ROOT))).as("are internal to producer-a");

  @ArchTest
  static final ArchRule subpackagesHaveNoCycles = slices().matching(INTERNAL).namingSlices("$1")
      .should().beFreeOfCycles()
      .because("each concern builds on the ones below it (tracker on timer, ledger and ids; coordinator on "
          + "tracker; kafka, api and status on coordinator)");

  @ArchTest
  static final ArchRule internalsUseOnlyTheOptionsOfTheRoot = noClasses().that(INTERNAL_CLASS)
      .should().dependOnClassesThat(resideInAPackage(ROOT).and(not(DescribedPredicate.describe(
          "ProducerOptions or StatusPageOptions", (JavaClass c) -> OPTIONS.stream().anyMatch(c::isEquivalentTo)))))
      .because("the root package is the API the internals are wired by, not a part they build on");

  @ArchTest
  static final ArchRule apiDoesNotExposeInternals = classes().that().resideInAPackage(ROOT).and().arePublic()
      .should(new ArchCondition<JavaClass>("not name internal types in public signatures") {
        @Override
        public void check(JavaClass api, ConditionEvents events) {
          for (JavaCodeUnit unit : api.getCodeUnits()) {
            if (unit.getModifiers().contains(JavaModifier.PUBLIC)) {
              List<JavaType> types = new ArrayList<>(unit.getParameterTypes());
              types.add(unit.getReturnType());
              types.forEach(t -> check(api, unit.getFullName(), t, events));
            }
          }
          for (JavaField field : api.getFields()) {
            if (field.getModifiers().contains(JavaModifier.PUBLIC)) {
              check(api, field.getFullName(), field.getType(), events);
            }
          }
        }

        private void check(JavaClass api, String member, JavaType type, ConditionEvents events) {
          for (JavaClass named : type.getAllInvolvedRawTypes()) {
            if (INTERNAL_CLASS.test(named) && API_MAY_EXPOSE.stream().noneMatch(named::isEquivalentTo)) {
              events.add(SimpleConditionEvent.violated(api, member + " exposes internal " + named.getName()));
            }
          }
        }
      })
      .because("a user of A needs only the root package; the subpackages may change at any time");
}
