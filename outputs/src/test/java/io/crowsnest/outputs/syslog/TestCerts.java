package io.crowsnest.outputs.syslog;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A throw-away CA and a server certificate for 127.0.0.1 / localhost, made with the openssl CLI. */
final class TestCerts {
    final Path ca;
    final Path cert;
    final Path key;

    private TestCerts(Path dir) {
        this.ca = dir.resolve("ca.pem");
        this.cert = dir.resolve("server.pem");
        this.key = dir.resolve("server.key");
    }

    static TestCerts make(Path dir) throws Exception {
        Files.createDirectories(dir);
        TestCerts c = new TestCerts(dir);
        Files.writeString(dir.resolve("ca.cnf"), "[req]\ndistinguished_name=dn\nx509_extensions=v3_ca\nprompt=no\n"
                + "[dn]\nCN=Crowsnest Test CA\n"
                + "[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                + "subjectKeyIdentifier=hash\n");
        Files.writeString(dir.resolve("server.ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
                + "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-config", "ca.cnf", "-keyout", "ca.key", "-out", "ca.pem");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                "-keyout", "server.key", "-out", "server.csr");
        run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem");
        return c;
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
