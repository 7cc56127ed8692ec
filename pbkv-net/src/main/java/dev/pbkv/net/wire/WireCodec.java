package dev.pbkv.net.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.pbkv.kv.AmoEntry;
import dev.pbkv.kv.ByteStrings;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.DataChunk;
import dev.pbkv.kv.Result;
import dev.pbkv.net.proto.Forward;
import dev.pbkv.net.proto.ForwardAck;
import dev.pbkv.net.proto.ForwardReject;
import dev.pbkv.net.proto.GetStatus;
import dev.pbkv.net.proto.GetView;
import dev.pbkv.net.proto.LogEntry;
import dev.pbkv.net.proto.Op;
import dev.pbkv.net.proto.Ping;
import dev.pbkv.net.proto.Reply;
import dev.pbkv.net.proto.Request;
import dev.pbkv.net.proto.ServerHealth;
import dev.pbkv.net.proto.StateTransfer;
import dev.pbkv.net.proto.StateTransferAck;
import dev.pbkv.net.proto.Status;
import dev.pbkv.net.proto.Sweep;
import dev.pbkv.net.proto.ViewReply;
import dev.pbkv.net.proto.WrongServer;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.ReplicationMessage;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Encodes {@link Envelope}s as the protobuf {@code pbkv.v1.Envelope} of {@code pbkv.proto} and
 * decodes them back, mapping each message of pbkv-core explicitly, field by field, both ways.
 *
 * <p>Round trips are exact: {@code decode(encode(e)).equals(e)} for every envelope whose strings
 * are well-formed UTF-16 (protobuf writes an unpaired surrogate as {@code '?'}); {@code null} and
 * the empty string stay distinct. Encoding is deterministic (map entries are sorted by key), so
 * equal envelopes encode to equal bytes.
 *
 * <p>Decoding never trusts its input: anything malformed, unknown or semantically invalid is
 * reported as a {@link WireFormatException} with a one-line reason, and never as another exception.
 * Unknown fields inside known messages are ignored (protobuf's usual forward compatibility), but an
 * envelope whose payload is absent or of a type this version does not know is rejected.
 */
public final class WireCodec {

  private WireCodec() {}

  // ---------------------------------------------------------------------------------------------
  // Public API
  // ---------------------------------------------------------------------------------------------

  /**
   * Encodes an envelope.
   *
   * @param envelope the envelope
   * @return its protobuf bytes (without a length prefix)
   * @throws IllegalArgumentException if the envelope's message is of a type the wire format does
   *     not know
   */
  public static byte[] encode(Envelope envelope) {
    dev.pbkv.net.proto.Envelope pb = toProto(envelope);
    byte[] bytes = new byte[pb.getSerializedSize()];
    write(pb, CodedOutputStream.newInstance(bytes));
    return bytes;
  }

  /**
   * Encodes an envelope into {@code out}, at its writer index, which advances by the encoded size.
   *
   * @param envelope the envelope
   * @param out where to write its protobuf bytes (without a length prefix)
   * @throws IllegalArgumentException if the envelope's message is of a type the wire format does
   *     not know
   */
  public static void encode(Envelope envelope, ByteBuf out) {
    dev.pbkv.net.proto.Envelope pb = toProto(envelope);
    int size = pb.getSerializedSize();
    out.ensureWritable(size);
    // Asked only now: a composite buffer has an array while it has one component, which
    // ensureWritable may change.
    if (out.hasArray()) {
      int start = out.writerIndex();
      write(pb, CodedOutputStream.newInstance(out.array(), out.arrayOffset() + start, size));
      out.writerIndex(start + size);
    } else {
      byte[] bytes = new byte[size];
      write(pb, CodedOutputStream.newInstance(bytes));
      out.writeBytes(bytes);
    }
  }

  /**
   * Decodes an envelope.
   *
   * @param bytes exactly one envelope's protobuf bytes (without a length prefix)
   * @return the envelope
   * @throws WireFormatException if the bytes are not a valid envelope
   */
  public static Envelope decode(byte[] bytes) throws WireFormatException {
    Objects.requireNonNull(bytes, "bytes");
    return decode(CodedInputStream.newInstance(bytes));
  }

  /**
   * Decodes an envelope from all the readable bytes of {@code in}, which are consumed whether or
   * not they are valid. The buffer is not released.
   *
   * @param in exactly one envelope's protobuf bytes (without a length prefix)
   * @return the envelope
   * @throws WireFormatException if the bytes are not a valid envelope
   */
  public static Envelope decode(ByteBuf in) throws WireFormatException {
    Objects.requireNonNull(in, "in");
    int start = in.readerIndex();
    int length = in.readableBytes();
    CodedInputStream input =
        in.hasArray()
            ? CodedInputStream.newInstance(in.array(), in.arrayOffset() + start, length)
            : CodedInputStream.newInstance(in.nioBuffer(start, length));
    in.skipBytes(length);
    return decode(input);
  }

  // ---------------------------------------------------------------------------------------------
  // Encoding: Java records -> protobuf
  // ---------------------------------------------------------------------------------------------

  private static void write(dev.pbkv.net.proto.Envelope pb, CodedOutputStream out) {
    out.useDeterministicSerialization();
    try {
      pb.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: encoding into memory failed", e);
    }
    out.checkNoSpaceLeft();
  }

  private static dev.pbkv.net.proto.Envelope toProto(Envelope envelope) {
    Objects.requireNonNull(envelope, "envelope");
    dev.pbkv.net.proto.Envelope.Builder b =
        dev.pbkv.net.proto.Envelope.newBuilder()
            .setFrom(envelope.from().name())
            .setTo(envelope.to().name())
            .setLamport(envelope.lamport())
            .putAllVectorClock(envelope.vectorClock());
    Message m = envelope.message();
    // View service.
    if (m instanceof ViewServiceMessage.Ping p) {
      b.setPing(Ping.newBuilder().setViewNum(p.viewNum()).setBootId(p.bootId()));
    } else if (m instanceof ViewServiceMessage.GetView) {
      b.setGetView(GetView.getDefaultInstance());
    } else if (m instanceof ViewServiceMessage.ViewReply r) {
      b.setViewReply(ViewReply.newBuilder().setView(toProto(r.view())));
    } else if (m instanceof ViewServiceMessage.GetStatus) {
      b.setGetStatus(GetStatus.getDefaultInstance());
    } else if (m instanceof ViewServiceMessage.Status s) {
      Status.Builder sb = Status.newBuilder().setView(toProto(s.view())).setAcked(s.acked());
      for (ViewServiceMessage.ServerHealth h : s.servers()) {
        ServerHealth.Builder hb =
            ServerHealth.newBuilder()
                .setServer(h.server().name())
                .setBootId(h.bootId())
                .setMissedChecks(h.missedChecks())
                .setAlive(h.alive());
        if (h.formerRole() != null) {
          hb.setFormerRole(h.formerRole());
        }
        sb.addServers(hb);
      }
      if (s.problem() != null) {
        sb.setProblem(s.problem());
      }
      sb.setStore(s.store()).setVolatileStore(s.volatileStore());
      sb.setRole(
          switch (s.role()) {
            case STANDALONE -> dev.pbkv.net.proto.ViewServiceRole.STANDALONE;
            case LEADER -> dev.pbkv.net.proto.ViewServiceRole.LEADER;
            case FOLLOWER -> dev.pbkv.net.proto.ViewServiceRole.FOLLOWER;
          });
      b.setStatus(sb);
    } else if (m instanceof ViewServiceMessage.RemoveServer r) {
      b.setRemoveServer(dev.pbkv.net.proto.RemoveServer.newBuilder().setServer(r.server().name()));
    } else if (m instanceof ViewServiceMessage.RemoveResult r) {
      b.setRemoveResult(
          dev.pbkv.net.proto.RemoveResult.newBuilder()
              .setServer(r.server().name())
              .setRemoved(r.removed())
              .setReason(r.reason()));
      // Clients and servers.
    } else if (m instanceof ClientMessage.Request r) {
      b.setRequest(
          Request.newBuilder()
              .setSeq(r.seq())
              .setCommand(toProto(r.command()))
              .setViewNum(r.viewNum()));
    } else if (m instanceof ClientMessage.Reply r) {
      b.setReply(Reply.newBuilder().setSeq(r.seq()).setResult(toProto(r.result())));
    } else if (m instanceof ClientMessage.WrongServer w) {
      b.setWrongServer(WrongServer.newBuilder().setSeq(w.seq()).setView(toProto(w.view())));
    } else if (m instanceof ClientMessage.GetInfo) {
      b.setGetInfo(dev.pbkv.net.proto.GetInfo.getDefaultInstance());
    } else if (m instanceof ClientMessage.Info info) {
      dev.pbkv.net.proto.Info.Builder ib = dev.pbkv.net.proto.Info.newBuilder();
      for (ClientMessage.Info.Field f : info.fields()) {
        ib.addFields(
            dev.pbkv.net.proto.Info.Field.newBuilder()
                .setSection(f.section())
                .setName(f.name())
                .setValue(f.value()));
      }
      b.setInfo(ib);
      // Primary and backup.
    } else if (m instanceof ReplicationMessage.Forward f) {
      Forward.Builder fb =
          Forward.newBuilder().setViewNum(f.viewNum()).setFirstIndex(f.firstIndex());
      for (ReplicationMessage.LogEntry entry : f.entries()) {
        if (entry instanceof ReplicationMessage.Op op) {
          fb.addEntries(
              LogEntry.newBuilder()
                  .setOp(
                      Op.newBuilder()
                          .setClient(op.client().name())
                          .setSeq(op.seq())
                          .setCommand(toProto(op.command()))));
        } else if (entry instanceof ReplicationMessage.Sweep) {
          fb.addEntries(LogEntry.newBuilder().setSweep(Sweep.getDefaultInstance()));
        } else {
          throw new IllegalArgumentException(
              "the wire format has no mapping for log entry type " + entry.getClass().getName());
        }
      }
      b.setForward(fb);
    } else if (m instanceof ReplicationMessage.ForwardAck a) {
      b.setForwardAck(
          ForwardAck.newBuilder()
              .setViewNum(a.viewNum())
              .setAppliedIndex(a.appliedIndex())
              .setGapUpTo(a.gapUpTo()));
    } else if (m instanceof ReplicationMessage.ForwardProbe p) {
      b.setForwardProbe(
          dev.pbkv.net.proto.ForwardProbe.newBuilder()
              .setViewNum(p.viewNum())
              .setUpToIndex(p.upToIndex()));
    } else if (m instanceof ReplicationMessage.TransferProbe p) {
      b.setTransferProbe(
          dev.pbkv.net.proto.TransferProbe.newBuilder()
              .setViewNum(p.viewNum())
              .setUpToChunk(p.upToChunk()));
    } else if (m instanceof ReplicationMessage.ForwardReject r) {
      ForwardReject.Builder rb = ForwardReject.newBuilder().setViewNum(r.viewNum());
      if (r.backupView() != null) {
        rb.setBackupView(toProto(r.backupView()));
      }
      if (r.reason() != null) {
        rb.setReason(r.reason());
      }
      b.setForwardReject(rb);
    } else if (m instanceof ReplicationMessage.StateTransfer t) {
      b.setStateTransfer(
          StateTransfer.newBuilder()
              .setViewNum(t.viewNum())
              .setData(UnsafeByteOperations.unsafeWrap(t.data().toByteArray()))
              .putAllSessions(toProto(t.sessions()))
              .setSweeps(t.sweeps())
              .setChunkIndex(t.chunkIndex())
              .setLastChunk(t.lastChunk()));
    } else if (m instanceof ReplicationMessage.StateTransferAck a) {
      StateTransferAck.Builder ab =
          StateTransferAck.newBuilder().setViewNum(a.viewNum()).setChunkIndex(a.chunkIndex());
      if (a.gapUpTo() >= 0) {
        ab.setGapUpTo(a.gapUpTo());
      }
      b.setStateTransferAck(ab);
    } else if (m instanceof dev.pbkv.net.tls.Login l) {
      b.setLogin(dev.pbkv.net.proto.Login.newBuilder().setUser(l.user()).setPassword(l.password()));
    } else {
      throw new IllegalArgumentException(
          "the wire format has no mapping for message type " + m.getClass().getName());
    }
    return b.build();
  }

  private static dev.pbkv.net.proto.View toProto(View v) {
    dev.pbkv.net.proto.View.Builder b =
        dev.pbkv.net.proto.View.newBuilder()
            .setViewNum(v.viewNum())
            .setPrimaryBootId(v.primaryBootId())
            .setBackupBootId(v.backupBootId());
    if (v.primary() != null) {
      b.setPrimary(v.primary().name());
    }
    if (v.backup() != null) {
      b.setBackup(v.backup().name());
    }
    return b.build();
  }

  /**
   * A key or value on the wire: its bytes (a byte string, {@link ByteStrings}).
   *
   * @throws IllegalArgumentException if it has a char above 255: such a string is not bytes
   */
  private static ByteString b(String byteString) {
    if (!ByteStrings.isByteString(byteString)) {
      throw new IllegalArgumentException(
          "a key or value must be bytes (chars 0-255, see ByteStrings), got "
              + quote(byteString.length() > 40 ? byteString.substring(0, 40) + "…" : byteString));
    }
    return ByteString.copyFrom(byteString, StandardCharsets.ISO_8859_1);
  }

  /** A key or value from the wire, as a byte string. */
  private static String s(ByteString bytes) {
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  private static dev.pbkv.net.proto.Command toProto(Command c) {
    dev.pbkv.net.proto.Command.Builder b = dev.pbkv.net.proto.Command.newBuilder();
    if (c instanceof Command.Get g) {
      b.setGet(dev.pbkv.net.proto.Command.Get.newBuilder().setKey(b(g.key())));
    } else if (c instanceof Command.Put p) {
      b.setPut(
          dev.pbkv.net.proto.Command.Put.newBuilder().setKey(b(p.key())).setValue(b(p.value())));
    } else if (c instanceof Command.Append a) {
      b.setAppend(
          dev.pbkv.net.proto.Command.Append.newBuilder().setKey(b(a.key())).setValue(b(a.value())));
    } else if (c instanceof Command.Delete d) {
      b.setDelete(dev.pbkv.net.proto.Command.Delete.newBuilder().setKey(b(d.key())));
    } else if (c instanceof Command.CompareAndSet cas) {
      dev.pbkv.net.proto.Command.CompareAndSet.Builder cb =
          dev.pbkv.net.proto.Command.CompareAndSet.newBuilder()
              .setKey(b(cas.key()))
              .setUpdate(b(cas.update()));
      if (cas.expected() != null) {
        cb.setExpected(b(cas.expected()));
      }
      b.setCompareAndSet(cb);
    } else if (c instanceof Command.Scan scan) {
      dev.pbkv.net.proto.Command.Scan.Builder sb =
          dev.pbkv.net.proto.Command.Scan.newBuilder()
              .setPrefix(b(scan.prefix()))
              .setLimit(scan.limit());
      if (scan.after() != null) {
        sb.setAfter(b(scan.after()));
      }
      b.setScan(sb);
    } else {
      throw new IllegalArgumentException(
          "the wire format has no mapping for command type " + c.getClass().getName());
    }
    return b.build();
  }

  private static dev.pbkv.net.proto.Result toProto(Result r) {
    dev.pbkv.net.proto.Result.Builder b = dev.pbkv.net.proto.Result.newBuilder();
    if (r instanceof Result.Value v) {
      dev.pbkv.net.proto.Result.Value.Builder vb = dev.pbkv.net.proto.Result.Value.newBuilder();
      if (v.value() != null) {
        vb.setValue(b(v.value()));
      }
      b.setValue(vb);
    } else if (r instanceof Result.Ok) {
      b.setOk(dev.pbkv.net.proto.Result.Ok.getDefaultInstance());
    } else if (r instanceof Result.Deleted d) {
      b.setDeleted(dev.pbkv.net.proto.Result.Deleted.newBuilder().setExisted(d.existed()));
    } else if (r instanceof Result.CasResult c) {
      dev.pbkv.net.proto.Result.CasResult.Builder cb =
          dev.pbkv.net.proto.Result.CasResult.newBuilder().setSwapped(c.swapped());
      if (c.previous() != null) {
        cb.setPrevious(b(c.previous()));
      }
      b.setCasResult(cb);
    } else if (r instanceof Result.Error e) {
      dev.pbkv.net.proto.Result.Error.Builder eb = dev.pbkv.net.proto.Result.Error.newBuilder();
      if (e.message() != null) {
        eb.setMessage(e.message());
      }
      b.setError(eb);
    } else if (r instanceof Result.Unavailable) {
      b.setUnavailable(dev.pbkv.net.proto.Result.Unavailable.getDefaultInstance());
    } else if (r instanceof Result.AppendDigest d) {
      b.setAppendDigest(
          dev.pbkv.net.proto.Result.AppendDigest.newBuilder()
              .setKey(b(d.key()))
              .setLength(d.length())
              .setSha256(b(d.sha256())));
    } else if (r instanceof Result.Keys k) {
      dev.pbkv.net.proto.Result.Keys.Builder kb = dev.pbkv.net.proto.Result.Keys.newBuilder();
      for (String key : k.keys()) {
        kb.addKeys(b(key));
      }
      if (k.nextCursor() != null) {
        kb.setNextCursor(b(k.nextCursor()));
      }
      b.setKeys(kb);
    } else {
      throw new IllegalArgumentException(
          "the wire format has no mapping for result type " + r.getClass().getName());
    }
    return b.build();
  }

  private static Map<String, dev.pbkv.net.proto.AmoEntry> toProto(Map<String, AmoEntry> sessions) {
    Map<String, dev.pbkv.net.proto.AmoEntry> out = new HashMap<>();
    for (Map.Entry<String, AmoEntry> e : sessions.entrySet()) {
      AmoEntry entry = e.getValue();
      dev.pbkv.net.proto.AmoEntry.Builder eb =
          dev.pbkv.net.proto.AmoEntry.newBuilder()
              .setSeq(entry.seq())
              .setWrittenAtSweep(entry.writtenAtSweep());
      if (entry.result() != null) {
        eb.setResult(toProto(entry.result()));
      }
      out.put(e.getKey(), eb.build());
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Decoding: protobuf -> Java records
  // ---------------------------------------------------------------------------------------------

  private static Envelope decode(CodedInputStream input) throws WireFormatException {
    dev.pbkv.net.proto.Envelope pb;
    try {
      pb = dev.pbkv.net.proto.Envelope.parseFrom(input);
      // Parsing stops early at a stray end-group tag; only the end of the input is a proper end.
      input.checkLastTagWas(0);
    } catch (InvalidProtocolBufferException e) {
      throw new WireFormatException("malformed protobuf: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new WireFormatException("malformed protobuf: " + e, e);
    }
    try {
      return fromProto(pb);
    } catch (IllegalArgumentException | NullPointerException e) {
      // A record constructor refused a value that protobuf could carry.
      throw new WireFormatException("invalid " + messageName(pb) + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new WireFormatException("undecodable " + messageName(pb) + ": " + e, e);
    }
  }

  private static String messageName(dev.pbkv.net.proto.Envelope pb) {
    return pb.getPayloadCase() == dev.pbkv.net.proto.Envelope.PayloadCase.PAYLOAD_NOT_SET
        ? "envelope"
        : pb.getPayloadCase().name().toLowerCase(Locale.ROOT) + " message";
  }

  private static Envelope fromProto(dev.pbkv.net.proto.Envelope pb) throws WireFormatException {
    Message message = message(pb);
    Address from = requiredAddress(pb.getFrom(), "Envelope.from");
    Address to = requiredAddress(pb.getTo(), "Envelope.to");
    return new Envelope(from, to, message, pb.getLamport(), pb.getVectorClockMap());
  }

  private static Message message(dev.pbkv.net.proto.Envelope pb) throws WireFormatException {
    return switch (pb.getPayloadCase()) {
      // View service.
      case PING -> new ViewServiceMessage.Ping(pb.getPing().getViewNum(), pb.getPing().getBootId());
      case GET_VIEW -> new ViewServiceMessage.GetView();
      case VIEW_REPLY -> {
        ViewReply r = pb.getViewReply();
        require(r.hasView(), "ViewReply.view");
        yield new ViewServiceMessage.ViewReply(view(r.getView(), "ViewReply.view"));
      }
      case GET_STATUS -> new ViewServiceMessage.GetStatus();
      case STATUS -> {
        Status s = pb.getStatus();
        require(s.hasView(), "Status.view");
        List<ViewServiceMessage.ServerHealth> servers = new ArrayList<>(s.getServersCount());
        for (ServerHealth h : s.getServersList()) {
          servers.add(
              new ViewServiceMessage.ServerHealth(
                  requiredAddress(h.getServer(), "ServerHealth.server"),
                  h.getBootId(),
                  h.getMissedChecks(),
                  h.getAlive(),
                  h.hasFormerRole() ? h.getFormerRole() : null));
        }
        yield new ViewServiceMessage.Status(
            view(s.getView(), "Status.view"),
            s.getAcked(),
            servers,
            s.hasProblem() ? s.getProblem() : null,
            s.getStore(),
            s.getVolatileStore(),
            switch (s.getRole()) {
              case LEADER -> ViewServiceMessage.Role.LEADER;
              case FOLLOWER -> ViewServiceMessage.Role.FOLLOWER;
              default -> ViewServiceMessage.Role.STANDALONE; // also a newer role we do not know
            });
      }
      case REMOVE_SERVER ->
          new ViewServiceMessage.RemoveServer(
              requiredAddress(pb.getRemoveServer().getServer(), "RemoveServer.server"));
      case REMOVE_RESULT ->
          new ViewServiceMessage.RemoveResult(
              requiredAddress(pb.getRemoveResult().getServer(), "RemoveResult.server"),
              pb.getRemoveResult().getRemoved(),
              pb.getRemoveResult().getReason());
      // Clients and servers.
      case GET_INFO -> new ClientMessage.GetInfo();
      case INFO -> {
        List<ClientMessage.Info.Field> fields = new ArrayList<>();
        for (dev.pbkv.net.proto.Info.Field f : pb.getInfo().getFieldsList()) {
          fields.add(new ClientMessage.Info.Field(f.getSection(), f.getName(), f.getValue()));
        }
        yield new ClientMessage.Info(fields);
      }
      case REQUEST -> {
        Request r = pb.getRequest();
        require(r.hasCommand(), "Request.command");
        yield new ClientMessage.Request(
            r.getSeq(), command(r.getCommand(), "Request.command"), r.getViewNum());
      }
      case REPLY -> {
        Reply r = pb.getReply();
        require(r.hasResult(), "Reply.result");
        yield new ClientMessage.Reply(r.getSeq(), result(r.getResult(), "Reply.result"));
      }
      case WRONG_SERVER -> {
        WrongServer w = pb.getWrongServer();
        require(w.hasView(), "WrongServer.view");
        yield new ClientMessage.WrongServer(w.getSeq(), view(w.getView(), "WrongServer.view"));
      }
      // Primary and backup.
      case FORWARD -> {
        Forward f = pb.getForward();
        List<ReplicationMessage.LogEntry> entries = new ArrayList<>(f.getEntriesCount());
        for (LogEntry entry : f.getEntriesList()) {
          entries.add(logEntry(entry));
        }
        yield new ReplicationMessage.Forward(f.getViewNum(), f.getFirstIndex(), entries);
      }
      case FORWARD_ACK ->
          new ReplicationMessage.ForwardAck(
              pb.getForwardAck().getViewNum(),
              pb.getForwardAck().getAppliedIndex(),
              pb.getForwardAck().getGapUpTo());
      case FORWARD_PROBE ->
          new ReplicationMessage.ForwardProbe(
              pb.getForwardProbe().getViewNum(), pb.getForwardProbe().getUpToIndex());
      case TRANSFER_PROBE ->
          new ReplicationMessage.TransferProbe(
              pb.getTransferProbe().getViewNum(), pb.getTransferProbe().getUpToChunk());
      case FORWARD_REJECT -> {
        ForwardReject r = pb.getForwardReject();
        yield new ReplicationMessage.ForwardReject(
            r.getViewNum(),
            r.hasBackupView() ? view(r.getBackupView(), "ForwardReject.backup_view") : null,
            r.hasReason() ? r.getReason() : null);
      }
      case STATE_TRANSFER -> {
        StateTransfer t = pb.getStateTransfer();
        yield new ReplicationMessage.StateTransfer(
            t.getViewNum(),
            t.getChunkIndex(),
            t.getLastChunk(),
            new DataChunk(t.getData().toByteArray()),
            sessions(t.getSessionsMap()),
            t.getSweeps());
      }
      case STATE_TRANSFER_ACK -> {
        StateTransferAck a = pb.getStateTransferAck();
        if (a.hasGapUpTo() && a.getGapUpTo() < 0) {
          throw new WireFormatException("StateTransferAck.gap_up_to must not be negative");
        }
        yield new ReplicationMessage.StateTransferAck(
            a.getViewNum(), a.getChunkIndex(), a.hasGapUpTo() ? a.getGapUpTo() : -1);
      }
      case LOGIN -> {
        String user = pb.getLogin().getUser();
        if (!dev.pbkv.net.tls.UserName.valid(user)) {
          throw new WireFormatException("Login.user is not a user name");
        }
        if (pb.getLogin().getPassword().length() > dev.pbkv.net.tls.Login.MAX_PASSWORD_CHARS) {
          throw new WireFormatException(
              "Login.password is over "
                  + dev.pbkv.net.tls.Login.MAX_PASSWORD_CHARS
                  + " characters");
        }
        yield new dev.pbkv.net.tls.Login(user, pb.getLogin().getPassword());
      }
      case PAYLOAD_NOT_SET ->
          throw unknownType("message", null, pb.getUnknownFields().asMap().keySet());
    };
  }

  private static ReplicationMessage.LogEntry logEntry(LogEntry pb) throws WireFormatException {
    return switch (pb.getKindCase()) {
      case OP -> {
        Op op = pb.getOp();
        require(op.hasCommand(), "Op.command");
        yield new ReplicationMessage.Op(
            requiredAddress(op.getClient(), "Op.client"),
            op.getSeq(),
            command(op.getCommand(), "Op.command"));
      }
      case SWEEP -> new ReplicationMessage.Sweep();
      case KIND_NOT_SET ->
          throw unknownType("log entry", "Forward.entries", pb.getUnknownFields().asMap().keySet());
    };
  }

  private static View view(dev.pbkv.net.proto.View pb, String field) throws WireFormatException {
    Address primary = pb.hasPrimary() ? address(pb.getPrimary(), field + ".primary") : null;
    Address backup = pb.hasBackup() ? address(pb.getBackup(), field + ".backup") : null;
    try {
      return new View(
          pb.getViewNum(), primary, backup, pb.getPrimaryBootId(), pb.getBackupBootId());
    } catch (IllegalArgumentException e) {
      throw new WireFormatException("invalid view in " + field + ": " + e.getMessage(), e);
    }
  }

  private static Command command(dev.pbkv.net.proto.Command pb, String field)
      throws WireFormatException {
    return switch (pb.getKindCase()) {
      case GET -> new Command.Get(s(pb.getGet().getKey()));
      case PUT -> new Command.Put(s(pb.getPut().getKey()), s(pb.getPut().getValue()));
      case APPEND -> new Command.Append(s(pb.getAppend().getKey()), s(pb.getAppend().getValue()));
      case DELETE -> new Command.Delete(s(pb.getDelete().getKey()));
      case COMPARE_AND_SET -> {
        dev.pbkv.net.proto.Command.CompareAndSet c = pb.getCompareAndSet();
        yield new Command.CompareAndSet(
            s(c.getKey()), c.hasExpected() ? s(c.getExpected()) : null, s(c.getUpdate()));
      }
      case SCAN -> {
        dev.pbkv.net.proto.Command.Scan c = pb.getScan();
        try {
          yield new Command.Scan(
              s(c.getPrefix()), c.hasAfter() ? s(c.getAfter()) : null, c.getLimit());
        } catch (IllegalArgumentException e) {
          throw new WireFormatException("invalid scan in " + field + ": " + e.getMessage(), e);
        }
      }
      case KIND_NOT_SET ->
          throw unknownType("command", field, pb.getUnknownFields().asMap().keySet());
    };
  }

  private static Result result(dev.pbkv.net.proto.Result pb, String field)
      throws WireFormatException {
    return switch (pb.getKindCase()) {
      case VALUE -> new Result.Value(pb.getValue().hasValue() ? s(pb.getValue().getValue()) : null);
      case OK -> Result.OK;
      case DELETED -> new Result.Deleted(pb.getDeleted().getExisted());
      case CAS_RESULT -> {
        dev.pbkv.net.proto.Result.CasResult c = pb.getCasResult();
        yield new Result.CasResult(c.getSwapped(), c.hasPrevious() ? s(c.getPrevious()) : null);
      }
      case ERROR ->
          new Result.Error(pb.getError().hasMessage() ? pb.getError().getMessage() : null);
      case KEYS -> {
        dev.pbkv.net.proto.Result.Keys k = pb.getKeys();
        List<String> keys = new ArrayList<>(k.getKeysCount());
        for (ByteString key : k.getKeysList()) {
          keys.add(s(key));
        }
        yield new Result.Keys(keys, k.hasNextCursor() ? s(k.getNextCursor()) : null);
      }
      case UNAVAILABLE -> new Result.Unavailable();
      case APPEND_DIGEST -> {
        dev.pbkv.net.proto.Result.AppendDigest d = pb.getAppendDigest();
        try {
          yield new Result.AppendDigest(s(d.getKey()), d.getLength(), s(d.getSha256()));
        } catch (IllegalArgumentException e) {
          throw new WireFormatException(
              "invalid append digest in " + field + ": " + e.getMessage(), e);
        }
      }
      case KIND_NOT_SET ->
          throw unknownType("result", field, pb.getUnknownFields().asMap().keySet());
    };
  }

  private static Map<String, AmoEntry> sessions(Map<String, dev.pbkv.net.proto.AmoEntry> pb)
      throws WireFormatException {
    Map<String, AmoEntry> sessions = new HashMap<>(Math.max(4, pb.size() * 2));
    for (Map.Entry<String, dev.pbkv.net.proto.AmoEntry> e : pb.entrySet()) {
      dev.pbkv.net.proto.AmoEntry entry = e.getValue();
      sessions.put(
          e.getKey(),
          new AmoEntry(
              entry.getSeq(),
              entry.hasResult()
                  ? result(entry.getResult(), "StateTransfer.sessions[" + quote(e.getKey()) + "]")
                  : null,
              entry.getWrittenAtSweep()));
    }
    return sessions;
  }

  // ---------------------------------------------------------------------------------------------
  // Checks
  // ---------------------------------------------------------------------------------------------

  private static void require(boolean present, String field) throws WireFormatException {
    if (!present) {
      throw new WireFormatException("missing field " + field);
    }
  }

  /** A non-optional address field: proto3 cannot tell empty from absent, so empty is missing. */
  private static Address requiredAddress(String name, String field) throws WireFormatException {
    require(!name.isEmpty(), field);
    return address(name, field);
  }

  private static Address address(String name, String field) throws WireFormatException {
    if (name.isBlank()) {
      throw new WireFormatException("bad address in " + field + ": " + quote(name));
    }
    return new Address(name);
  }

  /**
   * An unset oneof: nothing set, or a field this version does not know (from a newer peer).
   *
   * @param what "message", "command", "result" or "log entry"
   * @param where the field that holds it, or null for the envelope's payload
   */
  private static WireFormatException unknownType(
      String what, String where, Set<Integer> unknownFields) {
    String place = where == null ? "" : " in " + where;
    return new WireFormatException(
        unknownFields.isEmpty()
            ? "unknown " + what + " type" + place + ": none is set"
            : "unknown "
                + what
                + " type"
                + place
                + ": field number(s) "
                + new TreeSet<>(unknownFields)
                + " not known to this version");
  }

  /** A string quoted for a one-line message: control characters escaped, long ones cut. */
  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    int max = 60;
    for (int i = 0; i < s.length(); i++) {
      if (i == max) {
        b.append("…(").append(s.length()).append(" chars)");
        break;
      }
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
