package dev.pbkv.cli;

import dev.pbkv.net.tls.PeerRole;
import dev.pbkv.net.tls.UserName;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pbkv certs}: a CA and the certificates of a cluster, as PEM files. */
@Command(
    name = "certs",
    header = "Create a CA and TLS certificates for a cluster (PEM files).",
    mixinStandardHelpOptions = true,
    description = {
      "Writes into --out: ca.crt and ca.key (the cluster's certificate authority; keep ca.key",
      "offline), and NAME.crt + NAME.key for each member and user: viewservice-HOST,",
      "server-HOST, client-USER. A certificate's role (server, viewservice, client) is the SAN URI",
      "pbkv:role:ROLE; a member's identity is its HOST (DNS name or IP address SAN), which must be",
      "the host part of the address it listens on and pings from; a client's is pbkv:user:USER.",
      "When --out already holds ca.crt and ca.key, that CA signs the new certificates (add a",
      "user later). Existing files are never overwritten. Keys are ECDSA P-256, unencrypted",
      "PKCS#8, readable by their owner only."
    },
    footer = {
      "",
      "Example:  pbkv certs --out certs --servers 127.0.0.1 --viewservers 127.0.0.1 --clients alice",
      "          pbkv viewserver --listen 127.0.0.1:7000 --tls-cert certs/viewservice-127.0.0.1.crt \\",
      "                --tls-key certs/viewservice-127.0.0.1.key --tls-ca certs/ca.crt ..."
    })
final class CertsCommand implements Callable<Integer> {
  /** The most certificates one run makes. */
  static final int MAX_NAMES = 1000;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "folder to write to (created if missing)")
  Path out;

  @Option(
      names = "--servers",
      paramLabel = "HOST[,HOST...]",
      split = ",",
      description =
          "hosts (DNS names or IP addresses) of servers (default: 127.0.0.1 when no name is given at all)")
  List<String> servers = new ArrayList<>();

  @Option(
      names = "--viewservers",
      paramLabel = "HOST[,HOST...]",
      split = ",",
      description = "hosts of view services (default: 127.0.0.1 when no name is given at all)")
  List<String> viewServers = new ArrayList<>();

  @Option(
      names = "--clients",
      paramLabel = "USER[,USER...]",
      split = ",",
      description = "user names of client certificates (letters, digits, . _ -)")
  List<String> clients = new ArrayList<>();

  @Option(
      names = "--days",
      paramLabel = "N",
      defaultValue = "365",
      description =
          "the new certificates are valid for N days (default: ${DEFAULT-VALUE}); 0 makes"
              + " certificates that have expired already (to test refusals)")
  int days;

  @Override
  public Integer call() throws IOException {
    if (days < 0 || days > 36500) {
      throw new UserError("--days must be 0 to 36500, got " + days);
    }
    if (servers.isEmpty() && viewServers.isEmpty() && clients.isEmpty()) {
      servers = List.of("127.0.0.1");
      viewServers = List.of("127.0.0.1");
    }
    if (servers.size() + viewServers.size() + clients.size() > MAX_NAMES) {
      throw new UserError("at most " + MAX_NAMES + " certificates per run");
    }
    for (String h : concat(servers, viewServers)) {
      if (!h.matches("[A-Za-z0-9.:-]{1,253}")) {
        throw new UserError("'" + h + "' is not a host name or IP address");
      }
    }
    for (String u : clients) {
      if (!UserName.valid(u)) {
        throw new UserError("'" + u + "' is not a user name (1-64 of letters, digits, . _ -)");
      }
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new UserError("--out " + out + ": is a file, not a folder");
    }
    Files.createDirectories(out);
    Path caCrt = out.resolve("ca.crt");
    Path caKey = out.resolve("ca.key");
    List<Path> planned = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (String h : viewServers) {
      names.add("viewservice-" + h);
    }
    for (String h : servers) {
      names.add("server-" + h);
    }
    for (String u : clients) {
      names.add("client-" + u);
    }
    for (String n : names) {
      planned.add(out.resolve(n + ".crt"));
      planned.add(out.resolve(n + ".key"));
    }
    for (Path p : planned) {
      if (Files.exists(p)) {
        throw new UserError(p + " exists already: refusing to overwrite it (remove it first)");
      }
    }
    PrintWriter w = spec.commandLine().getOut();
    CertIssuer ca;
    boolean haveCrt = Files.exists(caCrt);
    if (haveCrt != Files.exists(caKey)) {
      throw new UserError(
          out + " holds only one of ca.crt and ca.key: refusing to replace the other");
    }
    if (haveCrt) {
      ca = CertIssuer.load(caCrt, caKey);
      w.println("using the CA in " + caCrt);
    } else {
      ca = CertIssuer.newAuthority("pbkv CA", Math.max(days, 1) * 2);
      CertIssuer.write(caKey, CertIssuer.pem(ca.caKeyForWrite()), true);
      CertIssuer.write(caCrt, CertIssuer.pem(ca.caCert()), false);
      w.println("wrote " + caCrt + " and " + caKey + " (keep ca.key offline)");
    }
    for (String h : viewServers) {
      writeOne(w, ca, PeerRole.VIEWSERVICE, h, "viewservice-" + h);
    }
    for (String h : servers) {
      writeOne(w, ca, PeerRole.SERVER, h, "server-" + h);
    }
    for (String u : clients) {
      writeOne(w, ca, PeerRole.CLIENT, u, "client-" + u);
    }
    if (days == 0) {
      w.println("note: --days 0: these certificates have expired already");
    }
    return 0;
  }

  private void writeOne(PrintWriter w, CertIssuer ca, PeerRole role, String name, String file)
      throws IOException {
    CertIssuer.Issued c = ca.issue(role, name, days);
    Path key = out.resolve(file + ".key");
    Path crt = out.resolve(file + ".crt");
    CertIssuer.write(key, CertIssuer.pem(c.key()), true);
    CertIssuer.write(crt, CertIssuer.pem(c.cert()), false);
    w.println("wrote " + crt + " and " + key + " (" + role.word() + " " + name + ")");
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
