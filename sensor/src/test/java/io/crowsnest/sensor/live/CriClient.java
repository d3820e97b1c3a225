package io.crowsnest.sensor.live;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Just enough of the Kubernetes CRI (runtime.v1.RuntimeService) to run pods on containerd's CRI plugin without a
 * kubelet or crictl (neither installs here): the requests are protobuf written by hand, sent as gRPC over HTTP/2 on
 * containerd's UNIX socket by curl (prior knowledge h2c); the answer is read from the body and the
 * {@code grpc-status} trailer. Field numbers are those of k8s.io/cri-api's api.proto.
 */
final class CriClient {
    private final String socket;
    private final Path work;
    private int calls;

    CriClient(String socket, Path work) {
        this.socket = socket;
        this.work = work;
    }

    /** PodSandboxConfig: metadata{name, uid, namespace, attempt}, hostname, log_directory, linux{cgroup_parent}. */
    static byte[] sandboxConfig(String name, String uid, String namespace, String logDir, String cgroupParent) {
        return new Proto().bytes(1, new Proto().string(1, name).string(2, uid).string(3, namespace).varint(4, 0).bytes())
                .string(2, name).string(3, logDir).bytes(8, new Proto().string(1, cgroupParent).bytes()).bytes();
    }

    /** RunPodSandbox: the sandbox's id. */
    String runPodSandbox(byte[] sandboxConfig) throws Exception {
        return firstString(call("RunPodSandbox", new Proto().bytes(1, sandboxConfig).bytes()));
    }

    /** CreateContainer{pod_sandbox_id, config{metadata{name}, image{image}, command, args, log_path}, sandbox_config}. */
    String createContainer(String sandboxId, byte[] sandboxConfig, String name, String image, List<String> command,
            List<String> args) throws Exception {
        Proto c = new Proto().bytes(1, new Proto().string(1, name).varint(2, 0).bytes())
                .bytes(2, new Proto().string(1, image).bytes());
        command.forEach(s -> c.string(3, s));
        args.forEach(s -> c.string(4, s));
        c.string(11, name + ".log");
        return firstString(call("CreateContainer", new Proto().string(1, sandboxId).bytes(2, c.bytes())
                .bytes(3, sandboxConfig).bytes()));
    }

    void startContainer(String id) throws Exception {
        call("StartContainer", new Proto().string(1, id).bytes());
    }

    void stopPodSandbox(String id) throws Exception {
        call("StopPodSandbox", new Proto().string(1, id).bytes());
    }

    void removePodSandbox(String id) throws Exception {
        call("RemovePodSandbox", new Proto().string(1, id).bytes());
    }

    /** One unary call; fails with the gRPC status and message unless it is OK. Returns the response message. */
    private byte[] call(String method, byte[] request) throws Exception {
        int n = ++calls;
        Path req = work.resolve("cri-" + n + ".req");
        Path resp = work.resolve("cri-" + n + ".resp");
        Path headers = work.resolve("cri-" + n + ".headers");
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        framed.write(0); // not compressed
        framed.write(new byte[] {(byte) (request.length >>> 24), (byte) (request.length >>> 16), (byte) (request.length >>> 8),
            (byte) request.length});
        framed.write(request);
        Files.write(req, framed.toByteArray());
        Process p = new ProcessBuilder("curl", "-sS", "--http2-prior-knowledge", "--unix-socket", socket, "-H",
                "content-type: application/grpc", "-H", "te: trailers", "--data-binary", "@" + req, "-D", headers.toString(),
                "-o", resp.toString(), "http://localhost/runtime.v1.RuntimeService/" + method)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("CRI " + method + ": curl failed: " + out);
        }
        String h = Files.readString(headers);
        String status = header(h, "grpc-status");
        if (!"0".equals(status)) {
            throw new IOException("CRI " + method + ": grpc-status " + status + ": "
                    + URLDecoder.decode(String.valueOf(header(h, "grpc-message")), StandardCharsets.UTF_8));
        }
        byte[] body = Files.readAllBytes(resp);
        return body.length < 5 ? new byte[0] : java.util.Arrays.copyOfRange(body, 5, body.length);
    }

    private static String header(String headers, String name) {
        for (String line : headers.split("\r?\n")) {
            int c = line.indexOf(':');
            if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
                return line.substring(c + 1).trim();
            }
        }
        return null;
    }

    /** Field 1 of a response, a string (the sandbox or container id). */
    private static String firstString(byte[] m) throws IOException {
        if (m.length < 2 || m[0] != 0x0a) {
            throw new IOException("CRI: unexpected response " + java.util.HexFormat.of().formatHex(m));
        }
        int len = 0;
        int shift = 0;
        int i = 1;
        for (; i < m.length; i++) {
            len |= (m[i] & 0x7f) << shift;
            shift += 7;
            if ((m[i] & 0x80) == 0) {
                i++;
                break;
            }
        }
        return new String(m, i, len, StandardCharsets.UTF_8);
    }

    /** A protobuf message writer: varints and length-delimited fields, nothing else is needed here. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long v) {
            raw(((long) field << 3));
            raw(v);
            return this;
        }

        Proto string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto bytes(int field, byte[] b) {
            raw(((long) field << 3) | 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
