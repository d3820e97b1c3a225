package io.crowsnest.outputs.http;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A throw-away CA and a server certificate for 127.0.0.1 / localhost (openssl CLI), plus a PKCS#12 of the server key. */
final class HttpTestCerts {
    final Path ca;
    final Path p12;

    private HttpTestCerts(Path dir) {
        this.ca = dir.resolve("ca.pem");
        this.p12 = dir.resolve("server.p12");
    }

    static HttpTestCerts make(Path dir) throws Exception {
        return make(dir, "IP:127.0.0.1,DNS:localhost");
    }

    /** @param san the server certificate's subjectAltName */
    static HttpTestCerts make(Path dir, String san) throws Exception {
        Files.createDirectories(dir);
        HttpTestCerts c = new HttpTestCerts(dir);
        Files.writeString(dir.resolve("ca.cnf"), "[req]\ndistinguished_name=dn\nx509_extensions=v3_ca\nprompt=no\n"
                + "[dn]\nCN=Crowsnest HTTP Test CA\n"
                + "[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                + "subjectKeyIdentifier=hash\n");
        Files.writeString(dir.resolve("server.ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
                + "subjectAltName=" + san + "\n");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-config", "ca.cnf", "-keyout", "ca.key", "-out", "ca.pem");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                "-keyout", "server.key", "-out", "server.csr");
        run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem");
        run(dir, "openssl", "pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key",
                "-name", "server", "-passout", "pass:changeit", "-out", "server.p12");
        return c;
    }

    SSLContext serverContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
