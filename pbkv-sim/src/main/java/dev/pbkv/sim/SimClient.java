package dev.pbkv.sim;

import dev.pbkv.client.PbClient;
import dev.pbkv.history.History;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import java.util.function.Supplier;

/**
 * A {@link PbClient} driven by the simulator: records each op's call and return in the {@link
 * History} and, when it has a workload, submits the next command as soon as one returns.
 */
public final class SimClient implements Node {
  private final PbClient client;
  private final History history;
  private final Simulation sim;
  private Supplier<Command> workload;
  private OpHandle current;
  private boolean retired;

  SimClient(PbClient client, History history, Simulation sim) {
    this.client = client;
    this.history = history;
    this.sim = sim;
  }

  public PbClient client() {
    return client;
  }

  @Override
  public void init(Effects fx) {
    client.init(fx);
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    if (retired) {
      return; // a retired session is gone: it never sends again (docs/design.md §4.3)
    }
    client.onMessage(from, msg, fx);
    collect(fx);
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    if (retired) {
      return; // no more retries: a copy sent after the expiry could run twice
    }
    client.onTimer(timer, fx);
    collect(fx);
  }

  OpHandle submit(Command command, Effects fx) {
    if (current != null && !current.isDone()) {
      throw new IllegalStateException(client.address() + " is still waiting for " + current);
    }
    int id = history.call(client.address().name(), sim.nowMicros(), command);
    current = new OpHandle(history, id);
    client.submit(command, fx);
    return current;
  }

  /** Keeps submitting commands from {@code next} (null stops) after each one returns. */
  void setWorkload(Supplier<Command> next, Effects fx) {
    workload = next;
    if (!isBusy()) {
      submitNext(fx);
    }
  }

  boolean isBusy() {
    return !retired && current != null && !current.isDone();
  }

  /** The op waiting for its result, or {@code null}. */
  OpHandle current() {
    return isBusy() ? current : null;
  }

  /**
   * Gives up this session, as {@code PbkvClient} does after a timeout: it never sends again (no
   * retry, no answer to anything), the waiting op stays indeterminate in the history, and the
   * workload is returned for the session that takes over.
   */
  Supplier<Command> retire() {
    retired = true;
    Supplier<Command> rest = workload;
    workload = null;
    return rest;
  }

  private void collect(Effects fx) {
    Result result = client.takeResult();
    if (result != null && !retired && current != null && !current.isDone()) {
      history.complete(current.op().id(), sim.nowMicros(), result);
      submitNext(fx);
    }
  }

  private void submitNext(Effects fx) {
    if (workload != null) {
      Command next = workload.get();
      if (next != null) {
        submit(next, fx);
      } else {
        workload = null;
      }
    }
  }
}
