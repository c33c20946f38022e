package dev.waworker.whatsapp.simulated;

import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import dev.waworker.whatsapp.StoredDevice;

/**
 * The phone's side of the simulated network over HTTP, for demos and end-to-end tests: scan the QR a number shows,
 * enter its pairing code, remove a linked device. Exists only in simulated mode.
 */
@RestController
@RequestMapping("/simulator/sessions/{numberId}")
@ConditionalOnSimulatedWhatsApp
public class SimulatorController {

    /** The contract's phone numbers: an optional {@code +} and 8 to 15 digits. */
    private static final Pattern PHONE_NUMBER = Pattern.compile("\\+?\\d{8,15}");

    private final SimulatedWhatsApp network;

    public SimulatorController(SimulatedWhatsApp network) {
        this.network = network;
    }

    /** @param phoneNumber the account of the scanning phone; the number the client was opened for when absent */
    public record ScanRequest(String phoneNumber) {
    }

    /**
     * @param code        the pairing code as the phone's user types it ({@code ABCD-EFGH}; the dash and the case do
     *                    not matter)
     * @param phoneNumber the account of the phone; the number the client was opened for when absent
     */
    public record CodeRequest(String code, String phoneNumber) {
    }

    /** A linked device, as the scan, code and logout answers describe it. */
    public record LinkedDevice(long numberId, String phoneNumber, String jid) {
        static LinkedDevice of(StoredDevice device) {
            return new LinkedDevice(device.numberId(), device.phoneNumber(), device.jid());
        }
    }

    public record Problem(String error) {
    }

    @PostMapping("/scan")
    public ResponseEntity<?> scan(@PathVariable long numberId, @RequestBody(required = false) ScanRequest request) {
        Optional<String> scanner = Optional.ofNullable(request).map(ScanRequest::phoneNumber);
        if (scanner.isPresent() && !PHONE_NUMBER.matcher(scanner.get()).matches()) {
            return badPhoneNumber(scanner.get());
        }
        return switch (network.scan(numberId, scanner)) {
            case PairingOutcome paired -> answer(paired, "the scanning account");
            case ScanOutcome.NoLiveQr() -> problem(HttpStatus.NOT_FOUND, "no QR code is live for number " + numberId);
        };
    }

    /** The phone's user types the pairing code the number shows: pairs exactly like a scan. */
    @PostMapping("/code")
    public ResponseEntity<?> enterCode(@PathVariable long numberId,
                                       @RequestBody(required = false) CodeRequest request) {
        if (request == null || request.code() == null) {
            return problem(HttpStatus.BAD_REQUEST, "the body must be JSON like {\"code\": \"ABCD-EFGH\"}");
        }
        if (!LinkingCode.isWellFormed(request.code())) {
            // The typed text is not echoed: it may be most of a real code.
            return problem(HttpStatus.BAD_REQUEST, "code must be 8 letters or digits, written like ABCD-EFGH");
        }
        Optional<String> phone = Optional.ofNullable(request.phoneNumber());
        if (phone.isPresent() && !PHONE_NUMBER.matcher(phone.get()).matches()) {
            return badPhoneNumber(phone.get());
        }
        return switch (network.enterCode(numberId, request.code(), phone)) {
            case PairingOutcome paired -> answer(paired, "the account entering the code");
            case CodeEntryOutcome.NoLiveCode() ->
                    problem(HttpStatus.NOT_FOUND, "no pairing code is live for number " + numberId);
            case CodeEntryOutcome.WrongCode() -> problem(HttpStatus.BAD_REQUEST,
                    "the code is not the pairing code of number " + numberId + ": nothing was linked");
        };
    }

    @PostMapping("/logout")
    public ResponseEntity<?> logout(@PathVariable long numberId) {
        return network.removeFromPhone(numberId)
                .<ResponseEntity<?>>map(device -> ResponseEntity.ok(LinkedDevice.of(device)))
                .orElseGet(() -> problem(HttpStatus.NOT_FOUND, "number " + numberId + " has no linked device"));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Problem> unreadableBody(HttpMessageNotReadableException e) {
        return problem(HttpStatus.BAD_REQUEST, "the body must be JSON like {\"phoneNumber\": \"+221771234567\"} (scan,"
                + " or empty) or {\"code\": \"ABCD-EFGH\", \"phoneNumber\": \"+221771234567\"} (code)");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Problem> badNumberId(MethodArgumentTypeMismatchException e) {
        return problem(HttpStatus.BAD_REQUEST, "numberId must be an integer, was \"" + e.getValue() + "\"");
    }

    /** @param linkingAccount how the mismatch answer names the phone's account */
    private static ResponseEntity<?> answer(PairingOutcome outcome, String linkingAccount) {
        return switch (outcome) {
            case ScanOutcome.Linked(StoredDevice device) -> ResponseEntity.ok(LinkedDevice.of(device));
            case ScanOutcome.PhoneMismatch(String requested, String linking) -> problem(HttpStatus.CONFLICT,
                    linkingAccount + " " + linking + " is not the requested number " + requested
                            + ": nothing was linked");
        };
    }

    private static ResponseEntity<Problem> badPhoneNumber(String given) {
        return problem(HttpStatus.BAD_REQUEST, "phoneNumber must be an optional + and 8 to 15 digits, was \"" + given + "\"");
    }

    private static ResponseEntity<Problem> problem(HttpStatus status, String error) {
        return ResponseEntity.status(status).body(new Problem(error));
    }
}
