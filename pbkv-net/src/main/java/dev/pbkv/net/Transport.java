package dev.pbkv.net;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The socket transport: Linux's epoll where Netty's native library loads (fewer system calls and
 * less garbage per message), else the JDK's portable NIO selector. {@code -Dpbkv.transport=nio}
 * forces NIO.
 */
final class Transport {
  private static final boolean EPOLL =
      !"nio".equals(System.getProperty("pbkv.transport")) && Epoll.isAvailable();

  private Transport() {}

  /** The transport in use: {@code epoll} or {@code nio}. */
  static String name() {
    return EPOLL ? "epoll" : "nio";
  }

  static IoHandlerFactory ioHandlerFactory() {
    return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  static Class<? extends SocketChannel> socketChannel() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  static Class<? extends ServerChannel> serverSocketChannel() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }
}
