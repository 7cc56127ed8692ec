package dev.pbkv.history;

import java.util.function.BooleanSupplier;

/**
 * The Wing &amp; Gong search with Lowe's memoization over one {@link KeyProblem}, as in Porcupine:
 * the call/return entries form a doubly linked list in time order; linearizing an op lifts its call
 * and return from the list, backtracking unlifts them. Every call before the first remaining return
 * may be linearized next; reaching a return means that op can no longer be placed, so the search
 * backtracks. It succeeds once every completed op is linearized (an indeterminate op has no return
 * entry, so it may stay unlinearized: it never took effect).
 *
 * <p>One reduction on top: a <em>pure</em> op (a read, a failed compare-and-set, a delete of an
 * absent key: ops that can only happen in a state they leave unchanged) that may be linearized now
 * and matches the current state is linearized at once, without branching. That is safe: moving such
 * an op to the front of any valid completion keeps it valid (it changes no state, and every op that
 * had to precede it in real time is already linearized), so the configuration without it succeeds
 * iff the one with it does.
 *
 * <p>The hot loop uses primitive arrays only: no boxing and no allocation per step; the set of
 * linearized ops is a bitset with an incremental Zobrist hash.
 */
final class KeySearch {
  static final int OK = 0;
  static final int ILLEGAL = 1;
  static final int UNKNOWN = 2;

  private static final int PIN_SCAN = 64;
  private static final int PIN_CHECKS = 4;

  private final KeyProblem p;
  private final int[] next;
  private final int[] prev;
  private final int head;
  private final long[] bits;
  private final long[] zobrist;
  private int lo;
  private int hi = -1;
  private long hash;

  private final int[] stackOp;
  private final int[] stackState;
  private final boolean[] stackForced;
  private final int[] resetOps = new int[PIN_SCAN];
  private int sp;

  /** The longest partial linearization seen (op indices in order), valid up to {@link #bestLen}. */
  final int[] best;

  /** The length of {@link #best}, or -1 before the first backtrack. */
  int bestLen = -1;

  /** The op whose return stopped the search at the longest partial linearization, or -1. */
  int bestStuck = -1;

  /** Whether {@link #bestStuck} was pruned by the lookahead rather than reached as a return. */
  boolean bestStuckByLookahead;

  /** The latest return entry at which the search had to backtrack (see {@link #prefixOps()}). */
  int blockMax = -1;

  long steps;
  int configurations;
  boolean cacheFull;

  KeySearch(KeyProblem p) {
    this.p = p;
    int m = p.entries.length;
    head = m;
    next = new int[m + 1];
    prev = new int[m + 1];
    for (int e = 0; e < m; e++) {
      next[e] = e + 1 < m ? e + 1 : -1;
      prev[e] = e == 0 ? head : e - 1;
    }
    next[head] = m > 0 ? 0 : -1;
    prev[head] = -1;
    bits = new long[(p.n + 63) >>> 6];
    zobrist = new long[p.n];
    long x = 0x5DEECE66DL;
    for (int i = 0; i < p.n; i++) {
      x += 0x9E3779B97F4A7C15L;
      long z = x;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      zobrist[i] = z ^ (z >>> 31);
    }
    stackOp = new int[p.n];
    stackState = new int[p.n];
    stackForced = new boolean[p.n];
    best = new int[p.n];
  }

  /**
   * Runs the search; returns {@link #OK}, {@link #ILLEGAL} or {@link #UNKNOWN} (the deadline passed
   * or {@code stop} said so). Call once.
   */
  int run(long deadlineNanos, BooleanSupplier stop, long cacheBytes) {
    int state = p.initialState;
    int remaining = p.completedCount;
    if (remaining == 0) {
      return OK;
    }
    final KeyProblem p = this.p;
    final int[] entries = p.entries;
    final int[] next = this.next;
    final int[] callEntry = p.callEntry;
    final boolean[] completed = p.completed;
    final boolean[] pure = p.pure;
    ConfigCache cache = new ConfigCache(cacheBytes, p.n);
    cache.add(bits, lo, hi, hash, state);
    boolean fresh = true;
    boolean pinsDue = false; // the value changed since the lookahead last ran
    int e = -1;
    int dirty = 0; // the lowest stack slot written since the last copy into best
    long count = 0;
    try {
      while (true) {
        if ((++count & 0x3FF) == 0
            && (System.nanoTime() - deadlineNanos > 0 || stop.getAsBoolean())) {
          return UNKNOWN;
        }
        boolean blocked = false;
        int unsatisfiable = -1;
        if (fresh) {
          fresh = false;
          e = next[head];
          if (state != KeyProblem.WILD) {
            int forced = -1;
            for (int x = e; x >= 0; x = next[x]) {
              int en = entries[x];
              if ((en & 1) != 0) {
                break;
              }
              int op = en >>> 1;
              if (pure[op] && p.step(state, op) == state) {
                forced = op;
                break;
              }
            }
            if (forced >= 0) {
              setBit(forced);
              if (cache.add(bits, lo, hi, hash, state)) {
                if (sp < dirty) {
                  dirty = sp;
                }
                stackOp[sp] = forced;
                stackState[sp] = state;
                stackForced[sp++] = true;
                lift(forced);
                if (completed[forced] && --remaining == 0) {
                  return OK;
                }
                fresh = true;
                continue;
              }
              clearBit(forced);
              blocked = true; // the configuration with it failed before, so this one fails
            } else if (pinsDue) {
              pinsDue = false;
              unsatisfiable = pinsHold(state, next[head]);
              if (unsatisfiable >= 0) {
                blocked = true; // an op that must come soon cannot find the value it needs
                int r = p.returnEntry[unsatisfiable];
                if (r > blockMax) {
                  blockMax = r; // the decision looked this far (see prefixOps)
                }
              }
            }
          }
        }
        if (!blocked) {
          if (e < 0) {
            return OK; // unreachable while completed ops remain: their returns are in the list
          }
          int en = entries[e];
          if ((en & 1) == 0) {
            int op = en >>> 1;
            int ns = p.step(state, op);
            if (ns >= 0) {
              setBit(op);
              if (cache.add(bits, lo, hi, hash, ns)) {
                if (sp < dirty) {
                  dirty = sp;
                }
                stackOp[sp] = op;
                stackState[sp] = state;
                stackForced[sp++] = false;
                pinsDue = ns != state;
                state = ns;
                lift(op);
                if (completed[op] && --remaining == 0) {
                  return OK;
                }
                fresh = true;
                continue;
              }
              clearBit(op);
            }
            e = next[e];
            continue;
          }
          if (e > blockMax) {
            blockMax = e;
          }
        }
        // Backtrack.
        if (sp > bestLen) {
          System.arraycopy(stackOp, dirty, best, dirty, sp - dirty);
          bestLen = sp;
          dirty = sp;
          bestStuck = blocked ? unsatisfiable : entries[e] >>> 1;
          bestStuckByLookahead = blocked;
        }
        while (true) {
          if (sp == 0) {
            return ILLEGAL;
          }
          int op = stackOp[--sp];
          state = stackState[sp];
          unlift(op);
          clearBit(op);
          if (completed[op]) {
            remaining++;
          }
          if (!stackForced[sp]) {
            e = next[callEntry[op]];
            break;
          }
        }
      }
    } finally {
      steps = count;
      configurations = cache.size();
      cacheFull = cache.isFull();
    }
  }

  /**
   * Lookahead, scanning the list from {@code x} (its head): an op whose return comes up and that
   * needs a given value (a read, an append with a known result, a compare-and-set) is preceded only
   * by ops called before that return; between overwrites the value only grows by appends, so the
   * value it needs must be reachable by appends from the current value or from the value of one of
   * those ops that overwrite (a put, a compare-and-set's update; a delete allows anything). Checks
   * a few such ops; returns one that cannot be satisfied any more (so this configuration fails), or
   * -1. Only prunes: skipping it changes no verdict.
   */
  private int pinsHold(int state, int x) {
    int resetCount = 0;
    int checked = 0;
    for (int scanned = 0; x >= 0 && scanned < PIN_SCAN; x = next[x], scanned++) {
      int en = p.entries[x];
      int op = en >>> 1;
      if ((en & 1) == 0) {
        if (p.resets[op]) {
          if (p.written[op] == KeyProblem.ABSENT || resetCount == resetOps.length) {
            return -1; // from absent anything can be appended: no constraint
          }
          resetOps[resetCount++] = op;
        }
        continue;
      }
      int pin = p.pin[op];
      if (!p.canReach(state, pin)) {
        boolean reachable = false;
        for (int k = 0; k < resetCount && !reachable; k++) {
          reachable = resetOps[k] != op && p.canReach(p.written[resetOps[k]], pin);
        }
        if (!reachable) {
          return op;
        }
      }
      if (++checked == PIN_CHECKS) {
        return -1;
      }
    }
    return -1;
  }

  /**
   * After an {@link #ILLEGAL} run: how many ops (by call order) form a prefix that is already not
   * linearizable. Every configuration the search explored was stopped by a return at or before
   * {@link #blockMax}, or pruned by a lookahead that looked no further; so ops called after it were
   * never candidates, and the same tree of decisions refutes the prefix.
   */
  int prefixOps() {
    if (blockMax < 0) {
      return p.n;
    }
    int count = 0;
    while (count < p.n && p.callEntry[count] < blockMax) {
      count++;
    }
    return count;
  }

  private void lift(int op) {
    int c = p.callEntry[op];
    int pc = prev[c];
    int nc = next[c];
    next[pc] = nc;
    if (nc >= 0) {
      prev[nc] = pc;
    }
    int r = p.returnEntry[op];
    if (r >= 0) {
      int pr = prev[r];
      int nr = next[r];
      next[pr] = nr;
      if (nr >= 0) {
        prev[nr] = pr;
      }
    }
  }

  private void unlift(int op) {
    int r = p.returnEntry[op];
    if (r >= 0) {
      next[prev[r]] = r;
      if (next[r] >= 0) {
        prev[next[r]] = r;
      }
    }
    int c = p.callEntry[op];
    next[prev[c]] = c;
    if (next[c] >= 0) {
      prev[next[c]] = c;
    }
  }

  private void setBit(int op) {
    int w = op >>> 6;
    bits[w] |= 1L << op;
    hash ^= zobrist[op];
    if (w > hi) {
      hi = w;
    }
    if (w == lo) {
      while (lo < bits.length && bits[lo] == -1L) {
        lo++;
      }
    }
  }

  private void clearBit(int op) {
    int w = op >>> 6;
    bits[w] &= ~(1L << op);
    hash ^= zobrist[op];
    if (w < lo) {
      lo = w;
    }
    if (w == hi) {
      while (hi >= 0 && bits[hi] == 0) {
        hi--;
      }
    }
  }
}
