package io.crowsnest.detection.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Address and port variables ({@code $HOME_NET}, {@code $HTTP_PORTS} …), as suricata.yaml's
 * {@code vars.address-groups} / {@code vars.port-groups}. Values are expressions that may use
 * other variables; they are resolved when a rule uses them.
 */
public final class RuleVariables {
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final Map<String, String> ports = new LinkedHashMap<>();

    public RuleVariables() {}

    /** The variables of Suricata's stock suricata.yaml. */
    public static RuleVariables suricataDefaults() {
        RuleVariables v = new RuleVariables();
        v.setAddress("HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]");
        v.setAddress("EXTERNAL_NET", "!$HOME_NET");
        for (String n : new String[] {"HTTP_SERVERS", "SMTP_SERVERS", "SQL_SERVERS", "DNS_SERVERS",
                "TELNET_SERVERS", "DC_SERVERS", "DNP3_SERVER", "DNP3_CLIENT", "MODBUS_SERVER",
                "MODBUS_CLIENT", "ENIP_SERVER", "ENIP_CLIENT"}) {
            v.setAddress(n, "$HOME_NET");
        }
        v.setAddress("AIM_SERVERS", "$EXTERNAL_NET");
        // Crowsnest's container-network groups: set them to the cluster's pod, service and node
        // CIDRs (--set or the config); until then they are the private ranges of HOME_NET.
        for (String n : new String[] {"POD_NET", "SERVICE_NET", "NODE_NET"}) {
            v.setAddress(n, "$HOME_NET");
        }
        v.setPort("HTTP_PORTS", "80");
        v.setPort("SHELLCODE_PORTS", "!80");
        v.setPort("ORACLE_PORTS", "1521");
        v.setPort("SSH_PORTS", "22");
        v.setPort("DNP3_PORTS", "20000");
        v.setPort("MODBUS_PORTS", "502");
        v.setPort("FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]");
        v.setPort("FTP_PORTS", "21");
        v.setPort("GENEVE_PORTS", "6081");
        v.setPort("VXLAN_PORTS", "4789");
        v.setPort("TEREDO_PORTS", "3544");
        return v;
    }

    /**
     * {@code --set NAME=VALUE}: replaces an existing variable of either kind; a new name is a port
     * variable when it ends in {@code _PORTS}/{@code _PORT}, else an address variable. A leading
     * {@code $} and the yaml prefixes {@code vars.address-groups.} / {@code vars.port-groups.} are accepted.
     */
    public RuleVariables set(String name, String value) {
        String n = name.trim();
        if (n.startsWith("vars.address-groups.")) {
            return setAddress(n.substring("vars.address-groups.".length()), value);
        }
        if (n.startsWith("vars.port-groups.")) {
            return setPort(n.substring("vars.port-groups.".length()), value);
        }
        if (n.startsWith("$")) {
            n = n.substring(1);
        }
        if (ports.containsKey(n)) {
            return setPort(n, value);
        }
        if (addresses.containsKey(n)) {
            return setAddress(n, value);
        }
        if (n.endsWith("_PORTS") || n.endsWith("_PORT")) {
            return setPort(n, value);
        }
        return setAddress(n, value);
    }

    public RuleVariables setAddress(String name, String value) {
        ports.remove(name);
        addresses.put(name, value.trim());
        return this;
    }

    public RuleVariables setPort(String name, String value) {
        addresses.remove(name);
        ports.put(name, value.trim());
        return this;
    }

    public String address(String name) {
        return addresses.get(name);
    }

    public String port(String name) {
        return ports.get(name);
    }

    public Map<String, String> addresses() {
        return Collections.unmodifiableMap(addresses);
    }

    public Map<String, String> ports() {
        return Collections.unmodifiableMap(ports);
    }
}
