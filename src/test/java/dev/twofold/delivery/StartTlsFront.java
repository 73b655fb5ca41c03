package dev.twofold.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP front on 127.0.0.1 that offers STARTTLS, which GreenMail 2.1 does not: it answers
 * the greeting, EHLO and STARTTLS itself, completes a real TLS handshake with its
 * certificate, then relays the rest of the session to a plain GreenMail SMTP server (whose
 * own greeting it drops, as the client already had one).
 */
final class StartTlsFront implements AutoCloseable {

    private final ServerSocket listener;
    private final SSLContext tls;
    private final int backendPort;
    private final List<String> protocols = new CopyOnWriteArrayList<>();

    StartTlsFront(SSLContext tls, int backendPort) {
        this.tls = tls;
        this.backendPort = backendPort;
        try {
            listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The TLS protocol of every session upgraded so far, e.g. TLSv1.3. */
    List<String> protocols() {
        return List.copyOf(protocols);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(
                    client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            write(out, "220 front ESMTP\r\n");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.split(" ")[0].toUpperCase(Locale.ROOT);
                if (verb.equals("EHLO")) {
                    write(out, "250-front\r\n250 STARTTLS\r\n");
                } else if (verb.equals("STARTTLS")) {
                    write(out, "220 2.0.0 Ready to start TLS\r\n");
                    relayOverTls(client);
                    return;
                } else {
                    write(out, "530 5.7.0 Must issue a STARTTLS command first\r\n");
                }
            }
        } catch (IOException ignored) {
            // The client went away; nothing to clean up beyond the socket.
        }
    }

    private void relayOverTls(Socket client) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client,
                "127.0.0.1", client.getPort(), true);
        secure.setUseClientMode(false);
        secure.startHandshake();
        protocols.add(secure.getSession().getProtocol());
        try (secure; Socket backend = new Socket(InetAddress.getLoopbackAddress(),
                backendPort)) {
            InputStream fromBackend = backend.getInputStream();
            skipLine(fromBackend);
            Thread copier = Thread.ofVirtual().start(() -> copy(secure, backend));
            copy(fromBackend, secure.getOutputStream());
            copier.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            copy(from.getInputStream(), to.getOutputStream());
        } catch (IOException ignored) {
            // One side closed; the other copy ends too.
        }
    }

    private static void copy(InputStream in, OutputStream out) {
        try {
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException ignored) {
            // One side closed; the relay ends.
        }
    }

    private static void skipLine(InputStream in) throws IOException {
        int next;
        while ((next = in.read()) >= 0 && next != '\n') {
            // The backend's greeting.
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }
}
