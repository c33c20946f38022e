package dev.waworker.whatsapp.whatsmeow;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The cost of crossing into libwabridge and back (run by scripts/bench-bridge.sh, not by the test suite), for
 * the two ways JNA can bind it, so that the choice of direct mapping in {@link WabridgeNative} rests on a
 * measurement:
 * <ul>
 *   <li>{@code *NextEventEmpty}: {@code wb_next_event(0)} on an empty queue returns NULL: the bare call.</li>
 *   <li>{@code *VersionRoundTrip}: {@code wb_version()}, the JSON copied into a Java string, then
 *       {@code wb_free}: what every bridge call pays.</li>
 *   <li>{@code wrapperVersion}: the same through {@link Wabridge}, JSON parsed into a record.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class BridgeCallBenchmark {

    /** The interface-mapped binding, for comparison only. */
    public interface WabridgeLibrary extends Library {
        Pointer wb_version();

        Pointer wb_next_event(int timeoutMs);

        void wb_free(Pointer string);
    }

    private WabridgeLibrary library;
    private Wabridge wrapper;

    @Setup
    public void load() {
        wrapper = new Wabridge();
        wrapper.version(); // loads the library through the direct mapping first
        library = Native.load(WabridgeNative.LIBRARY, WabridgeLibrary.class,
                Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));
    }

    @Benchmark
    public Pointer directNextEventEmpty() {
        return WabridgeNative.wb_next_event(0);
    }

    @Benchmark
    public Pointer interfaceNextEventEmpty() {
        return library.wb_next_event(0);
    }

    @Benchmark
    public String directVersionRoundTrip() {
        Pointer answer = WabridgeNative.wb_version();
        try {
            return answer.getString(0, "UTF-8");
        } finally {
            WabridgeNative.wb_free(answer);
        }
    }

    @Benchmark
    public String interfaceVersionRoundTrip() {
        Pointer answer = library.wb_version();
        try {
            return answer.getString(0, "UTF-8");
        } finally {
            library.wb_free(answer);
        }
    }

    @Benchmark
    public Wabridge.Version wrapperVersion() {
        return wrapper.version();
    }
}
