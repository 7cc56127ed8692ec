package dev.pbkv.cli;

import dev.pbkv.net.Addresses;
import dev.pbkv.node.Address;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A local cluster of real processes on loopback: a view service and servers, each its own JVM
 * running this same program. Used by {@code pbkv demo} and the multi-process tests. Everything it
 * starts, it stops: on {@link #close()}, and from a shutdown hook on Ctrl-C. Each process logs to a
 * file in a temporary folder, which is deleted then too unless {@link #keepLogs()} was called.
 * Processes started on port 0 bind a free port themselves and report it ({@code --port-file}).
 */
final class ProcessCluster implements AutoCloseable {
  private final Path logDir;
  private final Map<Address, Process> processes = new LinkedHashMap<>();
  private final List<Process> all = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll, "stop-cluster");
  private final Map<String, String> listenedOn = new java.util.concurrent.ConcurrentHashMap<>();
  private Address viewService;
  private Path certDir; // null: plain TCP
  private final Map<String, List<String>> roleArgs = new java.util.HashMap<>();
  private final List<String> jvmArgs = new ArrayList<>();
  private int started;
  private volatile boolean keepLogs;

  /** How long a process may take from its start to listening (a JVM start on a busy machine). */
  static final long LISTEN_LIMIT_MILLIS = 60_000;

  ProcessCluster() {
    try {
      this.logDir = Files.createTempDirectory("pbkv-cluster-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Where each process writes its log ({@code NAME.log}). */
  Path logDir() {
    return logDir;
  }

  /** Keeps the log folder when the cluster stops (e.g. because something failed). */
  void keepLogs() {
    keepLogs = true;
  }

  /**
   * The last {@code lines} lines of every process's log, each under its file name and the address
   * it listened on.
   */
  String logTails(int lines) {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(logDir)) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        String name = log.getFileName().toString();
        sb.append("--- ").append(name);
        if (listenedOn.containsKey(name)) {
          sb.append(" (").append(listenedOn.get(name)).append(')');
        }
        sb.append(", last ").append(lines).append(" lines\n");
        for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
          sb.append(line).append('\n');
        }
      }
    } catch (IOException e) {
      sb.append("(cannot read the logs in ").append(logDir).append(": ").append(e).append(")\n");
    }
    return sb.toString();
  }

  /** A loopback port that was free a moment ago (for an address nothing should listen on). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * From now on, processes start with TLS: the view service with {@code
   * DIR/viewservice-127.0.0.1.*}, servers with {@code DIR/server-127.0.0.1.*} (as {@code pbkv certs
   * --out DIR} writes them), all trusting {@code DIR/ca.crt}.
   */
  void secure(Path dir) {
    this.certDir = dir;
  }

  /** The TLS folder given to {@link #secure}, or null. */
  Path certDir() {
    return certDir;
  }

  /** Extra arguments every process of {@code role} ({@code server}, {@code viewserver}) gets. */
  void roleArgs(String role, String... args) {
    roleArgs.put(role, List.of(args));
  }

  /** Extra JVM arguments for every process started from now on (tests: a planted bug's -D). */
  void jvmArgs(String... args) {
    jvmArgs.addAll(List.of(args));
  }

  /** The TLS flags for a process holding {@code DIR/NAME.crt} and {@code .key}. */
  static List<String> tlsArgs(Path dir, String name) {
    return List.of(
        "--tls-cert",
        dir.resolve(name + ".crt").toString(),
        "--tls-key",
        dir.resolve(name + ".key").toString(),
        "--tls-ca",
        dir.resolve("ca.crt").toString());
  }

  /** Starts the view service on a free port, with its state in memory; returns its address. */
  Address startViewService() {
    viewService = startListening("viewserver", 0, "--in-memory");
    return viewService;
  }

  /**
   * Starts (or restarts) the view service at {@code address} with its state in {@code dataDir};
   * returns its address.
   */
  Address startViewService(Address address, Path dataDir) {
    String name = address.name();
    int port = Integer.parseInt(name.substring(name.lastIndexOf(':') + 1));
    viewService = startListening("viewserver", port, "--data-dir", dataDir.toString());
    return viewService;
  }

  /**
   * Starts (or restarts, on the same port) one replica of a view service replicated on ZooKeeper
   * ({@code pbkv viewserver --zookeeper}, docs/design.md §2.2); port 0 picks a free one.
   */
  Address startViewServiceReplica(
      int port, String zkConnect, String zkPath, String sessionTimeout) {
    return startListening(
        "viewserver",
        port,
        "--zookeeper",
        zkConnect,
        "--zk-path",
        zkPath,
        "--zk-session-timeout",
        sessionTimeout);
  }

  /** Starts a server on {@code port} (a free one if 0) of the replicas {@code viewServices}. */
  Address startServerOfReplicas(int port, List<Address> viewServices) {
    return startListening(
        "server",
        port,
        "--viewserver",
        String.join(",", viewServices.stream().map(Address::name).toList()));
  }

  /** Starts a server on {@code port} (a free one if 0); returns its address. */
  Address startServer(int port) {
    return startServer(port, viewService);
  }

  /**
   * Starts a server on {@code port} (a free one if 0) that reaches the view service at {@code
   * viewServiceVia} (e.g. through a proxy); returns its address.
   */
  Address startServer(int port, Address viewServiceVia) {
    return startListening(
        "server",
        port,
        "--viewserver",
        viewServiceVia.name(),
        "--viewserver-id",
        viewService.name());
  }

  /**
   * Starts {@code pbkv ROLE --listen 127.0.0.1:PORT} and waits until it listens. With port 0 the
   * process binds a free port itself and reports it in a port file, so no other process can take
   * the port between choosing and binding it.
   *
   * @throws IllegalStateException naming the process and quoting its log if it exits before it
   *     listens (e.g. its fixed port is taken) or does not listen within {@link
   *     #LISTEN_LIMIT_MILLIS}
   */
  private Address startListening(String role, int port, String... more) {
    String name = role + "-" + (++started);
    Path portFile = logDir.resolve(name + ".port");
    Path log = logDir.resolve(name + ".log");
    List<String> args = new ArrayList<>(List.of(role, "--listen", "127.0.0.1:" + port));
    args.addAll(List.of("--port-file", portFile.toString()));
    args.addAll(List.of(more));
    if (certDir != null) {
      args.addAll(
          tlsArgs(certDir, (role.equals("server") ? "server-" : "viewservice-") + "127.0.0.1"));
    }
    args.addAll(roleArgs.getOrDefault(role, List.of()));
    Process p = start(log, args);
    long deadline = System.nanoTime() + LISTEN_LIMIT_MILLIS * 1_000_000;
    try {
      while (!Files.exists(portFile)) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              name + " exited (code " + p.exitValue() + ") before listening; " + tail(log));
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              name + " did not listen within " + LISTEN_LIMIT_MILLIS + " ms; " + tail(log));
        }
        Thread.sleep(10);
      }
      int actual = Integer.parseInt(Files.readString(portFile, StandardCharsets.UTF_8).strip());
      Address a = Addresses.of("127.0.0.1:" + actual);
      processes.put(a, p);
      listenedOn.put(log.getFileName().toString(), a.name());
      return a;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + name + " started", e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "its log ends:\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
    } catch (IOException e) {
      return "its log " + log + " cannot be read: " + e;
    }
  }

  /**
   * Starts a server known as {@code advertised} with these extra arguments (e.g. {@code --listen
   * 0.0.0.0:P --advertise 127.0.0.1:P}); it does not wait for it to listen.
   */
  void startServerWith(Address advertised, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "server",
                "--viewserver",
                viewService.name(),
                "--viewserver-id",
                viewService.name()));
    all.addAll(List.of(args));
    Path log = logDir.resolve("server-" + (++started) + ".log");
    processes.put(advertised, start(log, all));
    listenedOn.put(log.getFileName().toString(), advertised.name());
  }

  private Process start(Path log, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    cmd.addAll(jvmArgs);
    String classpath = System.getProperty("pbkv.classpath", System.getProperty("java.class.path"));
    cmd.addAll(List.of("-cp", classpath, Main.class.getName()));
    cmd.addAll(args);
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      // the processes get their settings from their flags alone: a PBKV_CONFIG or
      // PBKV_METRICS_LISTEN of the user's shell must not give every one the same port or file
      pb.environment().keySet().removeIf(k -> k.startsWith("PBKV_"));
      Process p = pb.start();
      all.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", args), e);
    }
  }

  /** SIGKILL: the process dies at once, without any cleanup. */
  void kill(Address address) {
    Process p = processes.remove(address);
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** SIGSTOP: the process stops handling anything, with its state intact (a zombie to be). */
  void pause(Address address) {
    signal(address, "STOP");
  }

  /** SIGCONT: a paused process resumes where it stopped. */
  void resume(Address address) {
    signal(address, "CONT");
  }

  private void signal(Address address, String signal) {
    Process p = processes.get(address);
    if (p == null) {
      throw new IllegalStateException("no process for " + address);
    }
    try {
      int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  boolean isAlive(Address address) {
    Process p = processes.get(address);
    return p != null && p.isAlive();
  }

  /** Stops every process, then deletes the log folder unless the logs are kept. */
  private void stopAll() {
    destroyAll();
    if (!keepLogs) {
      deleteLogs();
    }
  }

  private void deleteLogs() {
    try (var files = Files.walk(logDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("pbkv: could not delete the process logs in " + logDir + ": " + e);
    }
  }

  private void destroyAll() {
    for (Process p : all) {
      p.destroyForcibly();
    }
    for (Process p : all) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      return; // already shutting down: the hook stops everything
    }
    stopAll();
  }
}
