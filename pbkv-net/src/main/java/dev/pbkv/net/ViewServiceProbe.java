package dev.pbkv.net;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.GetStatus;
import dev.pbkv.view.ViewServiceMessage.GetView;
import dev.pbkv.view.ViewServiceMessage.Status;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Asks a view service for its view or its status over TCP, retrying for a bounded time. */
public final class ViewServiceProbe {
  private ViewServiceProbe() {}

  /** A node that sends one request every 200 ms until the answer comes. */
  private static final class Asker implements Node {
    record Retry() implements Timer {}

    final Address viewService;
    final Message question;
    final Class<? extends Message> answerType;
    final boolean retry;
    final CompletableFuture<Message> answer = new CompletableFuture<>();

    Asker(
        Address viewService, Message question, Class<? extends Message> answerType, boolean retry) {
      this.viewService = viewService;
      this.question = question;
      this.answerType = answerType;
      this.retry = retry;
    }

    @Override
    public void init(Effects fx) {
      fx.send(viewService, question);
      if (retry) {
        fx.setTimer(new Retry(), 200);
      }
    }

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {
      if (answerType.isInstance(msg)) {
        answer.complete(msg);
      }
    }

    @Override
    public void onTimer(Timer timer, Effects fx) {
      if (!answer.isDone()) {
        init(fx);
      }
    }
  }

  /**
   * Fails fast, with a {@link PbkvException} naming the reason, when the view service cannot be
   * reached at all: its host name does not resolve, or its port refuses the connection. A slow or
   * silent address is left to the caller's timeout.
   */
  public static void requireReachable(Address viewService, Duration timeout) {
    java.net.InetSocketAddress a = Addresses.socketAddress(viewService);
    if (a == null) {
      return; // not HOST:PORT: nothing to try here
    }
    java.net.InetAddress ip;
    try {
      ip = java.net.InetAddress.getByName(a.getHostString());
    } catch (java.net.UnknownHostException e) {
      throw new PbkvException(
          "the view service's host '" + a.getHostString() + "' is unknown (" + viewService + ")");
    }
    int connectMillis = (int) Math.max(1, Math.min(timeout.toMillis(), 1000));
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(ip, a.getPort()), connectMillis);
    } catch (java.net.ConnectException e) {
      throw new PbkvException(
          "the view service at "
              + viewService
              + " refused the connection (nothing listens on port "
              + a.getPort()
              + "; is it running, and is the address right?)");
    } catch (java.net.SocketTimeoutException e) {
      // slow, not refused: the probe's own timeout decides
    } catch (java.io.IOException e) {
      throw new PbkvException(
          "cannot reach the view service at " + viewService + ": " + e.getMessage());
    }
  }

  /** The current view, or a {@link PbkvException} if the view service does not answer in time. */
  public static View view(NetRuntime runtime, Address viewService, Duration timeout) {
    return ((ViewReply) ask(runtime, viewService, new GetView(), ViewReply.class, timeout)).view();
  }

  /**
   * The newest view any of {@code viewServices} names (replicas, docs/design.md §2.2): each is
   * asked in turn within {@code timeout} overall; a {@link PbkvException} if none answers.
   */
  public static View view(
      NetRuntime runtime, java.util.List<Address> viewServices, Duration timeout) {
    if (viewServices.size() == 1) {
      return view(runtime, viewServices.get(0), timeout);
    }
    View best = null;
    PbkvException last = null;
    Duration each = timeout.dividedBy(viewServices.size());
    for (Address a : viewServices) {
      try {
        View v = view(runtime, a, each);
        best = best == null || v.viewNum() > best.viewNum() ? v : best;
      } catch (PbkvException e) {
        last = e;
      }
    }
    if (best == null) {
      throw new PbkvException(
          "no view-service replica of " + viewServices + " answered: " + last.getMessage());
    }
    return best;
  }

  /**
   * The status of the replica that leads (or of the one view service); if none says it leads, the
   * status of the first that answers. A {@link PbkvException} if none answers in time.
   */
  public static Status status(
      NetRuntime runtime, java.util.List<Address> viewServices, Duration timeout) {
    if (viewServices.size() == 1) {
      return status(runtime, viewServices.get(0), timeout);
    }
    Status first = null;
    PbkvException last = null;
    Duration each = timeout.dividedBy(viewServices.size());
    for (Address a : viewServices) {
      try {
        Status s = status(runtime, a, each);
        if (s.role() != dev.pbkv.view.ViewServiceMessage.Role.FOLLOWER) {
          return s;
        }
        first = first == null ? s : first;
      } catch (PbkvException e) {
        last = e;
      }
    }
    if (first == null) {
      throw new PbkvException(
          "no view-service replica of " + viewServices + " answered: " + last.getMessage());
    }
    return first;
  }

  /**
   * The address of the view-service replica that leads now (or of a standalone view service), asked
   * in turn within {@code timeout} in all; a {@link PbkvException} when none says it leads.
   */
  public static Address leader(
      NetRuntime runtime, java.util.List<Address> viewServices, Duration timeout) {
    Duration each = timeout.dividedBy(viewServices.size());
    String why = "none leads now (a leader change under way?): try again";
    for (Address a : viewServices) {
      try {
        if (status(runtime, a, each).role() != dev.pbkv.view.ViewServiceMessage.Role.FOLLOWER) {
          return a;
        }
      } catch (PbkvException e) {
        why = "none of those that answered leads (" + e.getMessage() + ")";
      }
    }
    throw new PbkvException("no view-service replica of " + viewServices + " leads: " + why);
  }

  /** The full status, or a {@link PbkvException} if the view service does not answer in time. */
  public static Status status(NetRuntime runtime, Address viewService, Duration timeout) {
    return (Status) ask(runtime, viewService, new GetStatus(), Status.class, timeout);
  }

  private static Message ask(
      NetRuntime runtime,
      Address viewService,
      Message question,
      Class<? extends Message> answerType,
      Duration timeout) {
    return ask(runtime, viewService, question, answerType, true, timeout, "the view service");
  }

  /**
   * Sends {@code question} to {@code to} (every 200 ms while {@code retry}, else once) and returns
   * the first message of type {@code answerType} it sends back, or throws a {@link PbkvException}
   * naming {@code who} when none comes within {@code timeout}.
   */
  public static Message ask(
      NetRuntime runtime,
      Address to,
      Message question,
      Class<? extends Message> answerType,
      boolean retry,
      Duration timeout,
      String who) {
    Address viewService = to;
    Address self = Address.of("probe-" + Long.toHexString(System.nanoTime()));
    Asker asker = new Asker(viewService, question, answerType, retry);
    runtime.addNode(self, asker).join();
    try {
      return asker.answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new PbkvException(
          who
              + " at "
              + viewService
              + " did not answer within "
              + timeout.toMillis()
              + " ms (is it running, and is the address right?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PbkvException("interrupted while asking " + who);
    } catch (ExecutionException e) {
      throw new PbkvException(e.getCause().toString());
    } finally {
      runtime.removeNode(self);
    }
  }
}
