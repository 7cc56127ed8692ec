package dev.pbkv.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.client.ClientConfig;
import dev.pbkv.client.PbClient;
import dev.pbkv.kv.AmoEntry;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.DataChunk;
import dev.pbkv.kv.Result;
import dev.pbkv.mutex.ChannelMessage;
import dev.pbkv.mutex.LamportMutex;
import dev.pbkv.mutex.MutexMessage;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ReplicationMessage;
import dev.pbkv.server.ReplicationMessage.LogEntry;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.InMemoryViewStore;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import dev.pbkv.view.ViewServiceMessage;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every decodable message is handled or ignored, never thrown on (docs/design.md §8): every message
 * type of pbkv-core — found by scanning its classes, so a new type is covered without touching this
 * test — with ordinary and edge field values, from every kind of sender, is fed to every node kind
 * in every role. A message a node kind does not handle must also leave it unchanged and make it
 * send nothing.
 */
class EveryMessageTest {
  private static final Address VS = Address.of("vs");
  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");
  private static final Address C = Address.of("c");
  private static final Address CLIENT = Address.of("client1");
  private static final List<Address> SENDERS = List.of(VS, A, B, C, CLIENT);

  /** At most this many field combinations per message type (sampled with a fixed seed). */
  private static final int MAX_VARIANTS_PER_TYPE = 200;

  // --- the message types ------------------------------------------------------------------

  /** Every concrete message type in pbkv-core's main classes. */
  static List<Class<?>> messageTypes() throws IOException, URISyntaxException {
    Path root = Path.of(Message.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    TreeSet<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(p -> p.toString().endsWith(".class"))
          .forEach(
              p -> {
                String rel = root.relativize(p).toString();
                names.add(rel.substring(0, rel.length() - ".class".length()).replace('/', '.'));
              });
    }
    List<Class<?>> types = new ArrayList<>();
    for (String name : names) {
      Class<?> c;
      try {
        c = Class.forName(name, false, EveryMessageTest.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        continue;
      }
      if (Message.class.isAssignableFrom(c) && !c.isInterface() && c.isRecord()) {
        types.add(c);
      }
    }
    return types;
  }

  @Test
  void theScanFindsEveryTypeOfEverySealedProtocol() throws Exception {
    List<Class<?>> found = messageTypes();
    for (Class<?> root :
        List.of(
            ViewServiceMessage.class,
            ClientMessage.class,
            ReplicationMessage.class,
            MutexMessage.class,
            ChannelMessage.class)) {
      assertThat(root.isSealed()).as(root + " is sealed").isTrue();
      for (Class<?> sub : root.getPermittedSubclasses()) {
        assertThat(found).as("the scan finds " + sub).contains(sub);
      }
    }
    for (Class<?> type : found) {
      assertThat(type.getInterfaces())
          .as(type + " belongs to a sealed protocol")
          .anyMatch(Class::isSealed);
    }
  }

  // --- sample field values ----------------------------------------------------------------

  /** Ordinary and edge values for a record component of this (generic) type; null included. */
  private static List<Object> samples(Type type) {
    Class<?> raw =
        type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw == long.class) {
      return List.of(0L, 1L, 2L, 3L, -1L, Long.MAX_VALUE, Long.MIN_VALUE);
    } else if (raw == int.class) {
      return List.of(0, 1, 2, -1, Integer.MAX_VALUE, Integer.MIN_VALUE);
    } else if (raw == boolean.class) {
      return List.of(true, false);
    } else if (raw == String.class) {
      return nullable("k", "", "client1");
    } else if (raw == Address.class) {
      return nullable(VS, A, B, C, CLIENT);
    } else if (raw == View.class) {
      return nullable(
          View.INITIAL,
          new View(1, A, null),
          new View(2, A, B),
          new View(2, B, A),
          new View(3, B, C),
          new View(2, A, B, 7, 7),
          new View(Long.MAX_VALUE, C, null));
    } else if (raw == Command.class) {
      return nullable(
          new Command.Get("k"),
          new Command.Put("k", "v"),
          new Command.Append("k", "x"),
          new Command.Delete("k"),
          new Command.CompareAndSet("k", "v", "w"),
          new Command.Scan("k", null, 10));
    } else if (raw == Result.class) {
      return nullable(new Result.Value("v"), new Result.Value(null), Result.OK);
    } else if (raw == DataChunk.class) {
      return nullable(DataChunk.EMPTY, DataChunk.of(Map.of("k", "v", "q", "w")));
    } else if (raw == Message.class) {
      return nullable(
          new MutexMessage.Request(1),
          new MutexMessage.Release(2, 1),
          new ViewServiceMessage.Ping(1, 1));
    } else if (raw == List.class || raw == Map.class) {
      Type element = ((ParameterizedType) type).getActualTypeArguments()[raw == List.class ? 0 : 1];
      List<Object> out = new ArrayList<>();
      out.add(null);
      out.add(raw == List.class ? List.of() : Map.of());
      for (Object e : samples(element)) {
        if (e != null) {
          out.add(raw == List.class ? List.of(e) : Map.of("client1", e));
        }
      }
      return out;
    } else if (raw == LogEntry.class) {
      return nullable(
          new ReplicationMessage.Op(CLIENT, 1, new Command.Put("k", "v")),
          new ReplicationMessage.Op(CLIENT, 1, new Command.Get("k")),
          new ReplicationMessage.Sweep());
    } else if (raw == AmoEntry.class) {
      return nullable(new AmoEntry(1, Result.OK), new AmoEntry(Long.MAX_VALUE, null, -1));
    } else if (raw == ViewServiceMessage.Role.class) {
      return nullable((Object[]) ViewServiceMessage.Role.values());
    } else if (raw == ViewServiceMessage.ServerHealth.class) {
      return nullable(new ViewServiceMessage.ServerHealth(A, 1, Integer.MAX_VALUE, false));
    } else if (raw == dev.pbkv.server.ClientMessage.Info.Field.class) {
      return nullable(new dev.pbkv.server.ClientMessage.Info.Field("server", "role", "primary"));
    }
    throw new AssertionError(
        "no sample values for a message field of type "
            + type
            + ": add them to EveryMessageTest.samples");
  }

  private static List<Object> nullable(Object... values) {
    List<Object> out = new ArrayList<>(Arrays.asList(values));
    out.add(null);
    return out;
  }

  /**
   * Instances of {@code type}: the cross product of its components' samples, or a fixed-seed sample
   * of it. A combination the record's constructor refuses cannot be decoded either, and is skipped.
   */
  static List<Message> instances(Class<?> type) throws ReflectiveOperationException {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] raw = new Class<?>[components.length];
    List<List<Object>> values = new ArrayList<>();
    long combinations = 1;
    for (int i = 0; i < components.length; i++) {
      raw[i] = components[i].getType();
      values.add(samples(components[i].getGenericType()));
      combinations *= values.get(i).size();
    }
    Constructor<?> constructor = type.getDeclaredConstructor(raw);
    List<Message> out = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(13);
    long count = Math.min(combinations, MAX_VARIANTS_PER_TYPE);
    for (long n = 0; n < count; n++) {
      Object[] args = new Object[components.length];
      long rest = combinations <= MAX_VARIANTS_PER_TYPE ? n : random.nextLong(combinations);
      for (int i = 0; i < components.length; i++) {
        List<Object> v = values.get(i);
        args[i] = v.get((int) (rest % v.size()));
        rest /= v.size();
      }
      try {
        out.add((Message) constructor.newInstance(args));
      } catch (InvocationTargetException refused) {
        // not a value the record allows, so not a value the wire decoder can produce
      }
    }
    assertThat(out).as("some instances of " + type).isNotEmpty();
    return out;
  }

  // --- the nodes, in every role -----------------------------------------------------------

  /** A node kind, the message types it handles, and its states (one per role). */
  record Kind(String name, Set<Class<?>> handles, Map<String, Supplier<Node>> states) {}

  private static PbServer server(Address self, long bootId, View... views) {
    PbServer s = new PbServer(self, VS, bootId, ServerConfig.defaults());
    RecordingEffects fx = new RecordingEffects();
    s.init(fx);
    for (View v : views) {
      s.onMessage(VS, new ViewServiceMessage.ViewReply(v), fx);
    }
    return s;
  }

  private static PbServer primaryServingWithBackup() {
    PbServer a = server(A, 1, new View(2, A, B));
    RecordingEffects fx = new RecordingEffects();
    a.onMessage(B, new ReplicationMessage.StateTransferAck(2, 0), fx);
    a.onMessage(CLIENT, new ClientMessage.Request(1, new Command.Put("k", "v"), 2), fx);
    assertThat(a.isServing()).isTrue();
    return a;
  }

  private static PbServer backupInstalled() {
    PbServer b = server(B, 1, new View(2, A, B));
    b.onMessage(
        A,
        ReplicationMessage.StateTransfer.whole(
            2, new PbServer(A, VS, 1, ServerConfig.defaults()).stateSnapshot()),
        new RecordingEffects());
    assertThat(b.hasInstalledState()).isTrue();
    return b;
  }

  private static ViewServer viewService(Address... pingers) {
    ViewServer vs = new ViewServer();
    RecordingEffects fx = new RecordingEffects();
    vs.init(fx);
    for (Address a : pingers) {
      vs.onMessage(a, new ViewServiceMessage.Ping(vs.view().viewNum(), 1), fx);
    }
    return vs;
  }

  /** A view-service replica (design.md §2.2) on a store another replica wrote view 2 to. */
  private static ViewServer replica(boolean leading) {
    InMemoryViewStore store = new InMemoryViewStore();
    ViewServer writer = viewService(A, A, B, A, B);
    store.compareAndSet(0, writer.durableState());
    ViewServer r = ViewServer.replica(ViewServiceConfig.defaults(), store);
    r.init(new RecordingEffects());
    if (leading) {
      r.leadershipGained();
    }
    return r;
  }

  private static PbClient client(View view, boolean outstanding) {
    PbClient c = new PbClient(CLIENT, VS, ClientConfig.defaults());
    RecordingEffects fx = new RecordingEffects();
    c.init(fx);
    if (view != null) {
      c.onMessage(VS, new ViewServiceMessage.ViewReply(view), fx);
    }
    if (outstanding) {
      c.submit(new Command.Put("k", "v"), fx);
    }
    return c;
  }

  private static LamportMutex mutex(boolean requesting) {
    LamportMutex m = new LamportMutex(A, List.of(A, B, C));
    RecordingEffects fx = new RecordingEffects();
    m.init(fx);
    if (requesting) {
      m.request(fx);
    }
    return m;
  }

  static List<Kind> kinds() {
    Map<String, Supplier<Node>> vs = new LinkedHashMap<>();
    vs.put("view 0", () -> viewService());
    vs.put("view 1 unacked", () -> viewService(A));
    vs.put("view 1 acked, idle b", () -> viewService(A, A, B));
    vs.put("view 2 with a backup", () -> viewService(A, A, B, A, B));
    vs.put("replica, follower", () -> replica(false));
    vs.put("replica, leader of view 2", () -> replica(true));

    Map<String, Supplier<Node>> servers = new LinkedHashMap<>();
    servers.put("no view yet", () -> server(A, 1));
    servers.put("primary without backup", () -> server(A, 1, new View(1, A, null)));
    servers.put("primary during the transfer", () -> server(A, 1, new View(2, A, B)));
    servers.put("primary serving with a backup", EveryMessageTest::primaryServingWithBackup);
    servers.put("backup before the transfer", () -> server(B, 1, new View(2, A, B)));
    servers.put("backup with the state", EveryMessageTest::backupInstalled);
    servers.put("idle in a view", () -> server(C, 1, new View(2, A, B)));
    servers.put("restarted former primary", () -> server(A, 2, new View(2, A, B)));

    Map<String, Supplier<Node>> clients = new LinkedHashMap<>();
    clients.put("no view, idle", () -> client(null, false));
    clients.put("no view, op outstanding", () -> client(null, true));
    clients.put("view, op outstanding", () -> client(new View(2, A, B), true));
    clients.put("view, idle", () -> client(new View(2, A, B), false));

    Map<String, Supplier<Node>> mutexes = new LinkedHashMap<>();
    mutexes.put("idle", () -> mutex(false));
    mutexes.put("requesting", () -> mutex(true));

    return List.of(
        new Kind(
            "view service",
            Set.of(
                ViewServiceMessage.Ping.class,
                ViewServiceMessage.GetView.class,
                ViewServiceMessage.GetStatus.class,
                ViewServiceMessage.RemoveServer.class),
            vs),
        new Kind(
            "server",
            Set.of(
                ViewServiceMessage.ViewReply.class,
                ClientMessage.Request.class,
                ClientMessage.GetInfo.class,
                ReplicationMessage.Forward.class,
                ReplicationMessage.ForwardAck.class,
                ReplicationMessage.ForwardProbe.class,
                ReplicationMessage.TransferProbe.class,
                ReplicationMessage.ForwardReject.class,
                ReplicationMessage.StateTransfer.class,
                ReplicationMessage.StateTransferAck.class),
            servers),
        new Kind(
            "client",
            Set.of(
                ClientMessage.Reply.class,
                ClientMessage.WrongServer.class,
                ViewServiceMessage.ViewReply.class),
            clients),
        new Kind(
            "lamport mutex", Set.of(ChannelMessage.Data.class, ChannelMessage.Ack.class), mutexes));
  }

  // --- the test -------------------------------------------------------------------------

  @Test
  void when_anyMessageReachesAnyNodeInAnyRole_then_itIsHandledOrIgnored_neverThrownOn()
      throws Exception {
    List<String> problems = new ArrayList<>();
    int deliveries = 0;
    for (Class<?> type : messageTypes()) {
      List<Message> messages = instances(type);
      for (Kind kind : kinds()) {
        boolean handled = kind.handles().contains(type);
        for (Map.Entry<String, Supplier<Node>> state : kind.states().entrySet()) {
          Node before = state.getValue().get();
          for (Message msg : messages) {
            for (Address from : SENDERS) {
              Node node = state.getValue().get();
              RecordingEffects fx = new RecordingEffects();
              deliveries++;
              try {
                node.onMessage(from, msg, fx);
              } catch (RuntimeException e) {
                problems.add(where(kind, state.getKey(), from, msg) + " threw " + e);
                continue;
              }
              if (!handled && (!node.equals(before) || !fx.sent().isEmpty())) {
                problems.add(
                    where(kind, state.getKey(), from, msg)
                        + " is not handled by a "
                        + kind.name()
                        + " but changed it or made it send "
                        + fx.sent());
              }
            }
          }
        }
      }
    }
    assertThat(deliveries).isGreaterThan(10_000);
    assertThat(problems.subList(0, Math.min(30, problems.size())))
        .as("%d of %d deliveries went wrong; the first ones", problems.size(), deliveries)
        .isEmpty();
  }

  private static String where(Kind kind, String state, Address from, Message msg) {
    return kind.name() + " (" + state + ") given " + msg + " from " + from;
  }
}
