package dev.pbkv.net.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.kv.Snapshot;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.ReplicationMessage;
import dev.pbkv.view.ViewServiceMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WireCodecRoundTripTest {

  static Stream<Envelope> envelopes() {
    return Samples.envelopes().stream();
  }

  @ParameterizedTest
  @MethodSource("envelopes")
  void when_envelopeIsEncoded_then_decodingGivesItBackExactly(Envelope e) throws Exception {
    byte[] bytes = WireCodec.encode(e);

    Envelope decoded = WireCodec.decode(bytes);

    assertThat(decoded).isEqualTo(e);
    assertThat(decoded.message()).isEqualTo(e.message());
    assertThat(decoded.vectorClock()).isEqualTo(e.vectorClock());
    // Deterministic: the decoded envelope encodes to the same bytes.
    assertThat(WireCodec.encode(decoded)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @MethodSource("envelopes")
  void when_envelopeIsEncodedIntoAnyKindOfByteBuf_then_itDecodesFromIt(Envelope e)
      throws Exception {
    byte[] expected = WireCodec.encode(e);
    ByteBuf heap = Unpooled.buffer(1);
    ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(1);
    CompositeByteBuf composite = Unpooled.compositeBuffer();
    try {
      for (ByteBuf buf : List.of(heap, direct, composite)) {
        buf.writeByte(0x55); // something before, to check offsets
        buf.readByte();
        WireCodec.encode(e, buf);
        assertThat(buf.readableBytes()).isEqualTo(expected.length);
        byte[] written = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), written);
        assertThat(written).isEqualTo(expected);

        assertThat(WireCodec.decode(buf)).isEqualTo(e);
        assertThat(buf.readableBytes()).isZero();
      }
      // A heap buffer that is a slice of a larger array.
      byte[] padded = new byte[expected.length + 10];
      System.arraycopy(expected, 0, padded, 5, expected.length);
      assertThat(WireCodec.decode(Unpooled.wrappedBuffer(padded, 5, expected.length))).isEqualTo(e);
    } finally {
      heap.release();
      direct.release();
      composite.release();
    }
  }

  @Test
  void when_valueIsNullOrEmpty_then_bothSurviveAndStayDistinct() throws Exception {
    List<Message> pairs =
        List.of(
            new ClientMessage.Reply(1, new Result.Value(null)),
            new ClientMessage.Reply(1, new Result.Value("")),
            new ClientMessage.Reply(1, new Result.CasResult(false, null)),
            new ClientMessage.Reply(1, new Result.CasResult(false, "")),
            new ClientMessage.Reply(1, new Result.Error(null)),
            new ClientMessage.Reply(1, new Result.Error("")),
            new ClientMessage.Request(1, new Command.CompareAndSet("k", null, "u"), 1),
            new ClientMessage.Request(1, new Command.CompareAndSet("k", "", "u"), 1),
            new ReplicationMessage.ForwardReject(1, null, null),
            new ReplicationMessage.ForwardReject(1, null, ""));
    for (Message m : pairs) {
      Envelope e = new Envelope(Samples.S1, Samples.S2, m);
      assertThat(WireCodec.decode(WireCodec.encode(e)).message()).isEqualTo(m);
    }
    Set<String> encodings =
        pairs.stream()
            .map(m -> Arrays.toString(WireCodec.encode(new Envelope(Samples.S1, Samples.S2, m))))
            .collect(Collectors.toSet());
    assertThat(encodings).hasSize(pairs.size());
  }

  @Test
  void when_snapshotHas100kKeys_then_itRoundTrips() throws Exception {
    Snapshot big = Samples.largeSnapshot(100_000);
    Envelope e =
        new Envelope(Samples.S1, Samples.S2, ReplicationMessage.StateTransfer.whole(7, big));

    byte[] bytes = WireCodec.encode(e);
    Envelope decoded = WireCodec.decode(bytes);

    assertThat(bytes.length).isGreaterThan(100_000 * 10).isLessThan(Frames.DEFAULT_MAX_FRAME_BYTES);
    ReplicationMessage.StateTransfer t = (ReplicationMessage.StateTransfer) decoded.message();
    assertThat(t.data().count()).isEqualTo(100_000);
    assertThat(t.data().toMap()).isEqualTo(big.data());
    assertThat(t.sessions()).isEqualTo(big.sessions());
    assertThat(decoded).isEqualTo(e);
  }

  @Test
  void when_clocksAreHuge_then_theyRoundTripBitForBit() throws Exception {
    Map<String, Long> clock = new HashMap<>();
    clock.put("max", Long.MAX_VALUE);
    clock.put("min", Long.MIN_VALUE);
    clock.put("minus-one", -1L);
    clock.put("zero", 0L);
    for (long lamport : new long[] {0, 1, Long.MAX_VALUE, Long.MIN_VALUE, -1}) {
      Envelope e =
          new Envelope(Samples.S1, Samples.S2, new ViewServiceMessage.GetView(), lamport, clock);
      Envelope decoded = WireCodec.decode(WireCodec.encode(e));
      assertThat(decoded.lamport()).isEqualTo(lamport);
      assertThat(decoded.vectorClock()).isEqualTo(clock);
    }
  }

  @Test
  void when_sameEnvelopeIsEncodedTwice_then_bytesAreEqualWhateverTheMapOrder() {
    Map<String, Long> a = new java.util.LinkedHashMap<>();
    Map<String, Long> b = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      a.put("n" + i, (long) i);
      b.put("n" + (49 - i), (long) (49 - i));
    }
    Message m = new ViewServiceMessage.GetView();
    assertThat(WireCodec.encode(new Envelope(Samples.S1, Samples.S2, m, 1, a)))
        .isEqualTo(WireCodec.encode(new Envelope(Samples.S1, Samples.S2, m, 1, b)));
  }

  @Test
  void when_envelopeHasNoClocks_then_theyAreZeroAndEmpty() {
    Envelope e = new Envelope(Samples.S1, Samples.S2, new ViewServiceMessage.GetView());
    assertThat(e.lamport()).isZero();
    assertThat(e.vectorClock()).isEmpty();
  }

  @Test
  void when_envelopeHasNulls_then_itIsRefused() {
    Message m = new ViewServiceMessage.GetView();
    assertThatThrownBy(() -> new Envelope(null, Samples.S2, m))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Envelope(Samples.S1, null, m))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Envelope(Samples.S1, Samples.S2, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Envelope(Samples.S1, Samples.S2, m, 0, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void when_envelopeIsBuilt_then_itsVectorClockIsACopy() {
    Map<String, Long> clock = new HashMap<>(Map.of("a", 1L));
    Envelope e = new Envelope(Samples.S1, Samples.S2, new ViewServiceMessage.GetView(), 1, clock);
    clock.put("b", 2L);
    assertThat(e.vectorClock()).containsOnlyKeys("a");
    assertThatThrownBy(() -> e.vectorClock().put("c", 3L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  record Unknown() implements Message {}

  @Test
  void when_messageTypeIsUnknown_then_encodingFailsWithIllegalArgument() {
    Envelope e = new Envelope(Samples.S1, Samples.S2, new Unknown());
    assertThatThrownBy(() -> WireCodec.encode(e))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Unknown.class.getName());
    ByteBuf buf = Unpooled.buffer();
    try {
      assertThatThrownBy(() -> WireCodec.encode(e, buf))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(buf.readableBytes()).isZero();
    } finally {
      buf.release();
    }
  }

  /** Fails when pbkv-core gains a message, command or result type that these tests don't cover. */
  @Test
  void when_coreDefinesAMessageType_then_theSamplesCoverIt() {
    Set<Class<?>> sampled =
        Samples.messages().stream().map(Object::getClass).collect(Collectors.toSet());
    for (Class<?> family :
        List.of(ViewServiceMessage.class, ClientMessage.class, ReplicationMessage.class)) {
      for (Class<?> type : family.getPermittedSubclasses()) {
        assertThat(sampled).as("samples of %s", family.getSimpleName()).contains(type);
      }
    }
    Set<Class<?>> commands =
        Samples.commands().stream().map(Object::getClass).collect(Collectors.toSet());
    assertThat(commands).containsExactlyInAnyOrder(Command.class.getPermittedSubclasses());
    Set<Class<?>> results =
        Samples.results().stream().map(Object::getClass).collect(Collectors.toSet());
    assertThat(results).containsExactlyInAnyOrder(Result.class.getPermittedSubclasses());
  }

  @Test
  void when_addressesAreUnusual_then_theyRoundTrip() throws Exception {
    for (String name : List.of("a", " padded ", Samples.UNICODE, "x".repeat(1000))) {
      Address a = Address.of(name);
      Envelope e = new Envelope(a, a, new ViewServiceMessage.GetView());
      assertThat(WireCodec.decode(WireCodec.encode(e))).isEqualTo(e);
    }
  }

  @Test
  void when_aValueHoldsEveryByte_then_theWireCarriesItAsBytes_oneByteEach() throws Exception {
    Envelope e =
        new Envelope(
            Samples.CLIENT,
            Samples.S1,
            new ClientMessage.Request(1, new Command.Put(Samples.ALL_BYTES, Samples.ALL_BYTES), 0));
    byte[] wire = WireCodec.encode(e);
    assertThat(WireCodec.decode(wire)).isEqualTo(e);
    dev.pbkv.net.proto.Envelope pb = dev.pbkv.net.proto.Envelope.parseFrom(wire);
    com.google.protobuf.ByteString value = pb.getRequest().getCommand().getPut().getValue();
    assertThat(value.size()).isEqualTo(256);
    for (int i = 0; i < 256; i++) {
      assertThat(value.byteAt(i) & 0xff).isEqualTo(i);
    }
  }

  @Test
  void when_aKeyIsNotAByteString_then_encodingRefusesIt() {
    Envelope e =
        new Envelope(
            Samples.CLIENT, Samples.S1, new ClientMessage.Request(1, new Command.Get("鍵"), 0));
    assertThatThrownBy(() -> WireCodec.encode(e))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be bytes");
  }
}
