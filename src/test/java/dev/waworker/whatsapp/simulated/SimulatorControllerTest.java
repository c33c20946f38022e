package dev.waworker.whatsapp.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.WhatsAppClient;

/** The controller's HTTP mapping, status codes and JSON, in front of a real simulated network. */
class SimulatorControllerTest extends NetworkByHand {

    private static final Duration CODE_TTL = Duration.ofSeconds(160);

    private SimulatedWhatsApp network;
    private MockMvc http;

    @BeforeEach
    void startTheNetwork() {
        network = startNetwork(Duration.ofSeconds(20), Duration.ofSeconds(20), 6, CODE_TTL);
        http = MockMvcBuilders.standaloneSetup(new SimulatorController(network)).build();
    }

    private void numberSixShowsAQr() {
        connectAndDeliver(new SimulatedClientFactory(network).open(new ClientSpec(6, "+221771234567"), listener));
    }

    private ResultActions scan(String body) throws Exception {
        return http.perform(post("/simulator/sessions/6/scan").contentType(MediaType.APPLICATION_JSON).content(body));
    }

    @Test
    void aScanWithoutBodyPairsAsTheRequestedNumber() throws Exception {
        numberSixShowsAQr();

        http.perform(post("/simulator/sessions/6/scan"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.numberId").value(6))
                .andExpect(jsonPath("$.phoneNumber").value("+221771234567"))
                .andExpect(jsonPath("$.jid").value("221771234567:1@s.whatsapp.net"));
    }

    @Test
    void aScanByTheRequestedAccountPairs() throws Exception {
        numberSixShowsAQr();

        scan("{\"phoneNumber\": \"+221771234567\"}").andExpect(status().isOk());

        eventThread.runAll();
        assertThat(listener.events()).last().isInstanceOf(ClientEvent.Connected.class);
    }

    @Test
    void aScanWhenNoQrIsLiveIsNotFound() throws Exception {
        http.perform(post("/simulator/sessions/6/scan"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("no QR code is live for number 6"));
    }

    @Test
    void aScanAfterTheLastQrExpiredIsNotFound() throws Exception {
        numberSixShowsAQr();
        clock.advance(Duration.ofSeconds(20 * 6));

        http.perform(post("/simulator/sessions/6/scan")).andExpect(status().isNotFound());
    }

    @Test
    void aScanByAnotherAccountIsAConflictAndLinksNothing() throws Exception {
        numberSixShowsAQr();

        scan("{\"phoneNumber\": \"+221700000000\"}")
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.error").value(
                        "the scanning account +221700000000 is not the requested number +221771234567: nothing was linked"));
        assertThat(network.storedDevices()).isEmpty();
    }

    @Test
    void aMalformedPhoneNumberIsABadRequestAndScansNothing() throws Exception {
        numberSixShowsAQr();

        scan("{\"phoneNumber\": \"call me\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("phoneNumber must be an optional + and 8 to 15 digits, was \"call me\""));
        http.perform(post("/simulator/sessions/6/scan")).andExpect(status().isOk());
    }

    @Test
    void aBodyThatIsNotJsonIsABadRequest() throws Exception {
        scan("phone=+221771234567")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").exists());
    }

    @Test
    void aNumberIdThatIsNotAnIntegerIsABadRequest() throws Exception {
        http.perform(post("/simulator/sessions/six/scan"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("numberId must be an integer, was \"six\""));
    }

    /** Number 6 connects and asks for a pairing code, returned. */
    private String numberSixShowsACode() {
        WhatsAppClient client = new SimulatedClientFactory(network).open(new ClientSpec(6, "+221771234567"), listener);
        client.connect();
        eventThread.runAll();
        return client.requestPairingCode().code();
    }

    private ResultActions enterCode(String body) throws Exception {
        return http.perform(post("/simulator/sessions/6/code").contentType(MediaType.APPLICATION_JSON).content(body));
    }

    @Test
    void theRightCodePairsAsTheRequestedNumber() throws Exception {
        String code = numberSixShowsACode();

        enterCode("{\"code\": \"" + code + "\"}")
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.numberId").value(6))
                .andExpect(jsonPath("$.phoneNumber").value("+221771234567"))
                .andExpect(jsonPath("$.jid").value("221771234567:1@s.whatsapp.net"));
        eventThread.runAll();
        assertThat(listener.events()).last().isInstanceOf(ClientEvent.Connected.class);
    }

    @Test
    void aCodeWhenNoneIsLiveIsNotFound() throws Exception {
        numberSixShowsAQr();

        enterCode("{\"code\": \"ABCD-EFGH\"}")
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("no pairing code is live for number 6"));
    }

    @Test
    void aCodeAfterItsTtlIsNotFound() throws Exception {
        String code = numberSixShowsACode();
        clock.advance(CODE_TTL);

        enterCode("{\"code\": \"" + code + "\"}").andExpect(status().isNotFound());
    }

    @Test
    void aWrongCodeIsABadRequestAndLinksNothing() throws Exception {
        String code = numberSixShowsACode();
        String wrong = (code.startsWith("A") ? "B" : "A") + code.substring(1);

        enterCode("{\"code\": \"" + wrong + "\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(
                        "the code is not the pairing code of number 6: nothing was linked"));
        assertThat(network.storedDevices()).isEmpty();
    }

    @Test
    void theCodeByAnotherAccountIsAConflictAndLinksNothing() throws Exception {
        String code = numberSixShowsACode();

        enterCode("{\"code\": \"" + code + "\", \"phoneNumber\": \"+221700000000\"}")
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.error").value("the account entering the code +221700000000 is not the"
                        + " requested number +221771234567: nothing was linked"));
        assertThat(network.storedDevices()).isEmpty();
    }

    @Test
    void aMalformedCodeIsABadRequestThatDoesNotEchoIt() throws Exception {
        String code = numberSixShowsACode();

        enterCode("{\"code\": \"" + code + "-1\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("code must be 8 letters or digits, written like ABCD-EFGH"));
        enterCode("{\"code\": \"" + code + "\"}").andExpect(status().isOk());
    }

    @Test
    void aCodeRequestWithoutCodeIsABadRequest() throws Exception {
        numberSixShowsACode();

        enterCode("{\"phoneNumber\": \"+221771234567\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("the body must be JSON like {\"code\": \"ABCD-EFGH\"}"));
        http.perform(post("/simulator/sessions/6/code"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("the body must be JSON like {\"code\": \"ABCD-EFGH\"}"));
        enterCode("ABCD-EFGH")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").exists());
    }

    @Test
    void aMalformedPhoneNumberWithACodeIsABadRequestAndLinksNothing() throws Exception {
        String code = numberSixShowsACode();

        enterCode("{\"code\": \"" + code + "\", \"phoneNumber\": \"call me\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("phoneNumber must be an optional + and 8 to 15 digits, was \"call me\""));
        assertThat(network.storedDevices()).isEmpty();
    }

    @Test
    void theLogoutFromThePhoneRemovesTheLinkedDevice() throws Exception {
        numberSixShowsAQr();
        http.perform(post("/simulator/sessions/6/scan")).andExpect(status().isOk());

        http.perform(post("/simulator/sessions/6/logout"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.numberId").value(6))
                .andExpect(jsonPath("$.jid").value("221771234567:1@s.whatsapp.net"));

        assertThat(network.storedDevices()).isEmpty();
        eventThread.runAll();
        assertThat(listener.events()).last().isEqualTo(new ClientEvent.LoggedOut("device removed from the phone"));
    }

    @Test
    void aLogoutOfANumberWithoutLinkedDeviceIsNotFound() throws Exception {
        http.perform(post("/simulator/sessions/6/logout"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("number 6 has no linked device"));
    }
}
