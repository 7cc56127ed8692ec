package dev.pbkv.check;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.KvStore;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ReplicationMessage.Forward;
import dev.pbkv.view.ViewServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Invariants, goals and prunes that the search tests and the {@code check} command use. */
public final class Predicates {
  private Predicates() {}

  // --- invariants ---------------------------------------------------------------------------

  /**
   * The clients' results so far are linearizable: there is a total order of the ops, consistent
   * with each client's order and with real time (an op called after another returned comes after
   * it), in which every returned op gets its result from a single copy of the store; an op that has
   * not returned may take effect or not.
   */
  public static StatePredicate resultsLinearizable() {
    return StatePredicate.of("results linearizable", Predicates::linearizableMemo);
  }

  /**
   * The brute-force check runs once per set of client objects: a successor shares them (and their
   * memo) unless a client handled its event, and the answer depends on the clients alone.
   */
  private static boolean linearizableMemo(SearchState s) {
    SearchState.ClientsMemo memo = s.clientsMemo();
    byte known = memo.linearizable;
    if (known == 0) {
      known = linearizable(s.clients()) ? (byte) 1 : (byte) 2;
      memo.linearizable = known;
    }
    return known == 1;
  }

  /** No server's value holds an append of the workload more than once (at-most-once). */
  public static StatePredicate appendsNotDuplicated() {
    return StatePredicate.of(
        "no append applied twice",
        s -> {
          for (PbServer server : s.servers()) {
            for (CheckClient c : s.clients()) {
              for (Command cmd : c.workload()) {
                if (cmd instanceof Command.Append a) {
                  String v = server.valueOf(a.key());
                  if (v != null && v.indexOf(a.value()) != v.lastIndexOf(a.value())) {
                    return false;
                  }
                }
              }
            }
          }
          return true;
        });
  }

  // --- goals --------------------------------------------------------------------------------

  public static StatePredicate clientsDone() {
    return StatePredicate.of(
        "all clients done", s -> s.clients().stream().allMatch(CheckClient::isDone));
  }

  public static StatePredicate clientDone(Address client) {
    return StatePredicate.of(client + " done", s -> s.client(client).isDone());
  }

  /** The client has completed at least {@code n} ops. */
  public static StatePredicate clientCompleted(Address client, int n) {
    return StatePredicate.of(
        client + " completed " + n + " ops", s -> s.client(client).completed() >= n);
  }

  /**
   * The view service is in view {@code viewNum} with this primary and backup (null: none), acked,
   * and the primary is serving it.
   */
  public static StatePredicate viewReady(long viewNum, Address primary, Address backup) {
    return StatePredicate.of(
        "view " + viewNum + " (" + primary + ", " + backup + ") acked and serving",
        s -> {
          ViewServer vs = s.viewServer();
          return vs.view().viewNum() == viewNum
              && primary.equals(vs.view().primary())
              && java.util.Objects.equals(backup, vs.view().backup())
              && vs.isAcked()
              && s.server(primary).isServing();
        });
  }

  /**
   * Every view that the view service or a server holds with a given number is the same view (a view
   * service that announced a view it had not made durable can make a different one after a
   * restart).
   */
  public static StatePredicate viewsUnique() {
    return StatePredicate.of(
        "one view per view number",
        s -> {
          java.util.Map<Long, dev.pbkv.view.View> seen = new java.util.HashMap<>();
          java.util.List<dev.pbkv.view.View> views = new java.util.ArrayList<>();
          for (ViewServer vs : s.viewServers()) {
            views.add(vs.view());
          }
          ReplicatedViewService replicated = s.replicatedViewService();
          if (replicated != null) {
            views.add(replicated.storedView());
          }
          for (dev.pbkv.server.PbServer p : s.servers()) {
            views.add(p.view());
          }
          for (dev.pbkv.view.View v : views) {
            dev.pbkv.view.View first = seen.putIfAbsent(v.viewNum(), v);
            if (first != null && !first.equals(v)) {
              return false;
            }
          }
          return true;
        });
  }

  /**
   * Within a full dead interval after it started (at most {@code deadPings} check ticks), the view
   * service has not removed a member of the view it resumed: it cannot have seen one miss a dead
   * interval yet (servers never restart in these searches, so no member was replaced).
   */
  public static StatePredicate nobodyJudgedDeadRightAfterRestart() {
    return StatePredicate.of(
        "nobody judged dead within a dead interval of a restart",
        s -> {
          for (ViewServer vs : s.viewServers()) {
            if (!judgedNobodyRightAfterStart(vs)) {
              return false;
            }
          }
          return true;
        });
  }

  private static boolean judgedNobodyRightAfterStart(ViewServer vs) {
    dev.pbkv.view.View from = vs.recoveredView();
    dev.pbkv.view.View now = vs.view();
    if (from.viewNum() == 0
        || now.equals(from)
        || vs.checkTicksSinceStart() > vs.config().deadPings()) {
      return true;
    }
    return (from.primary() == null
            || now.isPrimary(from.primary(), from.primaryBootId())
            || now.isBackup(from.primary(), from.primaryBootId()))
        && (from.backup() == null
            || now.isPrimary(from.backup(), from.backupBootId())
            || now.isBackup(from.backup(), from.backupBootId()));
  }

  /**
   * The view in the replicas' shared store never goes back to a lower number (a deposed leader that
   * writes without the version check can put an older view back over a newer one).
   */
  public static StatePredicate storedViewNeverGoesBack() {
    return StatePredicate.of(
        "the stored view never goes back",
        s -> {
          ReplicatedViewService r = s.replicatedViewService();
          return r == null || !r.storeWentBack();
        });
  }

  // --- prunes -------------------------------------------------------------------------------

  /** The view service has moved beyond view {@code n}. */
  public static StatePredicate viewNumAbove(long n) {
    return StatePredicate.of(
        "view number above " + n,
        s -> {
          for (ViewServer vs : s.viewServers()) {
            if (vs.view().viewNum() > n) {
              return true;
            }
          }
          return false;
        });
  }

  /** The view service counts more than {@code n} missed checks for some server. */
  public static StatePredicate missedChecksAbove(Iterable<Address> servers, int n) {
    return StatePredicate.of(
        "missed checks above " + n,
        s -> {
          for (ViewServer vs : s.viewServers()) {
            for (Address a : servers) {
              if (vs.missedChecks(a) > n) {
                return true;
              }
            }
          }
          return false;
        });
  }

  /**
   * A forward in flight numbers an op above {@code n} in its view: with {@code n} the number of ops
   * of the workload, some op was put in a primary's log twice in one view. Only a read can be (a
   * duplicate write is answered from the at-most-once table), and running a read again changes
   * nothing; without this bound a get delivered again and again numbers ops without end.
   */
  public static StatePredicate forwardIndexAbove(long n) {
    return StatePredicate.of(
        "a forward numbers an op above " + n,
        s -> {
          for (Envelope e : s.network()) {
            if (e.message() instanceof Forward f && f.lastIndex() > n) {
              return true;
            }
          }
          return false;
        });
  }

  /** More than {@code n} messages are in flight. */
  public static StatePredicate networkAbove(int n) {
    return StatePredicate.of("more than " + n + " messages in flight", s -> s.networkSize() > n);
  }

  // --- linearizability by brute force (workloads of a few ops) -----------------------------

  record Op(int client, int index, Command command, Result result, int[] callAfter) {}

  static boolean linearizable(List<CheckClient> clients) {
    List<Op> ops = new ArrayList<>();
    for (int c = 0; c < clients.size(); c++) {
      CheckClient cc = clients.get(c);
      for (int i = 0; i < cc.submitted(); i++) {
        ops.add(new Op(c, i, cc.workload().get(i), cc.result(i), cc.callAfter(i)));
      }
    }
    if (ops.size() > 62) {
      throw new IllegalArgumentException("too many ops for the brute-force check: " + ops.size());
    }
    // pred[k]: ops that must come before op k (returned before it was called)
    long[] pred = new long[ops.size()];
    long mustDo = 0;
    for (int k = 0; k < ops.size(); k++) {
      Op b = ops.get(k);
      if (b.result() != null) {
        mustDo |= 1L << k;
      }
      for (int j = 0; j < ops.size(); j++) {
        Op a = ops.get(j);
        if (a.result() == null) {
          continue;
        }
        boolean before =
            a.client() == b.client()
                ? a.index() < b.index()
                : b.callAfter() != null && a.index() < b.callAfter()[a.client()];
        if (before) {
          pred[k] |= 1L << j;
        }
      }
    }
    return search(ops, pred, mustDo, 0L, new KvStore(), new HashSet<>());
  }

  private static boolean search(
      List<Op> ops, long[] pred, long mustDo, long done, KvStore store, Set<Object> failed) {
    if ((done & mustDo) == mustDo) {
      return true;
    }
    Object key = List.of(done, store.copyOfData());
    if (!failed.add(key)) {
      return false;
    }
    for (int k = 0; k < ops.size(); k++) {
      long bit = 1L << k;
      if ((done & bit) != 0 || (pred[k] & done) != pred[k]) {
        continue;
      }
      Op op = ops.get(k);
      KvStore next = KvStore.of(store.copyOfData());
      Result r = next.execute(op.command());
      if (op.result() != null && !op.result().equals(r)) {
        continue;
      }
      if (search(ops, pred, mustDo, done | bit, next, failed)) {
        return true;
      }
    }
    return false;
  }
}
