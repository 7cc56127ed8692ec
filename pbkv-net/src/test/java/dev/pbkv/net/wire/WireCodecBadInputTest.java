package dev.pbkv.net.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import dev.pbkv.net.proto.Command;
import dev.pbkv.net.proto.Envelope;
import dev.pbkv.net.proto.Forward;
import dev.pbkv.net.proto.ForwardReject;
import dev.pbkv.net.proto.LogEntry;
import dev.pbkv.net.proto.Op;
import dev.pbkv.net.proto.Reply;
import dev.pbkv.net.proto.Request;
import dev.pbkv.net.proto.Result;
import dev.pbkv.net.proto.ServerHealth;
import dev.pbkv.net.proto.StateTransfer;
import dev.pbkv.net.proto.Status;
import dev.pbkv.net.proto.View;
import dev.pbkv.net.proto.ViewReply;
import dev.pbkv.net.proto.WrongServer;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Anything that is not a valid envelope is a {@link WireFormatException}, and nothing else. */
class WireCodecBadInputTest {

  private static final long DEFAULT_SEED = 0x5EED_CAFEL;

  private static Envelope.Builder envelope() {
    return Envelope.newBuilder().setFrom("s1").setTo("s2");
  }

  private static View.Builder view(long num, String primary) {
    View.Builder v = View.newBuilder().setViewNum(num);
    if (primary != null) {
      v.setPrimary(primary);
    }
    return v;
  }

  private static Command.Builder get(String key) {
    return Command.newBuilder()
        .setGet(Command.Get.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8(key)));
  }

  /** Decodes bytes that must be refused; returns the one-line reason. */
  private static String refused(byte[] bytes) {
    Throwable t = catchThrowable(() -> WireCodec.decode(bytes));
    assertThat(t).as("decoding %s", HexFormat.of().formatHex(bytes)).isNotNull();
    assertThat(t).isInstanceOf(WireFormatException.class);
    assertThat(t.getMessage()).isNotBlank().doesNotContain("\n").doesNotContain("\r");
    // The ByteBuf path refuses it the same way.
    Throwable viaBuf = catchThrowable(() -> WireCodec.decode(Unpooled.wrappedBuffer(bytes)));
    assertThat(viaBuf).isInstanceOf(WireFormatException.class).hasMessage(t.getMessage());
    return t.getMessage();
  }

  private static String refused(Envelope.Builder pb) {
    return refused(pb.build().toByteArray());
  }

  @Test
  void when_envelopeIsEmpty_then_itIsAnUnknownMessageType() {
    assertThat(refused(new byte[0])).contains("unknown message type");
    assertThat(refused(envelope())).contains("unknown message type");
  }

  @Test
  void when_payloadIsOfAFutureType_then_itIsAnUnknownMessageTypeNamingTheField() {
    Envelope.Builder pb =
        envelope()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(
                        45,
                        UnknownFieldSet.Field.newBuilder()
                            .addLengthDelimited(ByteString.copyFromUtf8("\u0008\u0001"))
                            .build())
                    .build());
    assertThat(refused(pb)).contains("unknown message type").contains("45");
  }

  @Test
  void when_unknownFieldsAccompanyAKnownPayload_then_theyAreIgnored() throws Exception {
    Envelope pb =
        envelope()
            .setStateTransferAck(
                dev.pbkv.net.proto.StateTransferAck.newBuilder().setViewNum(3).setChunkIndex(2))
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(5, UnknownFieldSet.Field.newBuilder().addVarint(99).build())
                    .build())
            .build();
    assertThat(WireCodec.decode(pb.toByteArray()).message())
        .isEqualTo(new dev.pbkv.server.ReplicationMessage.StateTransferAck(3, 2));
  }

  @Test
  void when_aStateTransferAckHasANegativeChunkWithoutAGapOrANegativeGap_then_itIsRefused() {
    Envelope noGap =
        envelope()
            .setStateTransferAck(
                dev.pbkv.net.proto.StateTransferAck.newBuilder().setViewNum(3).setChunkIndex(-1))
            .build();
    assertThat(refused(noGap.toByteArray()))
        .contains("state_transfer_ack")
        .contains("-1 only in a gap report");
    Envelope negativeGap =
        envelope()
            .setStateTransferAck(
                dev.pbkv.net.proto.StateTransferAck.newBuilder()
                    .setViewNum(3)
                    .setChunkIndex(0)
                    .setGapUpTo(-2))
            .build();
    assertThat(refused(negativeGap.toByteArray())).contains("gap_up_to");
    Envelope probe =
        envelope()
            .setTransferProbe(
                dev.pbkv.net.proto.TransferProbe.newBuilder().setViewNum(3).setUpToChunk(-1))
            .build();
    assertThat(refused(probe.toByteArray())).contains("transfer_probe");
  }

  @Test
  void when_bytesAreNotProtobuf_then_theyAreMalformed() {
    assertThat(refused(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})).contains("malformed");
    assertThat(refused(new byte[] {0x00})).contains("malformed"); // field number 0
    assertThat(refused(new byte[] {0x0a, 0x05, 'a'})).contains("malformed"); // truncated string
    assertThat(refused(new byte[] {0x0c})).contains("malformed"); // stray end-group tag
  }

  @Test
  void when_aStringIsNotUtf8_then_itIsMalformed() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    cos.writeByteArray(1, new byte[] {(byte) 0xc3, (byte) 0x28}); // "from", invalid UTF-8
    cos.writeString(2, "s2");
    cos.writeMessage(11, dev.pbkv.net.proto.GetView.getDefaultInstance());
    cos.flush();
    assertThat(refused(out.toByteArray())).contains("malformed protobuf");
  }

  @Test
  void when_everyStrictPrefixOfAValidEnvelopeIsDecoded_then_eachIsRefused() {
    for (dev.pbkv.net.wire.Envelope e : Samples.envelopes()) {
      byte[] bytes = WireCodec.encode(e);
      for (int n = 0; n < bytes.length; n++) {
        refused(java.util.Arrays.copyOf(bytes, n));
      }
    }
  }

  @Test
  void when_addressesAreMissingOrBlank_then_theyAreRefused() {
    dev.pbkv.net.proto.GetView getView = dev.pbkv.net.proto.GetView.getDefaultInstance();
    assertThat(refused(envelope().setFrom("").setGetView(getView)))
        .contains("missing field Envelope.from");
    assertThat(refused(envelope().setTo("").setGetView(getView)))
        .contains("missing field Envelope.to");
    assertThat(refused(envelope().setFrom(" \n\t").setGetView(getView)))
        .contains("bad address in Envelope.from");
    assertThat(
            refused(
                envelope()
                    .setForward(
                        Forward.newBuilder()
                            .setViewNum(1)
                            .setFirstIndex(1)
                            .addEntries(
                                LogEntry.newBuilder()
                                    .setOp(Op.newBuilder().setClient("").setCommand(get("k")))))))
        .contains("missing field Op.client");
    assertThat(
            refused(
                envelope()
                    .setForward(
                        Forward.newBuilder()
                            .setViewNum(1)
                            .setFirstIndex(1)
                            .addEntries(
                                LogEntry.newBuilder()
                                    .setOp(Op.newBuilder().setClient("  ").setCommand(get("k")))))))
        .contains("bad address in Op.client");
    assertThat(
            refused(
                envelope()
                    .setStatus(
                        Status.newBuilder()
                            .setView(view(0, null))
                            .addServers(ServerHealth.newBuilder().setServer("")))))
        .contains("missing field ServerHealth.server");
    assertThat(refused(envelope().setViewReply(ViewReply.newBuilder().setView(view(1, "")))))
        .contains("bad address in ViewReply.view.primary");
    assertThat(
            refused(
                envelope()
                    .setViewReply(ViewReply.newBuilder().setView(view(1, "s1").setBackup(" ")))))
        .contains("bad address in ViewReply.view.backup");
  }

  @Test
  void when_viewIsInvalid_then_itIsRefused() {
    assertThat(refused(envelope().setViewReply(ViewReply.newBuilder().setView(view(3, null)))))
        .contains("invalid view")
        .contains("needs a primary");
    assertThat(refused(envelope().setViewReply(ViewReply.newBuilder().setView(view(-1, null)))))
        .contains("invalid view");
    assertThat(
            refused(
                envelope()
                    .setViewReply(ViewReply.newBuilder().setView(view(2, "s1").setBackup("s1")))))
        .contains("invalid view")
        .contains("differ");
    assertThat(
            refused(
                envelope()
                    .setWrongServer(WrongServer.newBuilder().setSeq(1).setView(view(5, null)))))
        .contains("invalid view in WrongServer.view");
    assertThat(
            refused(
                envelope()
                    .setForwardReject(
                        ForwardReject.newBuilder().setViewNum(1).setBackupView(view(2, null)))))
        .contains("invalid view in ForwardReject.backup_view");
    assertThat(refused(envelope().setStatus(Status.newBuilder().setView(view(9, null)))))
        .contains("invalid view in Status.view");
  }

  @Test
  void when_aChunkIndexIsNegative_then_theTransferOrAckIsRefused() {
    assertThat(
            refused(
                envelope()
                    .setStateTransfer(StateTransfer.newBuilder().setViewNum(1).setChunkIndex(-1))))
        .isEqualTo("invalid state_transfer message: chunk indexes start at 0, got -1");
    assertThat(
            refused(
                envelope()
                    .setStateTransferAck(
                        dev.pbkv.net.proto.StateTransferAck.newBuilder()
                            .setViewNum(1)
                            .setChunkIndex(-5))))
        .isEqualTo(
            "invalid state_transfer_ack message: chunk indexes start at 0 (-1 only in a gap report), got -5");
  }

  @Test
  void when_transferDataIsMalformed_then_itIsRefused() {
    assertThat(refused(transferData(0x05, 'a'))).contains("overruns the chunk");
    assertThat(refused(transferData(0x80))).contains("bad entry length");
    // An entry whose header promises a 4-byte key in a 2-byte entry.
    assertThat(refused(transferData(0x02, 4 << 2, 'k'))).contains("entry 0 is malformed");
    // A wide (UTF-16) key of odd length.
    assertThat(refused(transferData(0x02, (1 << 2) | 2, 'k'))).contains("entry 0 is malformed");
    // A wide key whose chars are all below 256: not the canonical (Latin-1) encoding.
    assertThat(refused(transferData(0x03, (2 << 2) | 2, 0, 'k'))).contains("not canonical");
  }

  private static Envelope.Builder transferData(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return envelope()
        .setStateTransfer(StateTransfer.newBuilder().setViewNum(1).setData(ByteString.copyFrom(b)));
  }

  @Test
  void when_aRequiredMessageIsMissing_then_itIsRefused() {
    assertThat(refused(envelope().setViewReply(ViewReply.getDefaultInstance())))
        .isEqualTo("missing field ViewReply.view");
    assertThat(refused(envelope().setStatus(Status.getDefaultInstance())))
        .isEqualTo("missing field Status.view");
    assertThat(refused(envelope().setRequest(Request.newBuilder().setSeq(1))))
        .isEqualTo("missing field Request.command");
    assertThat(refused(envelope().setReply(Reply.newBuilder().setSeq(1))))
        .isEqualTo("missing field Reply.result");
    assertThat(refused(envelope().setWrongServer(WrongServer.newBuilder().setSeq(1))))
        .isEqualTo("missing field WrongServer.view");
    assertThat(
            refused(
                envelope()
                    .setForward(
                        Forward.newBuilder()
                            .setFirstIndex(1)
                            .addEntries(
                                LogEntry.newBuilder().setOp(Op.newBuilder().setClient("c"))))))
        .isEqualTo("missing field Op.command");
  }

  @Test
  void when_commandOrResultHasNoKind_then_itIsAnUnknownType() {
    assertThat(
            refused(
                envelope()
                    .setRequest(Request.newBuilder().setCommand(Command.getDefaultInstance()))))
        .isEqualTo("unknown command type in Request.command: none is set");
    assertThat(
            refused(envelope().setReply(Reply.newBuilder().setResult(Result.getDefaultInstance()))))
        .isEqualTo("unknown result type in Reply.result: none is set");
    StateTransfer.Builder transfer =
        StateTransfer.newBuilder()
            .putSessions(
                "c1\nc2",
                dev.pbkv.net.proto.AmoEntry.newBuilder()
                    .setSeq(1)
                    .setResult(Result.getDefaultInstance())
                    .build());
    assertThat(refused(envelope().setStateTransfer(transfer)))
        .isEqualTo("unknown result type in StateTransfer.sessions[\"c1\\u000ac2\"]: none is set");
  }

  @Test
  void when_logEntryHasNoKind_then_itIsAnUnknownType() {
    assertThat(
            refused(
                envelope()
                    .setForward(
                        Forward.newBuilder()
                            .setViewNum(1)
                            .setFirstIndex(1)
                            .addEntries(LogEntry.getDefaultInstance()))))
        .isEqualTo("unknown log entry type in Forward.entries: none is set");
  }

  @Test
  void when_stateTransferHasNegativeSweeps_then_itIsRefused() {
    assertThat(refused(envelope().setStateTransfer(StateTransfer.newBuilder().setSweeps(-1))))
        .contains("invalid state_transfer message")
        .contains("sweeps must be >= 0, got -1");
  }

  @Test
  void when_forwardStartsBelowIndexOne_then_itIsRefused() {
    assertThat(refused(envelope().setForward(Forward.newBuilder().setViewNum(1).setFirstIndex(0))))
        .contains("invalid forward message")
        .contains("start at 1");
  }

  // ---------------------------------------------------------------------------------------------
  // Fuzzing
  // ---------------------------------------------------------------------------------------------

  @Test
  void when_randomBytesAreDecoded_then_onlyWireFormatExceptionIsThrown() {
    long seed = seed();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(64)];
      for (int j = 0; j < bytes.length; j++) {
        bytes[j] = (byte) random.nextInt(256);
      }
      decodeNeverThrowsAnythingElse(bytes, seed, i);
    }
  }

  @Test
  void when_validEncodingsAreMutated_then_onlyWireFormatExceptionIsThrown() {
    long seed = seed();
    SplittableRandom random = new SplittableRandom(seed);
    List<byte[]> corpus = new ArrayList<>();
    for (dev.pbkv.net.wire.Envelope e : Samples.envelopes()) {
      byte[] bytes = WireCodec.encode(e);
      if (bytes.length < 4096) {
        corpus.add(bytes);
      }
    }
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 100_000; i++) {
      byte[] bytes = mutate(corpus.get(random.nextInt(corpus.size())), corpus, random);
      if (decodeNeverThrowsAnythingElse(bytes, seed, i)) {
        accepted++;
      } else {
        refused++;
      }
    }
    System.out.printf(
        "wire fuzz (seed %d): 100000 mutated envelopes, %d decoded, %d refused%n",
        seed, accepted, refused);
    assertThat(refused).isPositive();
    assertThat(accepted).isPositive();
  }

  /** Returns true if decoded; anything but a one-line {@link WireFormatException} fails. */
  private static boolean decodeNeverThrowsAnythingElse(byte[] bytes, long seed, int i) {
    try {
      dev.pbkv.net.wire.Envelope decoded = WireCodec.decode(bytes);
      // Whatever decodes is a valid envelope: it encodes and decodes to itself.
      assertThat(WireCodec.decode(WireCodec.encode(decoded))).isEqualTo(decoded);
      return true;
    } catch (WireFormatException e) {
      if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
        fail("seed %d input %d: bad message %s", seed, i, e.getMessage());
      }
      return false;
    } catch (Throwable t) {
      throw new AssertionError(
          "seed " + seed + " input " + i + " (" + HexFormat.of().formatHex(bytes) + ") threw " + t,
          t);
    }
  }

  private static byte[] mutate(byte[] original, List<byte[]> corpus, SplittableRandom random) {
    byte[] b = original.clone();
    int rounds = 1 + random.nextInt(3);
    for (int r = 0; r < rounds; r++) {
      if (b.length == 0) {
        b = new byte[] {(byte) random.nextInt(256)};
      }
      switch (random.nextInt(7)) {
        case 0 -> { // flip one bit
          int at = random.nextInt(b.length);
          b[at] ^= (byte) (1 << random.nextInt(8));
        }
        case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256); // replace a byte
        case 2 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length)); // truncate
        case 3 -> { // insert a random byte
          int at = random.nextInt(b.length + 1);
          byte[] n = new byte[b.length + 1];
          System.arraycopy(b, 0, n, 0, at);
          n[at] = (byte) random.nextInt(256);
          System.arraycopy(b, at, n, at + 1, b.length - at);
          b = n;
        }
        case 4 -> { // delete a run of bytes
          int at = random.nextInt(b.length);
          int len = 1 + random.nextInt(Math.min(8, b.length - at));
          byte[] n = new byte[b.length - len];
          System.arraycopy(b, 0, n, 0, at);
          System.arraycopy(b, at + len, n, at, b.length - at - len);
          b = n;
        }
        case 5 -> { // splice in a slice of another valid encoding
          byte[] other = corpus.get(random.nextInt(corpus.size()));
          int from = random.nextInt(other.length);
          int len = random.nextInt(other.length - from + 1);
          int at = random.nextInt(b.length + 1);
          byte[] n = new byte[b.length + len];
          System.arraycopy(b, 0, n, 0, at);
          System.arraycopy(other, from, n, at, len);
          System.arraycopy(b, at, n, at + len, b.length - at);
          b = n;
        }
        default -> { // set a byte to an interesting value (lengths, tags, varint bits)
          int[] interesting = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x52, 0x62, 0x0c};
          b[random.nextInt(b.length)] = (byte) interesting[random.nextInt(interesting.length)];
        }
      }
    }
    return b;
  }

  /** The fuzz seed: fixed, so CI is reproducible; {@code -Dpbkv.fuzz.seed=N} explores others. */
  private static long seed() {
    String property = System.getProperty("pbkv.fuzz.seed");
    long seed = property != null ? Long.parseLong(property) : DEFAULT_SEED;
    System.out.println("wire fuzz seed: " + seed + " (replay with -Dpbkv.fuzz.seed=" + seed + ")");
    return seed;
  }
}
