package io.ackcoord.consumer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

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
import java.util.ArrayList;
import java.util.List;

/**
 * B's package boundaries, checked on the compiled classes so that they fail the build when broken:
 * <ul>
 *   <li>{@code consumer.handler} is written against the public handler SPI alone (the root package), so a handler
 *       there could be copied into a user's project;</li>
 *   <li>the root package's public API names no type of B's internal subpackages: what a user sees is the root
 *       package (and the JDK, Vert.x, Kafka and shared);</li>
 *   <li>B's subpackages do not depend on each other in a cycle: each layer uses only those below it.</li>
 * </ul>
 */
@AnalyzeClasses(packages = "io.ackcoord.consumer", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageBoundariesTest {

  private static final String ROOT = "io.ackcoord.consumer";
  private static final String INTERNAL = "io.ackcoord.consumer.(*)..";

  @ArchTest
  static final ArchRule handlersUseOnlyTheSpi = classes().that().resideInAPackage(ROOT + ".handler..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".handler..",
          "java..", "io.vertx..", "io.netty..", "org.apache.kafka..", "org.slf4j..",
          // shared: the wire protocol, the clock, the Kafka settings a handler is given
          "io.ackcoord.protocol..", "io.ackcoord.time..", "io.ackcoord.kafka..")
      .because("a handler in consumer.handler must compile against the public handler SPI only");

  @ArchTest
  static final ArchRule apiExposesNoInternals = classes().that().resideInAPackage(ROOT).and().arePublic()
      .should(exposeNoInternalTypes())
      .because("B's subpackages are its implementation; the root package is the API");

  @ArchTest
  static final ArchRule noCyclesBetweenSubpackages = slices().matching(INTERNAL).should().beFreeOfCycles();

  /** Public and protected members of a public class: their signatures must not name a subpackage's type. */
  private static ArchCondition<JavaClass> exposeNoInternalTypes() {
    return new ArchCondition<>("expose no type of a subpackage in a public signature") {
      @Override
      public void check(JavaClass type, ConditionEvents events) {
        List<String> leaks = new ArrayList<>();
        type.getRawSuperclass().filter(PackageBoundariesTest::internal)
            .ifPresent(s -> leaks.add("extends " + s.getName()));
        type.getRawInterfaces().stream().filter(PackageBoundariesTest::internal)
            .forEach(i -> leaks.add("implements " + i.getName()));
        for (JavaCodeUnit unit : type.getCodeUnits()) {
          if (!exposed(unit.getModifiers())) {
            continue;
          }
          List<JavaType> named = new ArrayList<>(unit.getParameterTypes());
          named.add(unit.getReturnType());
          for (JavaType t : named) {
            t.getAllInvolvedRawTypes().stream().filter(PackageBoundariesTest::internal)
                .forEach(c -> leaks.add(unit.getFullName() + " names " + c.getName()));
          }
        }
        for (JavaField field : type.getFields()) {
          if (exposed(field.getModifiers())) {
            field.getType().getAllInvolvedRawTypes().stream().filter(PackageBoundariesTest::internal)
                .forEach(c -> leaks.add(field.getFullName() + " is a " + c.getName()));
          }
        }
        leaks.forEach(leak -> events.add(SimpleConditionEvent.violated(type, leak)));
      }
    };
  }

  private static boolean exposed(java.util.Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static boolean internal(JavaClass type) {
    String pkg = type.getPackageName();
    return pkg.startsWith(ROOT + ".") && !pkg.startsWith(ROOT + ".handler");
  }
}
