package dev.pbkv.view;

import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import java.util.List;
import java.util.Objects;

/** Messages between servers or clients and the view service. */
public sealed interface ViewServiceMessage extends Message {

  /**
   * A server's heartbeat. {@code viewNum} is the newest view the server has accepted (a primary
   * accepts a view only once its backup holds the state: that is its ack); a restarted server pings
   * 0. {@code bootId} names the incarnation: it is unique per start of the server at that address
   * (random over TCP) and never compared by size; the view service retires the ids it has seen
   * replaced, so it can tell a restart from a late duplicate of an old ping (docs/design.md §1).
   */
  record Ping(long viewNum, long bootId) implements ViewServiceMessage {
    @Override
    public String label() {
      return "Ping " + viewNum;
    }
  }

  /** Asks for the current view; does not count as a ping. */
  record GetView() implements ViewServiceMessage {}

  /** Asks for the view service's full status (for operators); does not count as a ping. */
  record GetStatus() implements ViewServiceMessage {}

  /**
   * What the view service knows of one server. {@code formerRole} is the role it last held and
   * lost, e.g. "primary of view 3" ({@code null} if it never lost one): an operator's aid, not
   * protocol state.
   */
  record ServerHealth(
      Address server, long bootId, int missedChecks, boolean alive, String formerRole) {
    public ServerHealth {
      Objects.requireNonNull(server, "server");
    }

    public ServerHealth(Address server, long bootId, int missedChecks, boolean alive) {
      this(server, bootId, missedChecks, alive, null);
    }
  }

  /**
   * The view service's status: the view, whether its primary acked it, every server it has heard
   * of, why it cannot make progress ({@code problem}, or {@code null} when nothing is stuck), where
   * it keeps its durable state ({@code store}, in words; empty if unknown) and whether a restart of
   * the view service loses that state ({@code volatileStore}).
   */
  record Status(
      View view,
      boolean acked,
      List<ServerHealth> servers,
      String problem,
      String store,
      boolean volatileStore,
      Role role)
      implements ViewServiceMessage {
    public Status {
      Objects.requireNonNull(view, "view");
      servers = List.copyOf(servers);
      store = store == null ? "" : store;
      role = role == null ? Role.STANDALONE : role;
    }

    /** A status without a word on the store (as older view services sent it). */
    public Status(View view, boolean acked, List<ServerHealth> servers, String problem) {
      this(view, acked, servers, problem, "", false, Role.STANDALONE);
    }

    /** The status of a single (standalone) view service. */
    public Status(
        View view,
        boolean acked,
        List<ServerHealth> servers,
        String problem,
        String store,
        boolean volatileStore) {
      this(view, acked, servers, problem, store, volatileStore, Role.STANDALONE);
    }

    @Override
    public int sizeBytes() {
      long n = Message.SMALL_BYTES + viewBytes(view) + Message.bytes(problem);
      for (ServerHealth h : servers) {
        n += Message.SMALL_BYTES + Message.bytes(h.server().name());
      }
      return Message.plus(0, n);
    }
  }

  /**
   * What the answering view service is (docs/design.md §2.2): the only one, the replica that leads,
   * or a replica that follows (its view is the newest it read from the store; it decides nothing).
   */
  enum Role {
    STANDALONE,
    LEADER,
    FOLLOWER
  }

  /** About how many bytes {@code view} takes in a message (0 for {@code null}). */
  static int viewBytes(View view) {
    return view == null
        ? 0
        : Message.SMALL_BYTES
            + Message.bytes(view.primary() == null ? null : view.primary().name())
            + Message.bytes(view.backup() == null ? null : view.backup().name());
  }

  /** The view service's answer to a ping or a {@link GetView}. */
  record ViewReply(View view) implements ViewServiceMessage {
    public ViewReply {
      Objects.requireNonNull(view, "view");
    }

    @Override
    public int sizeBytes() {
      return Message.SMALL_BYTES + viewBytes(view);
    }

    @Override
    public String label() {
      return "View " + view;
    }
  }

  /**
   * Asks the view service to forget {@code server} ({@code pbkv admin remove-server}): refused
   * while it is primary or backup of the current view. A removed server that pings again comes back
   * as a new idle server (docs/design.md §2.3).
   */
  record RemoveServer(Address server) implements ViewServiceMessage {
    public RemoveServer {
      Objects.requireNonNull(server, "server");
    }

    @Override
    public int sizeBytes() {
      return Message.plus(Message.SMALL_BYTES, Message.bytes(server.name()));
    }
  }

  /** The answer to {@link RemoveServer}: removed, or refused and why ({@code reason}). */
  record RemoveResult(Address server, boolean removed, String reason)
      implements ViewServiceMessage {
    public RemoveResult {
      Objects.requireNonNull(server, "server");
      reason = reason == null ? "" : reason;
    }

    @Override
    public int sizeBytes() {
      return Message.plus(
          Message.SMALL_BYTES, (long) Message.bytes(server.name()) + Message.bytes(reason));
    }
  }
}
