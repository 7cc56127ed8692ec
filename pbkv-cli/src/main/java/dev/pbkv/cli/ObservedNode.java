package dev.pbkv.cli;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import java.util.function.Consumer;

/** A node that tells an observer its state after every event (for logs). */
final class ObservedNode implements Node {
  private final Node node;
  private final Consumer<Node> observer;

  ObservedNode(Node node, Consumer<Node> observer) {
    this.node = node;
    this.observer = observer;
  }

  @Override
  public void init(Effects fx) {
    node.init(fx);
    observer.accept(node);
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    node.onMessage(from, msg, fx);
    observer.accept(node);
  }

  @Override
  public void onConnectionReset(Address peer, Effects fx) {
    node.onConnectionReset(peer, fx);
    observer.accept(node);
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    node.onTimer(timer, fx);
    observer.accept(node);
  }
}
