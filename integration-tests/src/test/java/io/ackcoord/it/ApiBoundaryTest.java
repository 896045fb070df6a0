package io.ackcoord.it;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.ackcoord.testkit.ApiBoundary;

/** The integration tests and the testkit drive A and B through their public API only, as a user would. */
@AnalyzeClasses(packages = {"io.ackcoord.it", "io.ackcoord.testkit"})
class ApiBoundaryTest {

  @ArchTest
  static final ArchRule usesOnlyPublicApi = ApiBoundary.onlyPublicApiFrom("io.ackcoord.it..", "io.ackcoord.testkit..");
}
