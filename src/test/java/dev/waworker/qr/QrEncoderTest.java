package dev.waworker.qr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.IntStream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The encoder against two independent oracles: ZXing's encoder, which lays out the same codewords with the mask it
 * is told to use, and {@link ReferencePenalty}, the penalty rule written module by module. Our symbol must be
 * ZXing's symbol for the mask with the lowest reference penalty of all 8 (the first of equals, as §7.8.3 leaves
 * ties open and ZXing keeps the first too).
 */
class QrEncoderTest {

    @Property(tries = 60)
    void aPairingStringGetsTheMaskWithTheLowestPenaltyOfAllEight(@ForAll("pairingStrings") String text) {
        assertChosenByPenalty(text);
    }

    @Property(tries = 200)
    void anyByteModeTextGetsTheMaskWithTheLowestPenaltyOfAllEight(@ForAll("byteModeTexts") String text) {
        assertChosenByPenalty(text);
    }

    @Property(tries = 300)
    void theBitPackedPenaltyEqualsTheModuleByModuleOne(@ForAll("squares") boolean[][] dark) {
        ModuleLines lines = new ModuleLines(dark.length);
        long[] rows = lines.newMatrix();
        long[] columns = lines.newMatrix();
        for (int row = 0; row < dark.length; row++) {
            for (int column = 0; column < dark.length; column++) {
                if (dark[row][column]) {
                    lines.set(rows, columns, row, column);
                }
            }
        }

        assertThat(MaskPenalty.of(rows, columns, lines)).isEqualTo(ReferencePenalty.of(dark));
    }

    @Example
    void thePenaltyOfAllEightMasksIsScoredNotJustTheFirst() {
        // A text whose best mask is not 0 (found by trying): were the encoder to stop early, it would keep mask 0.
        String text = IntStream.range(0, 64).mapToObj(i -> PairingStrings.plain(new Random(i)))
                .filter(t -> QrEncoder.encode(t).mask() == 7).findFirst().orElseThrow();

        assertChosenByPenalty(text);
    }

    @Example
    void theVersionIsTheSmallestThatHoldsTheText() {
        // Version 11 at level M holds 254 data codewords: 3 of them go to the mode and the 16-bit length.
        assertThat(QrEncoder.encode("a".repeat(251)).version()).isEqualTo(11);
        assertThat(QrEncoder.encode("a".repeat(252)).version()).isEqualTo(12);
        assertThat(QrEncoder.encode(PairingStrings.plain(new Random(1))).version()).isEqualTo(11);
    }

    @Example
    void textLongerThanTheLargestSymbolIsRefusedWithItsLength() {
        assertThatThrownBy(() -> QrEncoder.encode("a".repeat(2332)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2332 bytes");
    }

    private static void assertChosenByPenalty(String text) {
        QrSymbol ours = QrEncoder.encode(text);

        ZxingMaskOracle.Choice expected = ZxingMaskOracle.lowestPenalty(text, ours.version());

        assertThat(ours.mask()).as("mask").isEqualTo(expected.mask());
        assertThat(asGrid(ours)).as("modules").isDeepEqualTo(expected.modules());
    }

    private static boolean[][] asGrid(QrSymbol symbol) {
        boolean[][] grid = new boolean[symbol.size()][symbol.size()];
        for (int row = 0; row < grid.length; row++) {
            for (int column = 0; column < grid.length; column++) {
                grid[row][column] = symbol.isDark(row, column);
            }
        }
        return grid;
    }

    @Provide
    Arbitrary<String> pairingStrings() {
        return Arbitraries.longs().map(seed -> {
            Random random = new Random(seed);
            return random.nextBoolean() ? PairingStrings.plain(random) : PairingStrings.asLink(random);
        });
    }

    /** Printable ASCII with a lowercase letter, so that ZXing too picks byte mode; lengths across versions 1 to 40. */
    @Provide
    Arbitrary<String> byteModeTexts() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMinLength(0).ofMaxLength(2000)
                .map(s -> "q" + s);
    }

    /** Random squares of every size a symbol has, and the sizes around a word's 64 bits. */
    @Provide
    Arbitrary<boolean[][]> squares() {
        return Arbitraries.integers().between(21, 177).flatMap(n -> Arbitraries.longs().map(seed -> {
            Random random = new Random(seed);
            double darkShare = random.nextDouble();
            boolean[][] dark = new boolean[n][n];
            for (boolean[] row : dark) {
                for (int j = 0; j < n; j++) {
                    row[j] = random.nextDouble() < darkShare;
                }
            }
            return dark;
        }));
    }
}
