package dev.waworker.session;

/** Phone numbers as the contract writes them: an optional {@code +} and 8 to 15 digits. */
final class PhoneNumbers {
    private PhoneNumbers() {
    }

    /** Whether both name the same number, whatever their formatting ({@code +}, spaces). */
    static boolean sameNumber(String a, String b) {
        return digits(a).equals(digits(b));
    }

    static String digits(String phoneNumber) {
        return phoneNumber == null ? "" : phoneNumber.replaceAll("[^0-9]", "");
    }
}
