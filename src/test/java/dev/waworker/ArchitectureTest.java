package dev.waworker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The package rules of docs/ARCHITECTURE.md, as code: a wrong import fails the build. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.waworker");

    /**
     * No package imports one above it. From the bottom: {@code config}, {@code qr} and the {@code whatsapp} port
     * stand alone; the two adapters use the port; {@code session} the port and {@code qr}; then {@code store},
     * {@code ownership}, {@code amqp}, each using what lies below it; {@code bootstrap} wires everything.
     */
    @Test
    void noPackageImportsOneAboveIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("config").definedBy("dev.waworker.config..")
                .layer("qr").definedBy("dev.waworker.qr..")
                .layer("whatsapp port").definedBy("dev.waworker.whatsapp")
                .layer("whatsmeow adapter").definedBy("dev.waworker.whatsapp.whatsmeow..")
                .layer("simulated adapter").definedBy("dev.waworker.whatsapp.simulated..")
                .layer("session").definedBy("dev.waworker.session..")
                .layer("store").definedBy("dev.waworker.store..")
                .layer("ownership").definedBy("dev.waworker.ownership..")
                .layer("amqp").definedBy("dev.waworker.amqp..")
                .layer("bootstrap").definedBy("dev.waworker.bootstrap..")
                .whereLayer("config").mayNotAccessAnyLayer()
                .whereLayer("qr").mayNotAccessAnyLayer()
                .whereLayer("whatsapp port").mayNotAccessAnyLayer()
                .whereLayer("whatsmeow adapter").mayOnlyAccessLayers("whatsapp port", "config")
                .whereLayer("simulated adapter").mayOnlyAccessLayers("whatsapp port", "config")
                .whereLayer("session").mayOnlyAccessLayers("whatsapp port", "qr")
                .whereLayer("store").mayOnlyAccessLayers("session", "whatsapp port", "qr", "config")
                .whereLayer("ownership").mayOnlyAccessLayers("store", "session", "whatsapp port", "qr", "config")
                .whereLayer("amqp").mayOnlyAccessLayers("ownership", "store", "session", "whatsapp port", "qr",
                        "config")
                .whereLayer("bootstrap").mayNotBeAccessedByAnyLayer()
                .check(CLASSES);
    }

    @Test
    void storeAndOwnershipStayOffTheBrokerAndTheNativeBridge() {
        noClasses().that().resideInAnyPackage("dev.waworker.store..", "dev.waworker.ownership..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.amqp..", "com.rabbitmq..",
                        "com.sun.jna..", "org.springframework.web..")
                .check(CLASSES);
    }

    /** The ownership rules and what they decide on: no database, no sessions, so that tables of cases test them. */
    @Test
    void ownershipDecisionsArePlainJava() {
        noClasses().that().haveNameMatching(
                        "dev\\.waworker\\.ownership\\.(OwnershipPolicy|LeaseUpkeep|Route|Lease|LeaseSnapshot|NamedWorker)(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..",
                        "javax.sql..", "dev.waworker.store..", "dev.waworker.session..")
                .check(CLASSES);
    }

    @Test
    void theSessionLayerIsPlainJava() {
        noClasses().that().resideInAPackage("dev.waworker.session..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "com.rabbitmq..", "com.sun.jna..", "tools.jackson..",
                        "com.fasterxml.jackson..", "dev.waworker.amqp..", "dev.waworker.config..",
                        "dev.waworker.whatsapp.whatsmeow..", "dev.waworker.whatsapp.simulated..",
                        "dev.waworker.bootstrap..")
                .check(CLASSES);
    }

    @Test
    void theWhatsAppPortDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("dev.waworker.whatsapp")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.waworker.session..", "dev.waworker.amqp..", "dev.waworker.qr..",
                        "dev.waworker.config..", "dev.waworker.whatsapp.whatsmeow..",
                        "dev.waworker.whatsapp.simulated..", "org.springframework..", "com.sun.jna..")
                .check(CLASSES);
    }

    @Test
    void adaptersKnowOnlyThePortNotTheSessionLayerNorEachOther() {
        noClasses().that().resideInAnyPackage("dev.waworker.whatsapp.whatsmeow..",
                        "dev.waworker.whatsapp.simulated..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.waworker.session..",
                        "dev.waworker.amqp..", "dev.waworker.bootstrap..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.waworker.whatsapp.simulated..")
                .should().dependOnClassesThat().resideInAPackage("dev.waworker.whatsapp.whatsmeow..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.waworker.whatsapp.whatsmeow..")
                .should().dependOnClassesThat().resideInAPackage("dev.waworker.whatsapp.simulated..")
                .check(CLASSES);
    }

    @Test
    void onlyTheNativeAdapterTouchesJna() {
        noClasses().that().resideOutsideOfPackage("dev.waworker.whatsapp.whatsmeow..")
                .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
                .check(CLASSES);
    }

    @Test
    void onlyTheAmqpLayerTouchesTheBroker() {
        noClasses().that().resideOutsideOfPackages("dev.waworker.amqp..", "dev.waworker.bootstrap..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.amqp..", "com.rabbitmq..")
                .check(CLASSES);
    }

    @Test
    void qrRenderingStandsAlone() {
        noClasses().that().resideInAPackage("dev.waworker.qr..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.waworker.session..",
                        "dev.waworker.amqp..", "dev.waworker.whatsapp..", "org.springframework..")
                .check(CLASSES);
    }

    @Test
    void configurationDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("dev.waworker.config..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.waworker.session..",
                        "dev.waworker.amqp..", "dev.waworker.qr..", "dev.waworker.whatsapp..",
                        "dev.waworker.bootstrap..")
                .check(CLASSES);
    }
}
