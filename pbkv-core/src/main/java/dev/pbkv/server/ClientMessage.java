package dev.pbkv.server;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Message;
import dev.pbkv.view.View;
import java.util.Objects;

/**
 * Messages between clients and servers. A client session is identified by its address; {@code seq}
 * numbers its requests, and a retry keeps the same number.
 */
public sealed interface ClientMessage extends Message {

  /** A client's request; {@code viewNum} is the view the client believes in. */
  record Request(long seq, Command command, long viewNum) implements ClientMessage {
    public Request {
      Objects.requireNonNull(command, "command");
    }

    @Override
    public String label() {
      return "Request #" + seq + " " + command;
    }
  }

  /** The result of request {@code seq}: it was executed exactly once. */
  record Reply(long seq, Result result) implements ClientMessage {
    public Reply {
      Objects.requireNonNull(result, "result");
    }

    @Override
    public String label() {
      return "Reply #" + seq;
    }
  }

  /**
   * Rule 4: the receiver is not the primary of its view and did not execute request {@code seq};
   * {@code view} is the view it knows.
   */
  record WrongServer(long seq, View view) implements ClientMessage {
    public WrongServer {
      Objects.requireNonNull(view, "view");
    }
  }
}
