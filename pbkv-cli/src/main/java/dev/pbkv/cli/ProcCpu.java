package dev.pbkv.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time of other processes, read from Linux's {@code /proc/PID/stat} (for benchmarks). */
final class ProcCpu {
  /** Clock ticks per second of {@code /proc} times; 100 on every common Linux build. */
  private static final long TICKS_PER_SECOND = 100;

  private ProcCpu() {}

  /**
   * The user plus system CPU time the processes {@code pids} have used so far, in nanoseconds.
   *
   * @throws UserError if a process's times cannot be read (no such process, or not Linux)
   */
  static long nanos(List<Long> pids) {
    long ticks = 0;
    for (long pid : pids) {
      ticks += ticks(pid);
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  private static long ticks(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      throw new UserError("--cpu-pids: cannot read the CPU time of process " + pid + ": " + e);
    }
    // Fields after the command name (which is in parentheses and may hold spaces): utime and
    // stime are fields 14 and 15 of the whole line, i.e. 12 and 13 after the ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
