package io.crowsnest.identity.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Which API server and credentials to use ({@code --kubernetes auto|on|off}, {@code --kubeconfig}):
 * <ul>
 *   <li>{@code off}: none;</li>
 *   <li>{@code auto} (default): a given kubeconfig, else in-cluster credentials (the pod's ServiceAccount token and
 *       CA under {@value #SA_DIR}, with {@code KUBERNETES_SERVICE_HOST}), else none - a sensor on a laptop does not
 *       start talking to whatever cluster {@code ~/.kube/config} points at;</li>
 *   <li>{@code on}: as auto, and when neither is there fabric8's own search ({@code $KUBECONFIG},
 *       {@code ~/.kube/config}, system properties).</li>
 * </ul>
 * The client uses the JDK's HttpClient (no second HTTP stack in the sensor). In-cluster configs are built by fabric8's
 * auto-configuration, which re-reads the rotating (bound, one-hour) ServiceAccount token when the server answers 401.
 */
public final class KubeConnect {

    public static final String SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    public enum Mode {
        AUTO, ON, OFF;

        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                return null;
            }
        }
    }

    private KubeConnect() {
    }

    /** In a pod with a mounted ServiceAccount token. */
    public static boolean inCluster(Map<String, String> env, Path saDir) {
        String host = env.get("KUBERNETES_SERVICE_HOST");
        return host != null && !host.isBlank() && Files.isReadable(saDir.resolve("token"));
    }

    /** The config to use, or null when the mode and environment say no Kubernetes. */
    public static Config config(Mode mode, Path kubeconfig, Map<String, String> env, Path saDir) {
        Config c;
        if (mode == Mode.OFF) {
            return null;
        } else if (kubeconfig != null) {
            c = Config.fromKubeconfig(null, kubeconfig.toFile()); // its current context
        } else if (inCluster(env, saDir)) {
            String before = System.getProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY);
            System.setProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false"); // the pod's own
            try {
                c = Config.autoConfigure(null);
            } finally {
                if (before == null) {
                    System.clearProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY);
                } else {
                    System.setProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, before);
                }
            }
        } else if (mode == Mode.ON) {
            c = Config.autoConfigure(null);
        } else {
            return null;
        }
        return tuned(c);
    }

    /** Watches reconnect forever, from 1 s backing off to the client's cap; requests time out in 10 s. */
    public static Config tuned(Config c) {
        return new ConfigBuilder(c).withWatchReconnectInterval(1000).withWatchReconnectLimit(-1)
                .withRequestTimeout(10_000).withConnectionTimeout(10_000).build();
    }

    public static KubernetesClient client(Config c) {
        return new KubernetesClientBuilder().withConfig(c).withHttpClientFactory(new JdkHttpClientFactory()).build();
    }
}
