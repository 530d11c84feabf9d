package dev.lifeboat.activities.codec.keys;

/**
 * A backup's data key as stored: encrypted by a key-encryption key (KEK). Without the KEK it is
 * useless; deleting it makes the backup unreadable for good (crypto-shredding).
 *
 * @param provider which kind of KEK wrapped it: {@code local} or {@code aws-kms}
 * @param kekId the KEK's identifier, so rotation knows what to re-wrap
 * @param ciphertext the wrapped key, base64
 */
public record WrappedKey(String provider, String kekId, String ciphertext) {}
