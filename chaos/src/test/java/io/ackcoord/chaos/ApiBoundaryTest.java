package io.ackcoord.chaos;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.ackcoord.testkit.ApiBoundary;

/** The chaos suite deploys and drives A and B through their public API only, as a user would. */
@AnalyzeClasses(packages = "io.ackcoord.chaos")
class ApiBoundaryTest {

  @ArchTest
  static final ArchRule usesOnlyPublicApi = ApiBoundary.onlyPublicApiFrom("io.ackcoord.chaos..");
}
