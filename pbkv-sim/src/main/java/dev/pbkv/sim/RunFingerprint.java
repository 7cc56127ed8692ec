package dev.pbkv.sim;

import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.Timer;

/**
 * A hash of every event of a run (time, kind, nodes, message), so that two runs of the same seed
 * can be shown to be identical event for event by comparing one number.
 */
public final class RunFingerprint implements SimListener {
  private long hash = 0xcbf29ce484222325L;
  private long events;

  private void mix(long value) {
    hash = SimRandom.mix(hash ^ value) * 31 + value;
  }

  private void event(long micros, int kind, Address a, Address b, Object payload) {
    events++;
    mix(micros);
    mix(kind);
    mix(a == null ? 0 : a.name().hashCode());
    mix(b == null ? 0 : b.name().hashCode());
    mix(payload == null ? 0 : payload.getClass().getName().hashCode());
    mix(payload == null ? 0 : payload.hashCode());
  }

  @Override
  public void onSend(long micros, long id, Address from, Address to, Message msg) {
    event(micros, 1, from, to, msg);
  }

  @Override
  public void onDeliver(long micros, long id, Address from, Address to, Message msg) {
    event(micros, 2, from, to, msg);
  }

  @Override
  public void onDrop(long micros, long id, Address from, Address to, Message msg, String reason) {
    event(micros, 3, from, to, msg);
  }

  @Override
  public void onTimer(long micros, Address node, Timer timer) {
    event(micros, 4, node, null, timer);
  }

  @Override
  public void onFault(long micros, String description) {
    event(micros, 5, null, null, description);
  }

  /** The fingerprint so far, as 16 hex digits. */
  public String hex() {
    return String.format("%016x", hash);
  }

  /** Events seen. */
  public long events() {
    return events;
  }
}
