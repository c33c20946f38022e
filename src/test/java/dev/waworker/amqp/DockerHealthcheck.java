package dev.waworker.amqp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code HEALTHCHECK} command of docker/Dockerfile, read from the file and run as Docker runs it (its shell
 * form: {@code /bin/sh -c}, with the image's environment), so that tests prove the very line the image ships.
 */
final class DockerHealthcheck {

    private static final Path DOCKERFILE = Path.of("docker/Dockerfile");
    private static final Pattern HEALTHCHECK = Pattern.compile("^HEALTHCHECK\\b.*?\\bCMD (.+)$", Pattern.MULTILINE);
    /** The Dockerfile's {@code --timeout}. */
    private static final long TIMEOUT_SECONDS = 5;

    private DockerHealthcheck() {
    }

    /** The command after {@code CMD}, continuation lines joined. */
    static String command() {
        try {
            String joined = Files.readString(DOCKERFILE).replaceAll("\\\\\\n\\s*", " ");
            Matcher matcher = HEALTHCHECK.matcher(joined);
            if (!matcher.find()) {
                throw new IllegalStateException("no HEALTHCHECK ... CMD in " + DOCKERFILE);
            }
            return matcher.group(1).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs it with {@code SERVER_PORT} (and {@code MANAGEMENT_SERVER_PORT} when not {@code null}) set as the image
     * sets them; its exit status: 0 healthy, anything else unhealthy (a timeout counts as 124, as Docker's would).
     */
    static int run(int serverPort, Integer managementPort) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("/bin/sh", "-c", command())).redirectErrorStream(true);
        builder.environment().put("SERVER_PORT", Integer.toString(serverPort));
        builder.environment().remove("MANAGEMENT_SERVER_PORT");
        if (managementPort != null) {
            builder.environment().put("MANAGEMENT_SERVER_PORT", managementPort.toString());
        }
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return 124;
        }
        return process.exitValue();
    }
}
