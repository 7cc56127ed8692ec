package dev.pbkv.server;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Message;
import dev.pbkv.view.View;
import java.util.List;
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
    } else if (result instanceof Result.AppendDigest d) {
      text = Message.bytes(d.key()) + 4 + 32;
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

  /**
   * Asks a server for its view of itself ({@code pbkv info}); any node may ask, and the server
   * answers with an {@link Info}. It changes nothing and is not forwarded.
   */
  record GetInfo() implements ClientMessage {}

  /**
   * A server's view of itself: {@code section.name = value} lines in sections, like Redis INFO
   * (docs/design.md §5). The node fills in what it knows without a clock; the runtime adds a
   * "runtime" section (uptime, ops per second, version) on the way out.
   */
  record Info(List<Field> fields) implements ClientMessage {
    /** One line of {@link Info}. */
    public record Field(String section, String name, String value) {
      public Field {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
      }
    }

    public Info {
      fields = List.copyOf(fields);
    }

    /** The value of {@code section.name}, or {@code null}. */
    public String get(String section, String name) {
      for (Field f : fields) {
        if (f.section().equals(section) && f.name().equals(name)) {
          return f.value();
        }
      }
      return null;
    }

    /** This info with {@code more} fields after its own. */
    public Info with(List<Field> more) {
      List<Field> all = new java.util.ArrayList<>(fields);
      all.addAll(more);
      return new Info(all);
    }

    @Override
    public int sizeBytes() {
      long n = Message.SMALL_BYTES;
      for (Field f : fields) {
        n += 4L + Message.bytes(f.section()) + Message.bytes(f.name()) + Message.bytes(f.value());
      }
      return Message.plus(0, n);
    }

    @Override
    public String label() {
      return "Info (" + fields.size() + " fields)";
    }
  }
}
