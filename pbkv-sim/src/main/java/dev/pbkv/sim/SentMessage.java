package dev.pbkv.sim;

import dev.pbkv.node.Address;
import dev.pbkv.node.Message;

/** A message as it was sent, kept so that it can be replayed (delivered again) much later. */
public record SentMessage(long id, long sentMicros, Address from, Address to, Message message) {}
