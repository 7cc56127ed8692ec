package dev.pbkv.net;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS for one non-blocking {@link SocketChannel} of {@link DirectClient}, with a plain {@link
 * SSLEngine} (from the same Netty {@code SslContext} as {@link PbkvClient}'s, so the same CA,
 * client certificate, protocols and host check): the handshake runs on the caller's thread when the
 * connection opens; afterwards {@link #read} decrypts what the socket has into the connection's
 * plain buffer and {@link #wrap} encrypts a frame into buffers for the socket.
 */
final class TlsChannel {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final SSLEngine engine;
  private ByteBuffer netIn; // ciphertext from the socket, filling

  TlsChannel(SSLEngine engine) {
    this.engine = engine;
    this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
  }

  /**
   * Runs the client handshake on {@code ch} (non-blocking) until it is done or {@code deadline}
   * ({@link System#nanoTime()}) passes.
   *
   * @return plain bytes the peer sent right after the handshake (filling mode; usually none)
   * @throws SSLException if the peer's certificate or the protocol is refused
   * @throws IOException if the connection fails, closes or the deadline passes
   */
  ByteBuffer handshake(SocketChannel ch, long deadline) throws IOException {
    ByteBuffer plain = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    try (Selector selector = Selector.open()) {
      SelectionKey key = ch.register(selector, 0);
      engine.beginHandshake();
      HandshakeStatus hs = engine.getHandshakeStatus();
      while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
        switch (hs) {
          case NEED_WRAP -> {
            ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
            hs = wrapOnce(EMPTY, out);
            for (ByteBuffer b : out) {
              while (b.hasRemaining()) {
                if (ch.write(b) == 0) {
                  await(selector, key, SelectionKey.OP_WRITE, deadline);
                }
              }
            }
          }
          case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
            netIn.flip();
            SSLEngineResult r = engine.unwrap(netIn, plain);
            netIn.compact();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
              throw new EOFException("the peer closed the TLS connection during the handshake");
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
              plain = bigger(plain, engine.getSession().getApplicationBufferSize());
            } else if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
              fill(ch, selector, key, deadline);
            }
            hs = r.getHandshakeStatus();
          }
          case NEED_TASK -> {
            runTasks();
            hs = engine.getHandshakeStatus();
          }
          default -> throw new SSLException("unexpected handshake state " + hs);
        }
      }
      key.cancel();
      selector.selectNow(); // deregisters, so that the channel can join the client's selector
    }
    return plain;
  }

  /** Reads what the socket has and adds it, decrypted, to {@code c.in}; false at its end. */
  boolean read(DirectClientConnection c) throws IOException {
    int n = c.channel().read(netIn);
    if (n < 0) {
      return false;
    }
    netIn.flip();
    try {
      while (netIn.hasRemaining()) {
        ByteBuffer in = c.in();
        SSLEngineResult r = engine.unwrap(netIn, in);
        switch (r.getStatus()) {
          case OK -> {}
          case BUFFER_OVERFLOW -> {
            c.in(bigger(in, engine.getSession().getApplicationBufferSize()));
            continue;
          }
          case BUFFER_UNDERFLOW -> {
            if (netIn.limit() == netIn.capacity()) { // a record larger than the buffer
              netIn.compact();
              netIn = bigger(netIn, engine.getSession().getPacketBufferSize());
              netIn.flip();
            }
            return true;
          }
          case CLOSED -> {
            return false;
          }
        }
        HandshakeStatus hs = r.getHandshakeStatus();
        if (hs == HandshakeStatus.NEED_TASK) {
          runTasks();
          hs = engine.getHandshakeStatus();
        }
        if (hs == HandshakeStatus.NEED_WRAP) { // e.g. a TLS 1.3 key update
          wrapOnce(EMPTY, c.out());
        }
        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
          return true;
        }
      }
      return true;
    } finally {
      netIn.compact();
    }
  }

  /** Encrypts all of {@code plain} into buffers added to {@code out}. */
  void wrap(ByteBuffer plain, ArrayDeque<ByteBuffer> out) throws IOException {
    while (plain.hasRemaining()) {
      wrapOnce(plain, out);
    }
  }

  private HandshakeStatus wrapOnce(ByteBuffer plain, ArrayDeque<ByteBuffer> out)
      throws SSLException {
    ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    while (true) {
      SSLEngineResult r = engine.wrap(plain, net);
      switch (r.getStatus()) {
        case OK -> {
          net.flip();
          if (net.hasRemaining()) {
            out.add(net);
          }
          HandshakeStatus hs = r.getHandshakeStatus();
          if (hs == HandshakeStatus.NEED_TASK) {
            runTasks();
            hs = engine.getHandshakeStatus();
          }
          return hs;
        }
        case BUFFER_OVERFLOW -> net = bigger(net, engine.getSession().getPacketBufferSize());
        default -> throw new SSLException("TLS connection closed (" + r.getStatus() + ")");
      }
    }
  }

  private void fill(SocketChannel ch, Selector selector, SelectionKey key, long deadline)
      throws IOException {
    if (!netIn.hasRemaining()) {
      netIn = bigger(netIn, engine.getSession().getPacketBufferSize());
    }
    while (true) {
      int n = ch.read(netIn);
      if (n < 0) {
        throw new EOFException("the peer closed the connection during the TLS handshake");
      }
      if (n > 0) {
        return;
      }
      await(selector, key, SelectionKey.OP_READ, deadline);
    }
  }

  private static void await(Selector selector, SelectionKey key, int ops, long deadline)
      throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("TLS handshake timed out");
    }
    key.interestOps(ops);
    selector.select(Math.max(1, left / 1_000_000));
    selector.selectedKeys().clear();
  }

  private void runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  /** A larger buffer holding {@code b}'s bytes (filling mode in, filling mode out). */
  private static ByteBuffer bigger(ByteBuffer b, int atLeastFree) {
    ByteBuffer n = ByteBuffer.allocate(b.position() + Math.max(atLeastFree, b.capacity()));
    b.flip();
    n.put(b);
    return n;
  }

  /** Releases the engine (an OpenSSL engine holds native memory). */
  void close() {
    engine.closeOutbound();
    io.netty.util.ReferenceCountUtil.release(engine);
  }

  /** The root cause of a failed handshake, in one line. */
  static String reason(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.toString() : root.getMessage();
    return m.replace('\n', ' ');
  }

  /** What {@link #read} needs of a connection. */
  interface DirectClientConnection {
    SocketChannel channel();

    ByteBuffer in();

    void in(ByteBuffer in);

    ArrayDeque<ByteBuffer> out();
  }
}
