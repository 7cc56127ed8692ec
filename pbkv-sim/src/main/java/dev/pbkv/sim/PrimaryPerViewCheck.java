package dev.pbkv.sim;

import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.server.ClientMessage.Reply;
import dev.pbkv.server.PbServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Safety on every event: never do two servers answer clients as primary of the same view. A server
 * answers in the view it believes in when it sends a {@link Reply}.
 */
public final class PrimaryPerViewCheck implements SimListener {
  private final Simulation sim;
  private final Map<Long, Address> answeredIn = new HashMap<>();
  private final List<String> violations = new ArrayList<>();

  public PrimaryPerViewCheck(Simulation sim) {
    this.sim = sim;
  }

  @Override
  public void onSend(long micros, long id, Address from, Address to, Message msg) {
    if (!(msg instanceof Reply)) {
      return;
    }
    Node node = sim.node(from);
    if (!(node instanceof PbServer server)) {
      return;
    }
    long viewNum = server.view().viewNum();
    Address first = answeredIn.putIfAbsent(viewNum, from);
    if (first != null && !first.equals(from) && violations.size() < 10) {
      violations.add(
          "two servers answered clients in view "
              + viewNum
              + ": "
              + first
              + " and "
              + from
              + " (at "
              + Simulation.formatMillis(micros)
              + ")");
    }
  }

  public List<String> violations() {
    return List.copyOf(violations);
  }
}
