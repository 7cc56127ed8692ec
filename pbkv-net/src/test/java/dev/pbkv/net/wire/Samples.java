package dev.pbkv.net.wire;

import dev.pbkv.kv.AmoEntry;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.DataChunk;
import dev.pbkv.kv.Result;
import dev.pbkv.kv.Snapshot;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.ReplicationMessage;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sample values of every message type, with edge cases, for the wire tests. */
final class Samples {

  private Samples() {}

  static final Address VS = Address.of("vs");
  static final Address S1 = Address.of("s1");
  static final Address S2 = Address.of("s2");
  static final Address CLIENT = Address.of("client-7");

  static final String UNICODE = "ключ-鍵-🔑-e\u0301-\u0000-\u200b-end";

  /** Every byte value 0..255 once, as a byte string (keys and values are bytes). */
  static final String ALL_BYTES = allBytes();

  /** Text as a byte string: the UTF-8 bytes of {@link #UNICODE}. */
  static final String UNICODE_BYTES = dev.pbkv.kv.ByteStrings.fromText(UNICODE);

  private static String allBytes() {
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      b[i] = (byte) i;
    }
    return dev.pbkv.kv.ByteStrings.of(b);
  }

  static final String LONG_STRING = "x".repeat(10_000);

  static List<Command> commands() {
    return List.of(
        new Command.Get("k"),
        new Command.Get(""),
        new Command.Get(UNICODE_BYTES),
        new Command.Get(ALL_BYTES),
        new Command.Put("k", "v"),
        new Command.Put("", ""),
        new Command.Put(UNICODE_BYTES, LONG_STRING),
        new Command.Put(ALL_BYTES, ALL_BYTES),
        new Command.Append("k", "tok-1;"),
        new Command.Append("k", ""),
        new Command.Delete("k"),
        new Command.Delete(""),
        new Command.CompareAndSet("k", "old", "new"),
        new Command.CompareAndSet("k", null, "new"),
        new Command.CompareAndSet("k", "", ""),
        new Command.CompareAndSet(UNICODE_BYTES, UNICODE_BYTES, UNICODE_BYTES),
        new Command.CompareAndSet(ALL_BYTES, ALL_BYTES, ALL_BYTES),
        new Command.Scan("", null, 1),
        new Command.Scan("user/", "user/7", 1000),
        new Command.Scan(ALL_BYTES, ALL_BYTES, 10),
        new Command.Scan("k", "", 5));
  }

  static List<Result> results() {
    return List.of(
        new Result.Value("v"),
        new Result.Value(null),
        new Result.Value(""),
        new Result.Value(UNICODE_BYTES),
        new Result.Value(ALL_BYTES),
        Result.OK,
        new Result.Deleted(true),
        new Result.Deleted(false),
        new Result.CasResult(true, "old"),
        new Result.CasResult(false, null),
        new Result.CasResult(false, ""),
        new Result.CasResult(false, ALL_BYTES),
        new Result.Error("unknown command"),
        new Result.Error(null),
        new Result.Error(""),
        new Result.Keys(List.of(), null),
        new Result.Keys(List.of("a", "", ALL_BYTES), ALL_BYTES),
        new Result.Keys(List.of("k"), ""),
        new Result.Unavailable(),
        new Result.AppendDigest("k", 2_000_000, ALL_BYTES.substring(0, 32)),
        new Result.AppendDigest("", 0, "\0".repeat(32)));
  }

  static List<View> views() {
    return List.of(
        View.INITIAL,
        new View(0, null, null, 42, 0),
        new View(1, S1, null),
        new View(2, S1, S2),
        new View(3, S2, S1, 7, 9),
        new View(Long.MAX_VALUE, Address.of(UNICODE), S2, Long.MIN_VALUE, -1));
  }

  static Snapshot snapshot() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("a", "1");
    data.put("", "empty key");
    data.put("empty value", "");
    data.put(UNICODE, UNICODE);
    Map<String, AmoEntry> sessions = new LinkedHashMap<>();
    sessions.put("client-1", new AmoEntry(1, Result.OK));
    sessions.put("client-2", new AmoEntry(Long.MAX_VALUE, new Result.Value(null)));
    sessions.put("client-3", new AmoEntry(-5, new Result.CasResult(false, "x")));
    sessions.put("client-4", new AmoEntry(0, null));
    sessions.put(UNICODE, new AmoEntry(3, new Result.Value("")));
    sessions.put("client-5", new AmoEntry(9, Result.OK, 41));
    sessions.put("client-6", new AmoEntry(10, null, Long.MAX_VALUE));
    sessions.put(
        "client-7", new AmoEntry(11, new Result.AppendDigest("k", 4096, "h".repeat(32)), 3));
    return new Snapshot(data, sessions, 42);
  }

  static Snapshot largeSnapshot(int keys) {
    Map<String, String> data = new HashMap<>(keys * 2);
    for (int i = 0; i < keys; i++) {
      data.put("key-" + i, "value-" + i + "-" + (i % 7 == 0 ? UNICODE : ""));
    }
    Map<String, AmoEntry> sessions = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      sessions.put("client-" + i, new AmoEntry(i, new Result.Value("value-" + i)));
    }
    return new Snapshot(data, sessions);
  }

  /** Every message type, most of them several times with edge cases. */
  static List<Message> messages() {
    List<Message> m = new ArrayList<>();
    // View service.
    m.add(new ViewServiceMessage.Ping(0, 1));
    m.add(new ViewServiceMessage.Ping(Long.MAX_VALUE, Long.MIN_VALUE));
    m.add(new ViewServiceMessage.Ping(-1, -1));
    m.add(new ViewServiceMessage.GetView());
    for (View v : views()) {
      m.add(new ViewServiceMessage.ViewReply(v));
    }
    m.add(new ViewServiceMessage.GetStatus());
    // Runtime messages (pbkv-net).
    m.add(new dev.pbkv.net.tls.Login("alice", "correct horse"));
    m.add(new dev.pbkv.net.tls.Login("a.b_c-9", ""));
    m.add(new dev.pbkv.net.tls.Login("u", UNICODE));
    m.add(new ViewServiceMessage.Status(View.INITIAL, false, List.of(), null));
    m.add(
        new ViewServiceMessage.Status(
            new View(4, S1, S2, 2, 3),
            true,
            List.of(
                new ViewServiceMessage.ServerHealth(S1, 2, 0, true),
                new ViewServiceMessage.ServerHealth(
                    S2, Long.MAX_VALUE, Integer.MAX_VALUE, false, "primary of view 3"),
                new ViewServiceMessage.ServerHealth(Address.of(UNICODE), -1, -1, true)),
            "primary s1 has not acked view 4"));
    m.add(new ViewServiceMessage.Status(new View(1, S1, null), false, List.of(), ""));
    m.add(
        new ViewServiceMessage.Status(
            new View(1, S1, null), true, List.of(), null, "file /var/lib/pbkv/view.state", false));
    m.add(new ViewServiceMessage.Status(View.INITIAL, true, List.of(), null, "in memory", true));
    m.add(new ViewServiceMessage.RemoveServer(S1));
    m.add(new ViewServiceMessage.RemoveServer(Address.of(UNICODE)));
    m.add(new ViewServiceMessage.RemoveResult(S1, true, null));
    m.add(new ViewServiceMessage.RemoveResult(S2, false, "s2 is the primary of view 3"));
    for (ViewServiceMessage.Role role : ViewServiceMessage.Role.values()) {
      m.add(
          new ViewServiceMessage.Status(
              new View(2, S1, S2, 1, 1),
              true,
              List.of(),
              null,
              "ZooKeeper zk1:2181,zk2:2181 znode /pbkv/x/view",
              false,
              role));
    }
    // Clients and servers.
    m.add(new ClientMessage.GetInfo());
    m.add(new ClientMessage.Info(List.of()));
    m.add(
        new ClientMessage.Info(
            List.of(
                new ClientMessage.Info.Field("server", "address", "s1"),
                new ClientMessage.Info.Field("", "", ""),
                new ClientMessage.Info.Field(UNICODE, UNICODE, UNICODE))));
    long seq = 0;
    for (Command c : commands()) {
      m.add(new ClientMessage.Request(seq++, c, seq % 3));
    }
    m.add(new ClientMessage.Request(Long.MIN_VALUE, new Command.Get("k"), Long.MAX_VALUE));
    for (Result r : results()) {
      m.add(new ClientMessage.Reply(seq++, r));
    }
    m.add(new ClientMessage.Reply(Long.MAX_VALUE, Result.OK));
    for (View v : views()) {
      m.add(new ClientMessage.WrongServer(seq++, v));
    }
    // Primary and backup.
    m.add(new ReplicationMessage.Forward(1, 1, List.of()));
    m.add(
        new ReplicationMessage.Forward(
            2, 1, List.of(new ReplicationMessage.Op(CLIENT, 1, new Command.Put("k", "v")))));
    List<ReplicationMessage.LogEntry> ops = new ArrayList<>();
    long opSeq = 0;
    for (Command c : commands()) {
      ops.add(new ReplicationMessage.Op(Address.of("c" + (opSeq % 3)), opSeq++, c));
      if (opSeq % 4 == 0) {
        ops.add(new ReplicationMessage.Sweep());
      }
    }
    ops.add(new ReplicationMessage.Op(Address.of(UNICODE), Long.MIN_VALUE, new Command.Get("")));
    m.add(new ReplicationMessage.Forward(Long.MAX_VALUE, Long.MAX_VALUE, ops));
    m.add(new ReplicationMessage.Forward(3, 7, List.of(new ReplicationMessage.Sweep())));
    m.add(
        new ReplicationMessage.Forward(
            3,
            8,
            List.of(
                new ReplicationMessage.Sweep(),
                new ReplicationMessage.Sweep(),
                new ReplicationMessage.Op(CLIENT, 2, new Command.Delete("k")))));
    m.add(new ReplicationMessage.ForwardAck(3, 0));
    m.add(new ReplicationMessage.ForwardAck(Long.MAX_VALUE, Long.MIN_VALUE));
    m.add(new ReplicationMessage.ForwardAck(3, 4, 9)); // a gap report: 5 to 9 missing
    m.add(new ReplicationMessage.ForwardProbe(3, 9));
    m.add(new ReplicationMessage.ForwardProbe(Long.MIN_VALUE, Long.MAX_VALUE));
    m.add(new ReplicationMessage.TransferProbe(2, 0));
    m.add(new ReplicationMessage.TransferProbe(2, Integer.MAX_VALUE));
    m.add(new ReplicationMessage.ForwardReject(3, new View(4, S2, S1), "stale view 3 < 4"));
    m.add(new ReplicationMessage.ForwardReject(3, null, null));
    m.add(new ReplicationMessage.ForwardReject(3, View.INITIAL, ""));
    m.add(new ReplicationMessage.ForwardReject(-3, null, UNICODE));
    m.add(ReplicationMessage.StateTransfer.whole(2, Snapshot.EMPTY));
    m.add(ReplicationMessage.StateTransfer.whole(2, snapshot()));
    m.add(
        new ReplicationMessage.StateTransfer(
            2, 0, false, DataChunk.of(snapshot().data()), snapshot().sessions(), 0));
    m.add(
        new ReplicationMessage.StateTransfer(
            2, 7, false, DataChunk.of(Map.of(LONG_STRING, UNICODE)), Map.of(), 0));
    m.add(
        new ReplicationMessage.StateTransfer(
            2, 0, false, DataChunk.EMPTY, snapshot().sessions(), Long.MAX_VALUE));
    m.add(
        new ReplicationMessage.StateTransfer(
            2, Integer.MAX_VALUE, true, DataChunk.EMPTY, snapshot().sessions(), 7));
    m.add(new ReplicationMessage.StateTransferAck(2, 0));
    m.add(new ReplicationMessage.StateTransferAck(2, 41));
    m.add(new ReplicationMessage.StateTransferAck(Long.MIN_VALUE, Integer.MAX_VALUE));
    m.add(new ReplicationMessage.StateTransferAck(2, -1, 1)); // nothing installed, 0 to 1 missing
    m.add(new ReplicationMessage.StateTransferAck(2, 3, 0)); // a gap bound below the ack: no gap
    return m;
  }

  /** Every sample message in an envelope, with and without clocks. */
  static List<Envelope> envelopes() {
    List<Envelope> envelopes = new ArrayList<>();
    int i = 0;
    for (Message m : messages()) {
      switch (i++ % 4) {
        case 0 -> envelopes.add(new Envelope(S1, VS, m));
        case 1 -> envelopes.add(new Envelope(CLIENT, S1, m, i, Map.of("s1", 3L, "vs", 1L)));
        case 2 ->
            envelopes.add(
                new Envelope(
                    Address.of(UNICODE),
                    Address.of(" padded "),
                    m,
                    Long.MAX_VALUE,
                    Map.of("", 0L, UNICODE, Long.MAX_VALUE, "neg", Long.MIN_VALUE)));
        default -> envelopes.add(new Envelope(S2, S1, m, -1, Map.of("s2", -1L)));
      }
    }
    return envelopes;
  }
}
