package dev.waworker.whatsapp.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.waworker.testing.LogCapture;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientEventListener;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.PairingCode;
import dev.waworker.whatsapp.StoredDevice;
import dev.waworker.whatsapp.WhatsAppClient;

class SimulatedWhatsAppTest extends NetworkByHand {

    private static final Pattern PAIRING_STRING = Pattern.compile(
            "https://wa\\.me/settings/linked_devices#(2@[A-Za-z0-9+/]+={0,2}),"
                    + "([A-Za-z0-9+/]{43}=),([A-Za-z0-9+/]{43}=),([A-Za-z0-9+/]{43}=),([^,]+)");

    private static final Duration FIRST_TTL = Duration.ofSeconds(60);
    private static final Duration NEXT_TTL = Duration.ofSeconds(20);
    private static final Duration CODE_TTL = Duration.ofSeconds(160);
    private static final ClientSpec NUMBER_6 = new ClientSpec(6, "+221771234567");

    private SimulatedWhatsApp network;

    @BeforeEach
    void startTheNetwork() {
        network = startNetwork(3);
    }

    private SimulatedWhatsApp startNetwork(int refsPerConnection) {
        return startNetwork(FIRST_TTL, NEXT_TTL, refsPerConnection, CODE_TTL);
    }

    private WhatsAppClient open(ClientSpec spec, ClientEventListener listener) {
        return new SimulatedClientFactory(network).open(spec, listener);
    }

    private WhatsAppClient connectedUnpairedClient() {
        WhatsAppClient client = open(NUMBER_6, listener);
        connectAndDeliver(client);
        return client;
    }

    /** Number 6 linked: the outcome names its device, stored, and its client heard pair success, then connected. */
    private void assertNumberSixLinked(Object outcome) {
        StoredDevice device = new StoredDevice(6, "+221771234567", "221771234567:1@s.whatsapp.net");
        assertThat(outcome).isEqualTo(new ScanOutcome.Linked(device));
        assertThat(listener.eventsAfter(1)).containsExactly(
                new ClientEvent.PairSuccess(device.jid(), "+221771234567", SimulatedWhatsApp.PHONE_PLATFORM),
                new ClientEvent.Connected(device.jid(), "+221771234567"));
        assertThat(network.storedDevices()).containsExactly(device);
    }

    /** A client of number 6 whose QR was scanned by the requested account, all its events delivered. */
    private WhatsAppClient pairedClient() {
        WhatsAppClient client = connectedUnpairedClient();
        assertThat(network.scan(6, Optional.empty())).isInstanceOf(ScanOutcome.Linked.class);
        eventThread.runAll();
        return client;
    }

    @Test
    void anUnpairedClientGetsItsBatchOfQrCodesLaterOnTheEventThreadNotInsideConnect() {
        network = startNetwork(6);
        WhatsAppClient client = open(NUMBER_6, listener);

        client.connect();
        assertThat(listener.events()).as("nothing is delivered inside connect()").isEmpty();
        assertThat(eventThread.pending()).isEqualTo(1);

        eventThread.runAll();
        assertThat(listener.events()).singleElement().isInstanceOfSatisfying(ClientEvent.QrCodes.class, batch -> {
            assertThat(batch.firstTtl()).isEqualTo(FIRST_TTL);
            assertThat(batch.nextTtl()).isEqualTo(NEXT_TTL);
            assertThat(batch.codes()).hasSize(6).doesNotHaveDuplicates();
            List<Matcher> parsed = batch.codes().stream().map(PAIRING_STRING::matcher).toList();
            assertThat(parsed).allSatisfy(code -> assertThat(code.matches()).as("contract shape").isTrue());
            parsed.forEach(code -> {
                for (int key = 2; key <= 4; key++) {
                    assertThat(Base64.getDecoder().decode(code.group(key))).hasSize(32);
                }
            });
            assertThat(parsed.stream().map(code -> code.group(1)).distinct()).as("one ref per code").hasSize(6);
            assertThat(parsed.stream().map(code -> code.group(2) + code.group(3) + code.group(4)).distinct())
                    .as("the client's keys are the same in every code").hasSize(1);
        });
        assertThat(client.isPaired()).isFalse();
    }

    @Test
    void theFirstRefIsScannableUntilItsLifetimeEnds() {
        connectedUnpairedClient();

        clock.advance(FIRST_TTL.minusMillis(1));

        assertThat(network.scan(6, Optional.empty())).isInstanceOf(ScanOutcome.Linked.class);
    }

    @Test
    void afterTheFirstExpiryTheScanHitsALaterRef() {
        connectedUnpairedClient();

        clock.advance(FIRST_TTL.plus(NEXT_TTL).plusSeconds(5));

        assertThat(network.scan(6, Optional.empty())).isInstanceOf(ScanOutcome.Linked.class);
    }

    @Test
    void aPhoneReadingAnExactCodePairsOnlyWhileThatCodeIsTheLiveOne() {
        connectedUnpairedClient();
        List<String> codes = ((ClientEvent.QrCodes) listener.events().getFirst()).codes();
        clock.advance(FIRST_TTL);

        assertThat(network.scanCode(codes.get(0), Optional.empty())).as("expired")
                .isInstanceOf(ScanOutcome.NoLiveQr.class);
        assertThat(network.scanCode(codes.get(2), Optional.empty())).as("not shown yet")
                .isInstanceOf(ScanOutcome.NoLiveQr.class);
        assertThat(network.scanCode("2@forged", Optional.empty())).isInstanceOf(ScanOutcome.NoLiveQr.class);
        assertThat(network.scanCode(codes.get(1), Optional.empty())).isInstanceOf(ScanOutcome.Linked.class);
    }

    @Test
    void afterTheLastRefExpiredNoQrIsLiveAndNothingHappens() {
        connectedUnpairedClient();
        List<ClientEvent> before = listener.events();

        clock.advance(FIRST_TTL.plus(NEXT_TTL).plus(NEXT_TTL));

        assertThat(network.scan(6, Optional.empty())).isInstanceOf(ScanOutcome.NoLiveQr.class);
        eventThread.runAll();
        assertThat(listener.events()).isEqualTo(before);
        assertThat(network.storedDevices()).isEmpty();
    }

    @Test
    void aNumberWithoutConnectionHasNoLiveQr() {
        open(NUMBER_6, listener);

        assertThat(network.scan(6, Optional.empty())).isInstanceOf(ScanOutcome.NoLiveQr.class);
    }

    @Test
    void aScanPairsTheDeviceStoresItAndReportsPairSuccessThenConnected() {
        WhatsAppClient client = connectedUnpairedClient();

        ScanOutcome outcome = network.scan(6, Optional.empty());
        eventThread.runAll();

        assertNumberSixLinked(outcome);
        assertThat(client.isPaired()).isTrue();
        assertThat(network.scan(6, Optional.empty())).as("the connection no longer shows a QR")
                .isInstanceOf(ScanOutcome.NoLiveQr.class);
    }

    @Test
    void theScanningAccountIsComparedByItsDigits() {
        connectedUnpairedClient();

        assertThat(network.scan(6, Optional.of("221771234567"))).isInstanceOf(ScanOutcome.Linked.class);
    }

    @Test
    void anotherAccountIsRefusedNothingIsStoredAndTheConnectionDrops() {
        connectedUnpairedClient();

        ScanOutcome outcome = network.scan(6, Optional.of("+221700000000"));
        eventThread.runAll();

        assertThat(outcome).isEqualTo(new ScanOutcome.PhoneMismatch("+221771234567", "+221700000000"));
        assertThat(listener.eventsAfter(1)).containsExactly(new ClientEvent.PhoneMismatch("+221700000000"));
        assertThat(network.storedDevices()).isEmpty();
        assertThat(dataDir.resolve(SimulatedDeviceStore.FILE_NAME)).doesNotExist();
        assertThat(network.scan(6, Optional.empty())).as("the refused connection's refs are gone")
                .isInstanceOf(ScanOutcome.NoLiveQr.class);
    }

    @Test
    void aPairedClientConnectsWithoutQr() {
        WhatsAppClient client = pairedClient();
        client.disconnect();
        int seen = listener.events().size();

        connectAndDeliver(client);

        assertThat(listener.eventsAfter(seen))
                .containsExactly(new ClientEvent.Connected("221771234567:1@s.whatsapp.net", "+221771234567"));
    }

    @Test
    void anUnpairedClientReconnectingGetsFreshRefsWithTheSameKeys() {
        WhatsAppClient client = connectedUnpairedClient();
        client.disconnect();
        assertThat(network.scan(6, Optional.empty())).as("the dropped connection's refs died")
                .isInstanceOf(ScanOutcome.NoLiveQr.class);

        connectAndDeliver(client);

        List<ClientEvent.QrCodes> batches = listener.events().stream()
                .map(ClientEvent.QrCodes.class::cast).toList();
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1).codes()).doesNotContainAnyElementsOf(batches.get(0).codes());
        assertThat(keysOf(batches.get(1).codes().getFirst())).isEqualTo(keysOf(batches.get(0).codes().getFirst()));
        assertThat(network.scan(6, Optional.empty())).isInstanceOf(ScanOutcome.Linked.class);
    }

    @Test
    void aBatchIsNotDeliveredWhenItsConnectionDroppedBeforeTheEventThreadGotToIt() {
        WhatsAppClient client = open(NUMBER_6, listener);

        client.connect();
        client.disconnect();
        eventThread.runAll();

        assertThat(listener.events()).isEmpty();
    }

    @Test
    void connectingTwiceOrAfterCloseIsABug() {
        WhatsAppClient client = connectedUnpairedClient();

        assertThatThrownBy(client::connect).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already connected");
        client.close();
        assertThatThrownBy(client::connect).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aSecondDeviceOfTheSameAccountGetsTheNextDeviceNumber() {
        pairedClient();
        open(new ClientSpec(7, "+221771234567"), new RecordingListener()).connect();

        ScanOutcome outcome = network.scan(7, Optional.empty());

        assertThat(outcome).isEqualTo(new ScanOutcome.Linked(
                new StoredDevice(7, "+221771234567", "221771234567:2@s.whatsapp.net")));
    }

    @Test
    void removingTheDeviceFromThePhoneLogsTheClientOutAndDeletesIt() {
        WhatsAppClient client = pairedClient();
        int seen = listener.events().size();

        Optional<StoredDevice> removed = network.removeFromPhone(6);
        eventThread.runAll();

        assertThat(removed).map(StoredDevice::jid).contains("221771234567:1@s.whatsapp.net");
        assertThat(listener.eventsAfter(seen))
                .containsExactly(new ClientEvent.LoggedOut(SimulatedWhatsApp.LOGGED_OUT_FROM_PHONE));
        assertThat(client.isPaired()).isFalse();
        assertThat(network.storedDevices()).isEmpty();
        assertThat(network.removeFromPhone(6)).as("nothing left to remove").isEmpty();
    }

    @Test
    void theClientsLogoutDeletesTheDeviceAndTheNextConnectionPairsAgain() {
        WhatsAppClient client = pairedClient();
        int seen = listener.events().size();

        client.logout();
        connectAndDeliver(client);

        assertThat(network.storedDevices()).isEmpty();
        assertThat(listener.eventsAfter(seen)).singleElement().isInstanceOf(ClientEvent.QrCodes.class);
    }

    @Test
    void aSecondConnectionOfTheSameDeviceReplacesTheFirst() {
        WhatsAppClient first = pairedClient();
        int seen = listener.events().size();
        RecordingListener secondListener = new RecordingListener();

        open(NUMBER_6, secondListener).connect();
        eventThread.runAll();

        assertThat(listener.eventsAfter(seen)).containsExactly(new ClientEvent.StreamReplaced());
        assertThat(secondListener.events()).singleElement().isInstanceOf(ClientEvent.Connected.class);
        first.connect();
        eventThread.runAll();
        assertThat(secondListener.events()).last().isEqualTo(new ClientEvent.StreamReplaced());
    }

    @Test
    void theLinkedDevicesSurviveARestart() {
        WhatsAppClient client = pairedClient();
        client.close();

        network = startNetwork(3);
        RecordingListener afterRestart = new RecordingListener();
        WhatsAppClient reopened = open(NUMBER_6, afterRestart);
        reopened.connect();
        eventThread.runAll();

        assertThat(network.storedDevices())
                .containsExactly(new StoredDevice(6, "+221771234567", "221771234567:1@s.whatsapp.net"));
        assertThat(reopened.isPaired()).isTrue();
        assertThat(afterRestart.events())
                .containsExactly(new ClientEvent.Connected("221771234567:1@s.whatsapp.net", "+221771234567"));
    }

    @Test
    void forgetDeletesTheStoredDevice() {
        pairedClient();
        SimulatedClientFactory factory = new SimulatedClientFactory(network);

        assertThat(factory.forget(6)).isTrue();
        assertThat(factory.forget(6)).isFalse();
        assertThat(factory.storedDevices()).isEmpty();
        assertThat(startNetwork(3).storedDevices()).as("deleted on disk too").isEmpty();
    }

    @Test
    void noEventReachesAClosedClient() {
        WhatsAppClient client = connectedUnpairedClient();
        network.scan(6, Optional.empty());

        client.close();
        eventThread.runAll();
        network.removeFromPhone(6);
        eventThread.runAll();

        assertThat(listener.events()).singleElement().isInstanceOf(ClientEvent.QrCodes.class);
    }

    @Test
    void aFailingListenerDoesNotStopDeliveriesToOthers() {
        WhatsAppClient failing = open(new ClientSpec(7, "+221770000007"), event -> {
            throw new IllegalStateException("listener bug");
        });
        failing.connect();
        WhatsAppClient healthy = open(NUMBER_6, listener);
        healthy.connect();

        eventThread.runAll();

        assertThat(listener.events()).singleElement().isInstanceOf(ClientEvent.QrCodes.class);
    }

    /** "Link with phone number": the client asks for a code, the phone's user types it. */
    @Nested
    class PairingCodes {

        private final Pattern shownCode = Pattern.compile("[1-9A-HJ-NP-TV-Z]{4}-[1-9A-HJ-NP-TV-Z]{4}");

        @Test
        void aPairingConnectionHandsOutCodesInWhatsAppsShapeAndAlphabet() {
            WhatsAppClient client = connectedUnpairedClient();
            int seen = listener.events().size();

            PairingCode first = client.requestPairingCode();
            PairingCode second = client.requestPairingCode();

            assertThat(first.code()).matches(shownCode);
            assertThat(second.code()).matches(shownCode).isNotEqualTo(first.code());
            assertThat(first.ttl()).isEqualTo(CODE_TTL);
            eventThread.runAll();
            assertThat(listener.eventsAfter(seen)).as("the code is the answer, not an event").isEmpty();
        }

        @Test
        void onlyAClientOnAPairingConnectionCanAskForACode() {
            WhatsAppClient notConnected = open(NUMBER_6, listener);
            assertThatThrownBy(notConnected::requestPairingCode).isInstanceOf(IllegalStateException.class)
                    .hasMessage("number 6 has no pairing connection to ask a pairing code on");

            WhatsAppClient paired = pairedClient();
            assertThatThrownBy(paired::requestPairingCode).isInstanceOf(IllegalStateException.class);

            paired.close();
            assertThatThrownBy(paired::requestPairingCode).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }

        @Test
        void theRightCodePairsLikeAScan() {
            WhatsAppClient client = connectedUnpairedClient();
            String code = client.requestPairingCode().code();

            CodeEntryOutcome outcome = network.enterCode(6, code, Optional.empty());
            eventThread.runAll();

            assertNumberSixLinked(outcome);
            assertThat(network.enterCode(6, code, Optional.empty())).as("used up")
                    .isInstanceOf(CodeEntryOutcome.NoLiveCode.class);
        }

        @Test
        void theDashAndTheCaseDoNotMatter() {
            String code = connectedUnpairedClient().requestPairingCode().code();

            assertThat(network.enterCode(6, code.replace("-", "").toLowerCase(Locale.ROOT), Optional.empty()))
                    .isInstanceOf(ScanOutcome.Linked.class);
        }

        @Test
        void aWrongCodeLinksNothingAndTheRightOneStillWorks() {
            String code = connectedUnpairedClient().requestPairingCode().code();
            String wrong = code.startsWith("A") ? "B" + code.substring(1) : "A" + code.substring(1);

            assertThat(network.enterCode(6, wrong, Optional.empty())).isInstanceOf(CodeEntryOutcome.WrongCode.class);
            assertThat(network.storedDevices()).isEmpty();
            assertThat(network.enterCode(6, code, Optional.empty())).isInstanceOf(ScanOutcome.Linked.class);
        }

        @Test
        void aCodeLivesItsTtl() {
            String code = connectedUnpairedClient().requestPairingCode().code();

            clock.advance(CODE_TTL);

            assertThat(network.enterCode(6, code, Optional.empty())).isInstanceOf(CodeEntryOutcome.NoLiveCode.class);
        }

        @Test
        void aCodeIsLiveUntilTheEndOfItsTtl() {
            String code = connectedUnpairedClient().requestPairingCode().code();

            clock.advance(CODE_TTL.minusMillis(1));

            assertThat(network.enterCode(6, code, Optional.empty())).isInstanceOf(ScanOutcome.Linked.class);
        }

        @Test
        void aCodeDiesWithItsConnection() {
            WhatsAppClient client = connectedUnpairedClient();
            String code = client.requestPairingCode().code();

            client.disconnect();
            connectAndDeliver(client);

            assertThat(network.enterCode(6, code, Optional.empty())).isInstanceOf(CodeEntryOutcome.NoLiveCode.class);
        }

        @Test
        void aLiveQrIsNoLiveCode() {
            connectedUnpairedClient();

            assertThat(network.enterCode(6, "ABCD-EFGH", Optional.empty()))
                    .isInstanceOf(CodeEntryOutcome.NoLiveCode.class);
        }

        @Test
        void anotherAccountIsRefusedAsForAScan() {
            String code = connectedUnpairedClient().requestPairingCode().code();

            CodeEntryOutcome outcome = network.enterCode(6, code, Optional.of("+221700000000"));
            eventThread.runAll();

            assertThat(outcome).isEqualTo(new ScanOutcome.PhoneMismatch("+221771234567", "+221700000000"));
            assertThat(listener.eventsAfter(1)).containsExactly(new ClientEvent.PhoneMismatch("+221700000000"));
            assertThat(network.storedDevices()).isEmpty();
            assertThat(network.enterCode(6, code, Optional.empty())).as("the refused connection's code is gone")
                    .isInstanceOf(CodeEntryOutcome.NoLiveCode.class);
        }

        @Test
        void theCodeNeverReachesTheLogAboveDebug() {
            try (LogCapture logs = LogCapture.of(SimulatedWhatsApp.class)) {
                String code = connectedUnpairedClient().requestPairingCode().code();
                network.enterCode(6, "ZZZZ-ZZZZ".equals(code) ? "YYYY-YYYY" : "ZZZZ-ZZZZ", Optional.empty());
                network.enterCode(6, code, Optional.empty());

                assertThat(logs.messagesAboveDebug()).as("the wrong code and the pairing are logged").hasSize(2)
                        .noneMatch(message -> message.contains(code) || message.contains("ZZZZ"));
                assertThat(logs.debugMessages()).anyMatch(message -> message.contains(code));
            }
        }
    }

    @Test
    void thePairingStringsAndKeysNeverReachTheLogAboveDebug() {
        List<String> codes;
        try (LogCapture logs = LogCapture.of(SimulatedWhatsApp.class)) {
            connectedUnpairedClient();
            codes = ((ClientEvent.QrCodes) listener.events().getFirst()).codes();
            network.scan(6, Optional.of("+221700000000"));
            open(NUMBER_6, listener).connect();
            network.scan(6, Optional.empty());
            network.removeFromPhone(6);

            assertThat(logs.messagesAboveDebug()).as("the scans and the removal are logged").hasSize(3);
            String keys = keysOf(codes.getFirst());
            assertThat(logs.messagesAboveDebug()).allSatisfy(message -> assertThat(message)
                    .doesNotContain("wa.me").doesNotContain("2@").doesNotContain(keys.split(",")[0]));
        }
    }

    private static String keysOf(String pairingString) {
        Matcher code = PAIRING_STRING.matcher(pairingString);
        assertThat(code.matches()).isTrue();
        return code.group(2) + "," + code.group(3) + "," + code.group(4);
    }
}
