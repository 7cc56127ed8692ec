/**
 * The wire format of pbkv: {@link dev.pbkv.net.wire.Envelope} (a message with its sender, receiver
 * and clocks), {@link dev.pbkv.net.wire.WireCodec} (envelopes to and from the protobuf messages of
 * {@code src/main/proto/pbkv.proto}) and {@link dev.pbkv.net.wire.Frames} (length-prefixed frames
 * in a Netty pipeline). Bad input is reported as a {@link dev.pbkv.net.wire.WireFormatException}
 * and closes only the connection it came from.
 */
package dev.pbkv.net.wire;
