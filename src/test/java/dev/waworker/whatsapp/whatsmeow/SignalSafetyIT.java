package dev.waworker.whatsapp.whatsmeow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The JVM and the Go runtime share the process's signal handlers (see docs/SIGNALS.md). A child
 * JVM with the library loaded and goroutines busy takes forced GCs, stack overflows, implicit null-pointer
 * exceptions and a SIGQUIT thread dump, and must come out alive.
 */
class SignalSafetyIT {

    @Test
    void theJvmSurvivesItsOwnSignalsWithTheGoRuntimeLoaded() throws Exception {
        Process child = new ProcessBuilder(javaExecutable(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), SignalTortureMain.class.getName())
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> collect(child, output));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> output.contains("READY-FOR-SIGQUIT"));

            int kill = new ProcessBuilder("kill", "-QUIT", Long.toString(child.pid())).start().waitFor();
            assertThat(kill).isZero();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> output.stream().anyMatch(line -> line.startsWith("Full thread dump")));
            OutputStream stdin = child.getOutputStream();
            stdin.write("go on\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();

            assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("child finished").isTrue();
            reader.join(Duration.ofSeconds(5));
            assertThat(child.exitValue()).as("exit code, output:%n%s", String.join("\n", output)).isZero();
            String alive = output.stream().filter(line -> line.startsWith("ALIVE")).findFirst().orElseThrow();
            assertThat(counter(alive, "nullPointers")).isPositive();
            assertThat(counter(alive, "connectFailures")).isPositive();
            assertThat(counter(alive, "bridgeCalls")).isPositive();
            assertThat(output).noneMatch(line -> line.contains("fatal error") || line.contains("SIGSEGV (0xb)"));
        } finally {
            child.destroyForcibly();
        }
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    }

    private static void collect(Process child, List<String> output) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.add(line);
            }
        } catch (IOException e) {
            output.add("reading the child's output failed: " + e);
        }
    }

    private static long counter(String aliveLine, String name) {
        for (String part : aliveLine.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new AssertionError(name + " missing from: " + aliveLine);
    }
}
