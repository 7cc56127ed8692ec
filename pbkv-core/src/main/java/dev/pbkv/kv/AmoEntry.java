package dev.pbkv.kv;

/** The at-most-once record of one client: its highest executed sequence number and result. */
public record AmoEntry(long seq, Result result) {}
