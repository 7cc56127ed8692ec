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
 */
final class ProcessCluster implements AutoCloseable {
  private final Path logDir;
  private final Map<Address, Process> processes = new LinkedHashMap<>();
  private final List<Process> all = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll, "stop-cluster");
  private Address viewService;
  private volatile boolean keepLogs;

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

  /** The last {@code lines} lines of every process's log, each under its file name. */
  String logTails(int lines) {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(logDir)) {
      for (Path log : files.sorted().toList()) {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        sb.append("--- ").append(log.getFileName()).append(" (last ").append(lines).append(")\n");
        for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
          sb.append(line).append('\n');
        }
      }
    } catch (IOException e) {
      sb.append("(cannot read the logs in ").append(logDir).append(": ").append(e).append(")\n");
    }
    return sb.toString();
  }

  /** A loopback port that was free a moment ago. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the view service on a free port; returns its address. */
  Address startViewService() {
    viewService = Addresses.of("127.0.0.1:" + freePort());
    start(viewService, "viewserver", "--listen", viewService.name());
    return viewService;
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
    Address a = Addresses.of("127.0.0.1:" + (port == 0 ? freePort() : port));
    start(a, "server", "--listen", a.name(), "--viewserver", viewServiceVia.name());
    return a;
  }

  /**
   * Starts a server known as {@code advertised} with these extra arguments (e.g. {@code --listen
   * 0.0.0.0:P --advertise 127.0.0.1:P}).
   */
  void startServerWith(Address advertised, String... args) {
    List<String> all = new ArrayList<>(List.of("server", "--viewserver", viewService.name()));
    all.addAll(List.of(args));
    start(advertised, all.toArray(String[]::new));
  }

  private void start(Address address, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    String classpath = System.getProperty("pbkv.classpath", System.getProperty("java.class.path"));
    cmd.addAll(List.of("-cp", classpath, Main.class.getName()));
    cmd.addAll(List.of(args));
    Path log = logDir.resolve(address.name().replace(':', '_') + ".log");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      processes.put(address, p);
      all.add(p);
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
