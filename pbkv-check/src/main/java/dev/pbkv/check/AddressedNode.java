package dev.pbkv.check;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import java.util.List;

/**
 * A checker node that answers at several addresses besides its own (e.g. {@link
 * ReplicatedViewService}: one node, two replicas). A message to any of them is delivered with the
 * address it was sent to, and what the node sends while handling it goes out from that address.
 */
public interface AddressedNode extends Node {
  /** The further addresses this node answers at. */
  List<Address> addresses();

  /** Handles {@code msg} sent to {@code to} (one of {@link #addresses()}). */
  void onMessageAt(Address to, Address from, Message msg, Effects fx);
}
