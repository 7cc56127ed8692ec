package dev.pbkv.check;

import dev.pbkv.client.PbClient;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Timer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A {@link PbClient} with a fixed workload, as the model checker drives it: state only, copyable,
 * with equality over the session, how far the workload got, the results, and for each op what the
 * other clients had completed when it was called (the real-time order the linearizability invariant
 * needs, without a clock).
 */
public final class CheckClient implements Copyable {
  private final PbClient client;
  private final List<Command> workload;
  private int submitted;
  private Result[] results;
  private int[][] callAfter; // per op: completed ops of every client (by client index) at call

  public CheckClient(PbClient client, List<Command> workload) {
    this.client = Objects.requireNonNull(client, "client");
    this.workload = List.copyOf(workload);
    this.results = new Result[this.workload.size()];
    this.callAfter = new int[this.workload.size()][];
  }

  private CheckClient(CheckClient o) {
    this.client = o.client.copy();
    this.workload = o.workload;
    this.submitted = o.submitted;
    this.results = o.results; // copy-on-write
    this.callAfter = o.callAfter; // copy-on-write
  }

  @Override
  public CheckClient copy() {
    return new CheckClient(this);
  }

  public PbClient client() {
    return client;
  }

  public Address address() {
    return client.address();
  }

  public List<Command> workload() {
    return workload;
  }

  /** Ops submitted so far. */
  public int submitted() {
    return submitted;
  }

  /** Ops that have returned so far (ops return in order: one is outstanding at a time). */
  public int completed() {
    int n = 0;
    while (n < submitted && results[n] != null) {
      n++;
    }
    return n;
  }

  /** True once every op of the workload has returned. */
  public boolean isDone() {
    return completed() == workload.size();
  }

  /** The result of op {@code i}, or null while it has not returned. */
  public Result result(int i) {
    return results[i];
  }

  /** Completed ops of each client when op {@code i} was called (null if not called yet). */
  public int[] callAfter(int i) {
    return callAfter[i];
  }

  void recordCall(int op, int[] completedByClient) {
    callAfter = callAfter.clone();
    callAfter[op] = completedByClient;
  }

  @Override
  public void init(Effects fx) {
    submitNext(fx);
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    client.onMessage(from, msg, fx);
    collect(fx);
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    client.onTimer(timer, fx);
    collect(fx);
  }

  private void collect(Effects fx) {
    Result r = client.takeResult();
    if (r != null && submitted > 0 && results[submitted - 1] == null) {
      results = results.clone();
      results[submitted - 1] = r;
      submitNext(fx);
    }
  }

  private void submitNext(Effects fx) {
    if (submitted < workload.size()) {
      client.submit(workload.get(submitted), fx);
      submitted++;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CheckClient other
        && submitted == other.submitted
        && client.equals(other.client)
        && Arrays.equals(results, other.results)
        && Arrays.deepEquals(callAfter, other.callAfter)
        && workload.equals(other.workload);
  }

  @Override
  public int hashCode() {
    return (client.hashCode() * 31 + submitted) * 31
        + Arrays.hashCode(results) * 17
        + Arrays.deepHashCode(callAfter);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CheckClient[").append(client.address());
    for (int i = 0; i < submitted; i++) {
      sb.append(", ")
          .append(workload.get(i))
          .append(" -> ")
          .append(results[i] == null ? "?" : results[i]);
    }
    return sb.append(']').toString();
  }
}
