package dev.twofold.reliability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A corpus of malformed requests across every endpoint: wrong methods and content types,
 * missing and repeated parameters, huge and truncated bodies, invalid UTF-8, deeply nested
 * JSON, header injection, over-long tokens and odd path encodings. Each case is the raw bytes
 * of one HTTP/1.1 request with {@code Connection: close}.
 */
final class BadInputCorpus {

    /** One malformed request; {@code htmlAllowed} for browser endpoints (hosted pages). */
    record Case(String name, byte[] request, boolean htmlAllowed) {

        @Override
        public String toString() {
            return name;
        }
    }

    /** Endpoints that take a body of parameters (form or JSON). */
    static final List<String> BODY_ENDPOINTS = List.of("/oauth/token", "/oauth/revoke",
            "/oauth/introspect", "/dbconnections/signup", "/mfa/associate", "/mfa/challenge",
            "/userinfo", "/api/v2/clients", "/api/v2/users", "/api/v2/resource-servers",
            "/api/v2/client-grants", "/login");
    /** Endpoints read with GET and a bearer token or query. */
    static final List<String> GET_ENDPOINTS = List.of("/userinfo", "/mfa/authenticators",
            "/api/v2/clients", "/api/v2/users", "/api/v2/users/auth0%7Cnobody",
            "/api/v2/clients/nobody", "/dev/outbox");
    /** Browser endpoints, where an HTML error page or a redirect is a fair answer. */
    static final List<String> BROWSER_ENDPOINTS = List.of("/authorize", "/login", "/v2/logout",
            "/oidc/logout");

    private final String host;
    private final List<Case> cases = new ArrayList<>();

    BadInputCorpus(String host) {
        this.host = host;
    }

    List<Case> build() {
        for (String path : BODY_ENDPOINTS) {
            wrongMethods(path);
            contentTypes(path);
            missingAndRepeated(path);
            brokenBodies(path);
            overLongValues(path);
            basicCredentials(path);
        }
        for (String path : GET_ENDPOINTS) {
            bearerTokens(path);
        }
        for (String path : BROWSER_ENDPOINTS) {
            browserQueries(path);
        }
        oddPaths();
        headerInjection();
        return List.copyOf(cases);
    }

    private boolean browser(String path) {
        return BROWSER_ENDPOINTS.contains(path.split("\\?")[0]);
    }

    private void add(String name, String method, String path, String contentType, byte[] body,
                     String... extraHeaders) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: ").append(host).append("\r\nConnection: close");
        if (contentType != null) {
            head.append("\r\nContent-Type: ").append(contentType);
        }
        if (body != null) {
            head.append("\r\nContent-Length: ").append(body.length);
        }
        for (String header : extraHeaders) {
            head.append("\r\n").append(header);
        }
        cases.add(new Case(name + " " + method + " " + path, RawHttp.request(head.toString(),
                body), browser(path)));
    }

    private void addRaw(String name, String head, byte[] body, boolean htmlAllowed) {
        cases.add(new Case(name, RawHttp.request(head, body), htmlAllowed));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String JSON = "application/json";

    private void wrongMethods(String path) {
        for (String method : List.of("PUT", "PATCH", "TRACE")) {
            add("wrong method", method, path, FORM, utf8("grant_type=password"));
        }
    }

    private void contentTypes(String path) {
        byte[] form = utf8("grant_type=password&client_id=c1");
        add("text/plain body", "POST", path, "text/plain", form);
        add("xml body", "POST", path, "application/xml", utf8("<grant_type>x</grant_type>"));
        add("multipart without boundary", "POST", path, "multipart/form-data", form);
        add("no content type", "POST", path, null, form);
        add("json type with form body", "POST", path, JSON, form);
        add("garbage content type", "POST", path, ";;;===\u00e9", form);
    }

    private void missingAndRepeated(String path) {
        add("empty form", "POST", path, FORM, new byte[0]);
        add("empty json object", "POST", path, JSON, utf8("{}"));
        add("json array", "POST", path, JSON, utf8("[\"grant_type\",\"password\"]"));
        add("json string", "POST", path, JSON, utf8("\"password\""));
        add("json null", "POST", path, JSON, utf8("null"));
        add("repeated form parameters", "POST", path, FORM,
                utf8("grant_type=password&grant_type=client_credentials&client_id=c1"
                        + "&client_id=c2&mfa_token=a&mfa_token=b&email=a&email=b"));
        add("repeated json keys", "POST", path, JSON,
                utf8("{\"client_id\":\"c1\",\"client_id\":\"c2\",\"grant_type\":\"x\"}"));
        add("nested object values", "POST", path, JSON,
                utf8("{\"client_id\":{\"$ne\":null},\"grant_type\":[\"a\",[\"b\"]]}"));
    }

    private void brokenBodies(String path) {
        add("truncated json", "POST", path, JSON, utf8("{\"grant_type\":\"pass"));
        add("truncated percent escape", "POST", path, FORM, utf8("grant_type=pass%2"));
        add("invalid percent escape", "POST", path, FORM, utf8("grant_type=%zz%"));
        add("invalid utf-8 in form", "POST", path, FORM,
                new byte[] {'a', '=', (byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        add("escaped invalid utf-8", "POST", path, FORM, utf8("client_id=%C0%AF%ED%A0%80"));
        add("invalid utf-8 in json", "POST", path, JSON,
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'});
        add("deeply nested json arrays", "POST", path, JSON,
                utf8("{\"a\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}"));
        add("deeply nested json objects", "POST", path, JSON,
                utf8("{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)));
        add("huge form body", "POST", path, FORM, utf8("a=" + "x".repeat(300_000)));
        add("huge json body", "POST", path, JSON,
                utf8("{\"a\":\"" + "y".repeat(300_000) + "\"}"));
        add("content length larger than body", "POST", path, FORM,
                utf8("grant_type=password"), "Content-Length: 5");
        add("nul bytes", "POST", path, FORM, utf8("grant_type=pass%00word&client_id=\u0000"));
        hugeChunked(path);
    }

    private void hugeChunked(String path) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String chunk = "z".repeat(16_000);
        for (int i = 0; i < 20; i++) {
            body.writeBytes(utf8(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"));
        }
        body.writeBytes(utf8("0\r\n\r\n"));
        addRaw("huge chunked body POST " + path, "POST " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\nContent-Type: " + FORM
                + "\r\nTransfer-Encoding: chunked", body.toByteArray(), browser(path));
    }

    /** HTTP Basic client credentials whose decoded text is broken (RFC 6749 §2.3.1). */
    private void basicCredentials(String path) {
        byte[] form = utf8("grant_type=client_credentials");
        for (String decoded : List.of("%00:x", "c1:%00", "\u0000:x", "%zz:%", ":", "c1",
                "\u00ff\u00fe:\u00c3(", "c1:" + "s".repeat(5_000))) {
            add("basic credentials " + decoded.length(), "POST", path, FORM, form,
                    "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString(
                            decoded.getBytes(StandardCharsets.ISO_8859_1)));
        }
    }

    private void overLongValues(String path) {
        String longToken = "x".repeat(20_000);
        add("over-long refresh token", "POST", path, FORM,
                utf8("grant_type=refresh_token&client_id=c1&refresh_token=rt_" + longToken));
        add("over-long mfa_token", "POST", path, JSON, utf8("{\"mfa_token\":\"mfa_"
                + longToken + "\",\"client_id\":\"c1\",\"grant_type\":\""
                + "http://auth0.com/oauth/grant-type/mfa-otp\",\"otp\":\"123456\"}"));
        add("over-long client_id", "POST", path, FORM, utf8("grant_type=client_credentials"
                + "&client_id=" + longToken + "&client_secret=" + longToken));
        add("unicode everywhere", "POST", path, JSON, utf8("{\"grant_type\":\"\u202e\ud83d"
                + "\ude00\",\"client_id\":\"\u0430\u0441\",\"otp\":\"\u0661\u0662\u0663\u0664"
                + "\u0665\u0666\",\"phone_number\":\"+\u0661\u0665\u0665\"}"));
        add("numbers and booleans", "POST", path, JSON, utf8("{\"grant_type\":1e999,"
                + "\"client_id\":true,\"otp\":123456,\"authenticator_types\":[1,2]}"));
    }

    private void bearerTokens(String path) {
        for (String token : List.of("", "x", "Bearer", "eyJ" + "A".repeat(6_000),
                "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "..", "mfa_" + "q".repeat(500),
                "\u00ff\u00fe", "e30.e30.e30")) {
            add("bad bearer", "GET", path, null, null, "Authorization: Bearer " + token);
        }
        add("basic instead of bearer", "GET", path, null, null, "Authorization: Basic Og==");
        add("two authorization headers", "GET", path, null, null, "Authorization: Bearer a",
                "Authorization: Bearer b");
        add("over-long authorization header", "GET", path, null, null,
                "Authorization: Bearer " + "B".repeat(70_000));
        add("delete with bad bearer", "DELETE", path, null, null, "Authorization: Bearer x");
    }

    private void browserQueries(String path) {
        for (String query : List.of("client_id=%ZZ", "client_id=a&client_id=b",
                "response_type=code&client_id=" + "c".repeat(9_000),
                "redirect_uri=javascript:alert(1)&client_id=spa&response_type=code",
                "client_id=spa&response_type=code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb"
                        + "&state=%0d%0aSet-Cookie:%20x=1",
                "%C0%AF=%FF", "returnTo=%0d%0aLocation:%20https://evil.example.com",
                "post_logout_redirect_uri=https://evil.example.com&id_token_hint=a.b.c",
                "request=ep_" + "0".repeat(300), "client_id=spa&response_type=token")) {
            add("bad query", "GET", path + "?" + query, null, null);
        }
        add("post garbage", "POST", path, FORM, utf8("request=%zz&csrf=&email=\u0000"));
    }

    private void oddPaths() {
        for (String path : List.of("/oauth%2Ftoken", "/oauth/token%00", "/%2e%2e/oauth/token",
                "/oauth/./token", "//oauth//token", "/oauth/token;jsessionid=1",
                "/mfa/authenticators/%ZZ", "/mfa/authenticators/..%2f..%2fapi%2fv2%2fusers",
                "/api/v2/users/%00", "/api/v2/users/" + "u".repeat(5_000), "/%ff%fe",
                "/mfa/%E2%80%AEtoken", "/.well-known/jwks.json/..", "/api/v2/clients/%2e%2e",
                "/oauth/token?grant_type=password", "/\\..\\etc/passwd", "/*", "/mfa/",
                "/api/v2/users/auth0%7Cx/authenticators", "/" + "a/".repeat(2_000))) {
            add("odd path", "POST", path, FORM, utf8("grant_type=password"));
            add("odd path", "GET", path, null, null);
        }
        addRaw("absolute-form target", "GET http://evil.example.com/oauth/token HTTP/1.1\r\n"
                + "Host: " + host + "\r\nConnection: close", null, false);
        addRaw("asterisk target", "OPTIONS * HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close", null, false);
        addRaw("http/1.0 without host", "POST /oauth/token HTTP/1.0\r\nContent-Type: " + FORM
                + "\r\nContent-Length: 3", utf8("a=b"), false);
        addRaw("unknown method", "BREW /oauth/token HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close", null, false);
    }

    private void headerInjection() {
        for (String path : List.of("/oauth/token", "/mfa/challenge", "/userinfo")) {
            addRaw("bare LF header injection " + path, "POST " + path + " HTTP/1.1\r\nHost: "
                    + host + "\r\nConnection: close\r\nContent-Type: " + FORM
                    + "\nX-Injected: 1\r\nContent-Length: 3", utf8("a=b"), false);
            addRaw("bare CR in header " + path, "POST " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\nAuthorization: Bearer a\rX-Injected: 1"
                    + "\r\nContent-Length: 3", utf8("a=b"), false);
            addRaw("obs-fold header " + path, "POST " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\nAuthorization: Bearer a\r\n b\r\n"
                    + "Content-Length: 3", utf8("a=b"), false);
            addRaw("nul in header " + path, "POST " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\nAuthorization: Bearer \u0000x"
                    + "\r\nContent-Length: 3", utf8("a=b"), false);
            addRaw("two content lengths " + path, "POST " + path + " HTTP/1.1\r\nHost: "
                    + host + "\r\nConnection: close\r\nContent-Type: " + FORM
                    + "\r\nContent-Length: 3\r\nContent-Length: 30", utf8("a=b"), false);
            addRaw("content length and chunked " + path, "POST " + path + " HTTP/1.1\r\nHost: "
                    + host + "\r\nConnection: close\r\nContent-Type: " + FORM
                    + "\r\nContent-Length: 3\r\nTransfer-Encoding: chunked",
                    utf8("3\r\na=b\r\n0\r\n\r\n"), false);
            addRaw("negative content length " + path, "POST " + path + " HTTP/1.1\r\nHost: "
                    + host + "\r\nConnection: close\r\nContent-Type: " + FORM
                    + "\r\nContent-Length: -1", utf8("a=b"), false);
            addRaw("huge header count " + path, "POST " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close" + "\r\nX-Pad: 0123456789".repeat(2_000)
                    + "\r\nContent-Length: 3", utf8("a=b"), false);
            addRaw("space before colon " + path, "POST " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\nContent-Type : " + FORM
                    + "\r\nContent-Length: 3", utf8("a=b"), false);
            addRaw("invalid utf-8 header " + path, "POST " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\nAuthorization: Bearer \u00c3\u0028\u00ff"
                    + "\r\nContent-Length: 3", utf8("a=b"), false);
        }
    }
}
