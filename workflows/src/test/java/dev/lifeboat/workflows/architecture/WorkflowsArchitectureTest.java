package dev.lifeboat.workflows.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workflows module is the API and the orchestration: deterministic code that may only talk to
 * the world through activities. These rules fail the build when it reaches for I/O directly.
 */
class WorkflowsArchitectureTest {

  private static JavaClasses workflows;

  @BeforeAll
  static void importClasses() {
    workflows =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.lifeboat.workflows");
  }

  @Test
  void doesNotUseJdbcNetworkOrFiles() {
    ArchRule rule =
        noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "java.sql..", "javax.sql..", "java.net..", "java.nio.file..", "java.nio.channels..")
            .orShould()
            .dependOnClassesThat()
            .haveNameMatching(
                "java\\.io\\.(File|FileInputStream|FileOutputStream|FileReader|FileWriter|RandomAccessFile)")
            .because(
                "workflow code must reach databases, networks and files only through activities");
    rule.check(workflows);
  }

  @Test
  void doesNotUseCloudSdksOrDrivers() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "software.amazon..", "com.google.cloud..", "com.azure..", "org.postgresql..", "redis..")
        .because("cloud SDKs and drivers belong in the activities module")
        .check(workflows);
  }

  @Test
  void doesNotUseClocksRandomnessOrThreads() {
    // A Random is allowed only from Workflow.newRandom(), which is seeded by the workflow's
    // history,
    // so constructing one (or Math.random) is what breaks a replay.
    noClasses()
        .should()
        .callConstructor(java.util.Random.class)
        .orShould()
        .callConstructor(java.util.Random.class, long.class)
        .orShould()
        .callMethod(Math.class, "random")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.time.Clock")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.lang.Thread")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("java.util.concurrent..")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(java.util.UUID.class, "randomUUID")
        .because(
            "workflow code must be deterministic: use Workflow.currentTimeMillis, Workflow.randomUUID, Workflow.newRandom and Async")
        .check(workflows);
  }

  @Test
  void doesNotDependOnOtherLifeboatModules() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.lifeboat.activities..",
            "dev.lifeboat.config..",
            "dev.lifeboat.worker..",
            "dev.lifeboat.starter..")
        .because("the dependency arrow is starter -> workflows <- activities <- worker")
        .check(workflows);
  }
}
