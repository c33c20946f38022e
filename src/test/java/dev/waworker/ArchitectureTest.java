package dev.waworker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The package rules of docs/ARCHITECTURE.md, as code: a wrong import fails the build. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.waworker");

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
