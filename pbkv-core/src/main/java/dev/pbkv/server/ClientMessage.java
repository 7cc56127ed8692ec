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

  /** About how many bytes {@code command} takes in a message: its key and values. */
  static int commandBytes(Command command) {
    long text = Message.bytes(command.key());
    if (command instanceof Command.Put p) {
      text += Message.bytes(p.value());
    } else if (command instanceof Command.Append a) {
      text += Message.bytes(a.value());
    } else if (command instanceof Command.CompareAndSet c) {
      text += (long) Message.bytes(c.expected()) + Message.bytes(c.update());
    } else if (command instanceof Command.Scan scan) {
      text += Message.bytes(scan.after());
    }
    return Message.plus(8, text);
  }

  /** About how many bytes {@code result} takes in a message: the values it carries. */
  static int resultBytes(Result result) {
    int text = 0;
    if (result instanceof Result.Value v) {
      text = Message.bytes(v.value());
    } else if (result instanceof Result.CasResult c) {
      text = Message.bytes(c.previous());
    } else if (result instanceof Result.Error e) {
      text = Message.bytes(e.message());
    } else if (result instanceof Result.Keys k) {
      long all = Message.bytes(k.nextCursor());
      for (String key : k.keys()) {
        all += 2 + Message.bytes(key);
      }
      text = (int) Math.min(Integer.MAX_VALUE, all);
    }
    return Message.plus(4, text);
  }

  /** A client's request; {@code viewNum} is the view the client believes in. */
  record Request(long seq, Command command, long viewNum) implements ClientMessage {
    public Request {
      Objects.requireNonNull(command, "command");
    }

    @Override
    public int sizeBytes() {
      return Message.plus(Message.SMALL_BYTES, commandBytes(command));
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
    public int sizeBytes() {
      return Message.plus(Message.SMALL_BYTES, resultBytes(result));
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

    @Override
    public int sizeBytes() {
      return Message.SMALL_BYTES + dev.pbkv.view.ViewServiceMessage.viewBytes(view);
    }
  }
}
