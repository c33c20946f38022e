package dev.waworker.whatsapp.whatsmeow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The codes of failed bridge calls, read without the native library: the answers are plain JSON. */
class BridgeErrorCodeTest {

    private static final Pattern GO_CODE = Pattern.compile("\\bcode\\w+\\s+errorCode\\s*=\\s*\"([A-Z_]+)\"");

    private final Wabridge bridge = new Wabridge();

    @Test
    void theJavaEnumHasExactlyTheCodesTheGoSideDeclares() throws IOException {
        String errorsGo = Files.readString(Path.of("src/main/go/wabridge/errors.go"));
        var declared = GO_CODE.matcher(errorsGo).results().map(match -> match.group(1)).sorted().toList();

        var known = Arrays.stream(BridgeErrorCode.values())
                .filter(code -> code != BridgeErrorCode.UNRECOGNIZED).map(Enum::name).sorted().toList();

        assertThat(declared).hasSizeGreaterThan(20);
        assertThat(known).isEqualTo(declared);
    }

    @Test
    void aKnownCodeIsReadAsItsConstant() {
        assertThat(BridgeErrorCode.of("NOT_CONNECTED")).isEqualTo(BridgeErrorCode.NOT_CONNECTED);
        assertThat(BridgeErrorCode.of("NUMBER_IN_USE")).isEqualTo(BridgeErrorCode.NUMBER_IN_USE);
    }

    @Test
    void anUnknownOrMissingCodeIsUnrecognizedNotAnError() {
        assertThat(BridgeErrorCode.of("A_CODE_FROM_A_NEWER_BRIDGE")).isEqualTo(BridgeErrorCode.UNRECOGNIZED);
        assertThat(BridgeErrorCode.of("")).isEqualTo(BridgeErrorCode.UNRECOGNIZED);
        assertThat(BridgeErrorCode.of(null)).isEqualTo(BridgeErrorCode.UNRECOGNIZED);
        // The name of the fallback is not a code the bridge can send.
        assertThat(BridgeErrorCode.of("UNRECOGNIZED")).isEqualTo(BridgeErrorCode.UNRECOGNIZED);
        assertThat(BridgeErrorCode.of("not_connected")).isEqualTo(BridgeErrorCode.UNRECOGNIZED);
    }

    @Test
    void aFailedAnswerBecomesAnExceptionWithItsCodeAndMessage() {
        BridgeException failure = catchThrowableOfType(BridgeException.class, () -> bridge.check("wb_client_pair_phone",
                "{\"ok\":false,\"code\":\"TIMED_OUT\",\"error\":\"asking WhatsApp for a linking code: info query timed out\"}"));

        assertThat(failure.code()).isEqualTo(BridgeErrorCode.TIMED_OUT);
        assertThat(failure).hasMessage(
                "wb_client_pair_phone failed: asking WhatsApp for a linking code: info query timed out");
    }

    @Test
    void aFailedAnswerWithoutACodeOrMessageStillFails() {
        BridgeException failure = catchThrowableOfType(BridgeException.class,
                () -> bridge.check("wb_devices", "{\"ok\":false}"));

        assertThat(failure.code()).isEqualTo(BridgeErrorCode.UNRECOGNIZED);
        assertThat(failure).hasMessage("wb_devices failed: no error message");
    }

    @Test
    void aSuccessfulAnswerGivesItsFields() {
        assertThat(bridge.check("wb_client_pair_phone", "{\"ok\":true,\"code\":\"ABCD-EFGH\"}")
                .path("code").asString()).isEqualTo("ABCD-EFGH");
    }
}
