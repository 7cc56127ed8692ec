package dev.pbkv.debug;

import dev.pbkv.check.Copyable;
import dev.pbkv.client.PbClient;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client session the debugger drives: a {@link PbClient} that calls one command at a time when
 * the user (or a scenario's script) submits it, and keeps every command with its result. Copyable,
 * with equality over the session and the results, like the model checker's clients.
 */
public final class DebugClient implements Copyable {
  private final PbClient client;
  private List<Command> commands = List.of(); // copy-on-write
  private List<Result> results = List.of(); // same length; null while an op is outstanding

  public DebugClient(PbClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  private DebugClient(DebugClient o) {
    this.client = o.client.copy();
    this.commands = o.commands;
    this.results = o.results;
  }

  @Override
  public DebugClient copy() {
    return new DebugClient(this);
  }

  public PbClient client() {
    return client;
  }

  public Address address() {
    return client.address();
  }

  /** True while an op is outstanding (a new one cannot be submitted). */
  public boolean isWaiting() {
    return !results.isEmpty() && results.get(results.size() - 1) == null;
  }

  /** Every command submitted so far, in order. */
  public List<Command> commands() {
    return commands;
  }

  /** The result of command {@code i}, or null while it is outstanding. */
  public Result result(int i) {
    return results.get(i);
  }

  /**
   * Calls {@code command}.
   *
   * @throws IllegalStateException if an op is still outstanding
   */
  public void submit(Command command, Effects fx) {
    if (isWaiting()) {
      throw new IllegalStateException(
          address() + " is still waiting for '" + commands.get(commands.size() - 1) + "'");
    }
    List<Command> c = new ArrayList<>(commands);
    c.add(command);
    List<Result> r = new ArrayList<>(results);
    r.add(null);
    commands = List.copyOf(c);
    results = java.util.Collections.unmodifiableList(r);
    client.submit(command, fx);
  }

  @Override
  public void init(Effects fx) {
    client.init(fx);
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    client.onMessage(from, msg, fx);
    collect();
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    client.onTimer(timer, fx);
    collect();
  }

  private void collect() {
    Result r = client.takeResult();
    if (r != null && isWaiting()) {
      List<Result> next = new ArrayList<>(results);
      next.set(next.size() - 1, r);
      results = java.util.Collections.unmodifiableList(next);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DebugClient other
        && client.equals(other.client)
        && commands.equals(other.commands)
        && results.equals(other.results);
  }

  @Override
  public int hashCode() {
    return Objects.hash(client, commands, results);
  }

  @Override
  public String toString() {
    return "DebugClient[" + client + ", " + commands + " -> " + results + "]";
  }
}
