package dev.lifeboat.starter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The CLI and client talk to Temporal only. Database drivers, cloud SDKs and the activities module
 * stay on the worker side, so a CLI host needs no database credentials or cloud access.
 */
class StarterArchitectureTest {

  @Test
  void starterNeverReachesForActivitiesDriversOrCloudSdks() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.lifeboat.activities..",
            "dev.lifeboat.worker..",
            "java.sql..",
            "org.postgresql..",
            "software.amazon..",
            "com.google.cloud..",
            "com.azure..")
        .because("the dependency arrow is starter -> workflows, never starter -> activities")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.lifeboat.starter"));
  }
}
