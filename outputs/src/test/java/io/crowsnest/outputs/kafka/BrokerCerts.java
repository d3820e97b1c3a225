package io.crowsnest.outputs.kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Throw-away TLS material for a test broker, made with the openssl CLI: a CA ({@link #ca}, PEM,
 * what {@code ca=} is given), a server certificate for 127.0.0.1 / localhost signed by it in a
 * PKCS#12 keystore ({@link #keystore}, password {@link #KEYSTORE_PASSWORD}), and a second,
 * unrelated CA ({@link #otherCa}) that signed nothing the broker has: the "wrong CA".
 */
public final class BrokerCerts {
    static final String KEYSTORE_PASSWORD = "changeit";

    /** PEM of the CA that signed the broker's certificate. */
    public final Path ca;
    /** PEM of a CA that did not sign the broker's certificate. */
    public final Path otherCa;
    /** PKCS#12: the broker's key and certificate. */
    final Path keystore;

    private BrokerCerts(Path dir) {
        this.ca = dir.resolve("ca.pem");
        this.otherCa = dir.resolve("other-ca.pem");
        this.keystore = dir.resolve("broker.p12");
    }

    static BrokerCerts make(Path dir) throws Exception {
        Files.createDirectories(dir);
        BrokerCerts c = new BrokerCerts(dir);
        for (String name : new String[] {"ca", "other-ca"}) {
            Files.writeString(dir.resolve(name + ".cnf"), "[req]\ndistinguished_name=dn\nx509_extensions=v3_ca\nprompt=no\n"
                    + "[dn]\nCN=Crowsnest Kafka Test " + name + "\n"
                    + "[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                    + "subjectKeyIdentifier=hash\n");
            run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-config", name + ".cnf", "-keyout", name + ".key", "-out", name + ".pem");
        }
        Files.writeString(dir.resolve("broker.ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
                + "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                "-keyout", "broker.key", "-out", "broker.csr");
        run(dir, "openssl", "x509", "-req", "-in", "broker.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "broker.ext", "-out", "broker.pem");
        run(dir, "openssl", "pkcs12", "-export", "-in", "broker.pem", "-inkey", "broker.key", "-name", "broker",
                "-passout", "pass:" + KEYSTORE_PASSWORD, "-out", "broker.p12");
        return c;
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
