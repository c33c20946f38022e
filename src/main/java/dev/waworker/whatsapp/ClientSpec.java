package dev.waworker.whatsapp;

/**
 * What a client is opened for: the backend's number id and the phone number the linked account must have.
 */
public record ClientSpec(long numberId, String phoneNumber) {
}
