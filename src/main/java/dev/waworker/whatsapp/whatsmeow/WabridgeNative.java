package dev.waworker.whatsapp.whatsmeow;

import java.util.Map;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The C functions of libwabridge, bound with JNA's direct mapping.
 *
 * <p>Direct mapping ({@link Native#register}) rather than a {@code Library} interface: the call goes straight to a
 * generated JNI stub instead of through a dynamic proxy and reflective argument conversion, which the JMH bench
 * ({@code scripts/bench-bridge.sh}) measures as the cheaper round trip; every argument here is a primitive or a
 * string, which direct mapping supports. Every returned pointer is a malloc'ed UTF-8 JSON string that must go
 * back through {@link #wb_free} (only {@link #wb_next_event} may return NULL, on timeout).
 *
 * <p>JNA finds the library as the class-path resource {@code linux-x86-64/libwabridge.so}, which the build puts in
 * the jar.
 */
final class WabridgeNative {

    static final String LIBRARY = "wabridge";

    static {
        // The bridge speaks UTF-8 whatever the JVM's default charset is. The library is looked up with this
        // class's loader: in the Spring Boot jar that is the one that sees BOOT-INF/classes/linux-x86-64/.
        Native.register(WabridgeNative.class, NativeLibrary.getInstance(LIBRARY, Map.of(
                Library.OPTION_STRING_ENCODING, "UTF-8",
                Library.OPTION_CLASSLOADER, WabridgeNative.class.getClassLoader())));
    }

    private WabridgeNative() {
    }

    static native Pointer wb_version();

    static native Pointer wb_stats();

    static native Pointer wb_open_store(String configJson);

    static native Pointer wb_close_store();

    static native Pointer wb_client_create(String specJson);

    static native Pointer wb_client_connect(long handle);

    static native Pointer wb_client_disconnect(long handle);

    static native Pointer wb_client_logout(long handle);

    static native Pointer wb_client_pair_phone(long handle, String phoneNumber);

    static native Pointer wb_client_destroy(long handle);

    static native Pointer wb_devices();

    static native Pointer wb_device_delete(long numberId);

    static native Pointer wb_next_event(int timeoutMs);

    static native void wb_free(Pointer string);
}
