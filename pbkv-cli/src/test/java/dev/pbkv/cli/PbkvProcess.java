package dev.pbkv.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code pbkv} as a user does: a process started by bash, so that arguments can hold any byte
 * (written in bash's {@code $'\xHH'} quoting), with standard input and output as bytes.
 */
final class PbkvProcess {
  private PbkvProcess() {}

  /** What a process printed and its exit code. */
  record Result(int exit, byte[] stdout, String err) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  /** Runs {@code pbkv ARGS}, where ARGS is bash text (quote it as bash would need). */
  static Result run(String bashArgs, byte[] stdin) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String cp = System.getProperty("pbkv.classpath", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add("bash");
    cmd.add("-c");
    cmd.add(
        "exec \"$PBKV_JAVA\" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp \"$PBKV_CP\" "
            + Main.class.getName()
            + " "
            + bashArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("PBKV_JAVA", java);
    pb.environment().put("PBKV_CP", cp);
    pb.environment().put("LC_ALL", "C.UTF-8");
    try {
      Process p = pb.start();
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("pbkv " + bashArgs + " did not end in 120 s");
      }
      return new Result(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Result run(String bashArgs) {
    return run(bashArgs, null);
  }

  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code bytes} in bash's {@code $'…'} quoting, every byte as {@code \xHH}. */
  static String quoted(byte[] bytes) {
    StringBuilder sb = new StringBuilder("$'");
    for (byte b : bytes) {
      sb.append(String.format("\\x%02x", b & 0xff));
    }
    return sb.append('\'').toString();
  }
}
