package dev.twofold.server;

import dev.twofold.crypto.Randoms;
import dev.twofold.crypto.SecretBox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * Where the at-rest encryption key comes from: {@code TWOFOLD_ENCRYPTION_KEY} (base64 of 32
 * bytes), required in production; in development mode a key generated once and kept in
 * {@code <data dir>/encryption.key}.
 */
final class EncryptionKeySource {

    private EncryptionKeySource() {
    }

    static SecretBox secretBox(Settings settings) {
        String encoded = settings.get(Setting.ENCRYPTION_KEY)
                .orElseGet(() -> developmentKey(settings));
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new Settings.ConfigurationException("TWOFOLD_ENCRYPTION_KEY must be base64 of"
                    + " 32 random bytes, e.g. the output of: openssl rand -base64 32");
        }
        if (key.length != 32) {
            throw new Settings.ConfigurationException("TWOFOLD_ENCRYPTION_KEY must decode to 32"
                    + " bytes; it decodes to " + key.length + ". Try: openssl rand -base64 32");
        }
        return new SecretBox(key);
    }

    private static String developmentKey(Settings settings) {
        if (!settings.isDev()) {
            throw new Settings.ConfigurationException("TWOFOLD_ENCRYPTION_KEY is not set."
                    + " Production mode needs the key that encrypts TOTP secrets, phone numbers"
                    + " and signing keys at rest: openssl rand -base64 32");
        }
        Path file = settings.dataDir().resolve("encryption.key");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            Files.createDirectories(file.getParent());
            String key = Base64.getEncoder().encodeToString(Randoms.bytes(32));
            Files.writeString(file, key, StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system; the file keeps the default permissions.
            }
            return key;
        } catch (IOException e) {
            throw new Settings.ConfigurationException("The development encryption key in "
                    + file + " could not be read or written: " + e.getMessage());
        }
    }
}
