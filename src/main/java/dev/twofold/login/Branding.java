package dev.twofold.login;

import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The look of the hosted pages, from settings read once at start-up: the product name
 * ({@code TWOFOLD_PRODUCT_NAME}), a logo ({@code TWOFOLD_BRAND_LOGO_URL}, an absolute
 * {@code https} URL) and the primary colour ({@code TWOFOLD_BRAND_COLOR}, {@code #rgb} or
 * {@code #rrggbb}). Both are validated strictly at start-up, so that neither can carry markup
 * or CSS into a page: the colour reaches the pages only through {@code brand.css}, the logo's
 * origin only through the CSP's {@code img-src}. Immutable.
 *
 * @param textColor black or white, whichever reads better on the primary colour
 */
record Branding(String productName, Optional<URI> logoUrl, String color, String textColor) {

    static final String DEFAULT_COLOR = "#1d4ed8";
    private static final Pattern COLOR = Pattern.compile("#(?:[0-9a-fA-F]{3}){1,2}");
    private static final Pattern SAFE_URL =
            Pattern.compile("[A-Za-z0-9._~:/?#\\[\\]@!$&()*+,;=%-]+");

    static Branding from(Settings settings) {
        String name = settings.get(Setting.PRODUCT_NAME).map(String::strip)
                .filter(value -> !value.isEmpty()).orElse("Twofold");
        String color = settings.get(Setting.BRAND_COLOR).map(String::strip)
                .orElse(DEFAULT_COLOR);
        if (!COLOR.matcher(color).matches()) {
            throw new Settings.ConfigurationException("TWOFOLD_BRAND_COLOR must be a hex colour"
                    + " such as #1d4ed8 or #19c, got '" + color + "'");
        }
        Optional<URI> logo = settings.get(Setting.BRAND_LOGO_URL).map(String::strip)
                .filter(value -> !value.isEmpty()).map(Branding::logo);
        String normalized = normalize(color);
        return new Branding(name, logo, normalized, luminance(normalized) > 0.4
                ? "#111827" : "#ffffff");
    }

    private static URI logo(String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null
                || uri.getRawUserInfo() != null || !SAFE_URL.matcher(value).matches()) {
            throw new Settings.ConfigurationException("TWOFOLD_BRAND_LOGO_URL must be an"
                    + " absolute https URL such as https://cdn.example.com/logo.svg");
        }
        return uri;
    }

    /** {@code #19c} becomes {@code #1199cc}; lower case. */
    private static String normalize(String color) {
        String hex = color.substring(1).toLowerCase(Locale.ROOT);
        if (hex.length() == 3) {
            hex = "" + hex.charAt(0) + hex.charAt(0) + hex.charAt(1) + hex.charAt(1)
                    + hex.charAt(2) + hex.charAt(2);
        }
        return "#" + hex;
    }

    /** WCAG 2 relative luminance of a {@code #rrggbb} colour. */
    private static double luminance(String color) {
        double total = 0;
        double[] weights = {0.2126, 0.7152, 0.0722};
        for (int channel = 0; channel < 3; channel++) {
            double value = Integer.parseInt(color.substring(1 + 2 * channel, 3 + 2 * channel),
                    16) / 255.0;
            double linear = value <= 0.03928 ? value / 12.92
                    : Math.pow((value + 0.055) / 1.055, 2.4);
            total += weights[channel] * linear;
        }
        return total;
    }

    /** The stylesheet that carries the colour; nothing in it comes from a request. */
    String stylesheet() {
        return ":root { --brand: " + color + "; --brand-text: " + textColor + "; }\n";
    }

    /** The logo's origin for the CSP's img-src, if there is a logo. */
    Optional<String> logoSource() {
        return logoUrl.map(uri -> "https://" + uri.getRawAuthority());
    }
}
