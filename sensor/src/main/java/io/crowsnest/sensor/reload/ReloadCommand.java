package io.crowsnest.sensor.reload;

import io.crowsnest.sensor.config.CrowsnestConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crowsnest reload}: asks a running {@code crowsnest live} to reload its rules (POST /reload). */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Reload the rules of a running 'crowsnest live' through its local admin endpoint; "
                + "waits until the new rule set is live or was refused (the old one keeps running).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the new rule set is live", "1:refused (the reason is printed) or the sensor is unreachable",
                "2:usage error"})
public final class ReloadCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--admin-address", paramLabel = "HOST:PORT",
            description = "The sensor's admin endpoint (live --admin-address, metrics.admin_address; default: ${DEFAULT-VALUE}).")
    String adminAddress = "127.0.0.1:9465";

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    int timeout = 300;

    @Override
    public Integer call() {
        Optional<InetSocketAddress> a = CrowsnestConfig.parseAddress(adminAddress);
        if (a == null || a.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--admin-address must be HOST:PORT, got '" + adminAddress + "'");
        }
        String host = a.get().getHostString();
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.get().getPort() + "/reload";
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
            c.setRequestMethod("POST");
            c.setConnectTimeout(5_000);
            c.setReadTimeout(timeout * 1000);
            c.setDoOutput(true);
            c.getOutputStream().close();
            int code = c.getResponseCode();
            InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            if (code == 200) {
                spec.commandLine().getOut().println("crowsnest: " + body);
                return 0;
            }
            spec.commandLine().getErr().println("crowsnest: reload failed (HTTP " + code + "): " + body);
            return 1;
        } catch (IOException e) {
            spec.commandLine().getErr().println("crowsnest: reload: cannot reach " + url + ": " + e
                    + " (is 'crowsnest live' running with its admin endpoint there?)");
            return 1;
        }
    }
}
