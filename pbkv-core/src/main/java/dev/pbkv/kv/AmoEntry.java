package dev.pbkv.kv;

/**
 * The at-most-once record of one client: its highest executed sequence number and result, and the
 * number of session-expiry sweeps the application had executed when that request executed (the
 * session's last write; {@link AmoApplication#sweep()} drops the record once it is old enough).
 */
public record AmoEntry(long seq, Result result, long writtenAtSweep) {

  /** A record written before any sweep (sweep count 0). */
  public AmoEntry(long seq, Result result) {
    this(seq, result, 0);
  }
}
