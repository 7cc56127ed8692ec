package dev.pbkv.history;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * One key's sub-history compiled for the search: the ops sorted by call time, each reduced to a
 * transition of the single-register model over interned value ids, and the call/return entries in
 * time order. Not thread-safe (the append transition table and the value table grow lazily).
 *
 * <p>Value ids: {@link #ABSENT} is the absent key, {@link #WILD} an unknown value (the start state
 * of a window, see {@link Explainer}), {@link #DEAD} any value nobody observes, and every other id
 * an interned string.
 *
 * <p>Dead values. Let the observed strings be every value some op saw or required: the values reads
 * returned, appends' results and the values before them, compare-and-sets' expected and previous
 * values. A value that is not a prefix of any observed string is <em>dead</em>: no op can observe
 * it, appends keep it dead (a prefix of an extension would be a prefix of it), and every op behaves
 * the same on all dead values (a read, an append with a result, a compare-and-set that compares are
 * all impossible on them; a put, a delete of a present key, an append without result are possible
 * and lead to the same place). So all dead values are one state: the orders of concurrent appends
 * and puts that no read confirms collapse into it.
 */
final class KeyProblem {
  static final int ABSENT = 0;
  static final int WILD = 1;
  static final int DEAD = 2;

  // Op kinds. "Pure" kinds can only be legal in a state they leave unchanged.
  static final int GET = 0; // a = value read; pure
  static final int PUT = 1; // a = value written
  static final int APPEND_OUT = 2; // a = id of the value before (or -1), b = id of the result
  static final int APPEND = 3; // result unknown: state + value (a transition table)
  static final int DELETE_TRUE = 4;
  static final int DELETE_FALSE = 5; // pure
  static final int DELETE_ANY = 6; // indeterminate delete
  static final int CAS_SWAPPED = 7; // a = expected, b = update
  static final int CAS_FAILED = 8; // a = expected, c = previous; pure
  static final int CAS_ANY = 9; // indeterminate: a = expected, b = update
  static final int IMPOSSIBLE = 10; // a result this command cannot return

  static final int NO_PIN = -1;
  static final int PIN_EMPTY = -2;

  final String key;
  final HistoryOp[] ops;
  final int n;
  final int initialState;
  final int[] kind;
  final int[] a;
  final int[] b;
  final int[] c;
  final boolean[] completed;
  final boolean[] pure;

  /** Ops that may overwrite the value rather than extend it (put, delete, compare-and-set). */
  final boolean[] resets;

  /**
   * The value each op needs to find ({@link #NO_PIN} for none, {@link #PIN_EMPTY} for absent or
   * empty): reads, appends with a known result, failed compare-and-sets, deletes of absent keys.
   */
  final int[] pin;

  /** The value a reset writes when it takes effect (for {@link #resets} ops). */
  final int[] written;

  final int completedCount;
  final boolean hasPure;

  /** Entries in time order: {@code entry[i] = op << 1 | (1 if a return)}. */
  final int[] entries;

  final int[] callEntry;

  /** The index in {@link #entries} of each op's return, or -1 for an indeterminate op. */
  final int[] returnEntry;

  private final List<String> values = new ArrayList<>();
  private final HashMap<String, Integer> ids = new HashMap<>();
  private final String[] appendValue;
  private final LongIntTable appendTable = new LongIntTable(64);
  private final String[] observed; // sorted

  /**
   * Compiles {@code keyOps} (all on one key, already stripped of ops that constrain nothing), in
   * any order.
   */
  KeyProblem(String key, List<HistoryOp> keyOps, int initialState) {
    this.key = key;
    this.initialState = initialState;
    values.add(null); // ABSENT
    values.add(null); // WILD
    values.add(null); // DEAD
    ops = keyOps.toArray(new HistoryOp[0]);
    observed = observedStrings(ops);
    n = ops.length;
    java.util.Arrays.sort(
        ops,
        (x, y) ->
            x.callMicros() != y.callMicros()
                ? Long.compare(x.callMicros(), y.callMicros())
                : Integer.compare(x.id(), y.id()));
    kind = new int[n];
    a = new int[n];
    b = new int[n];
    c = new int[n];
    completed = new boolean[n];
    pure = new boolean[n];
    resets = new boolean[n];
    pin = new int[n];
    written = new int[n];
    appendValue = new String[n];
    int done = 0;
    boolean anyPure = false;
    for (int i = 0; i < n; i++) {
      HistoryOp op = ops[i];
      completed[i] = op.result() != null;
      if (completed[i]) {
        done++;
        if (op.returnMicros() < op.callMicros()) {
          throw new IllegalArgumentException("op returns before it is called: " + op);
        }
      }
      compile(i, op.command(), op.result());
      pure[i] = kind[i] == GET || kind[i] == DELETE_FALSE || kind[i] == CAS_FAILED;
      anyPure |= pure[i];
      switch (kind[i]) {
        case GET -> pin[i] = a[i];
        case APPEND_OUT -> pin[i] = a[i] == -2 ? PIN_EMPTY : a[i];
        case CAS_FAILED -> pin[i] = c[i];
        case CAS_SWAPPED -> pin[i] = a[i];
        case DELETE_FALSE -> pin[i] = ABSENT;
        default -> pin[i] = NO_PIN;
      }
      resets[i] =
          kind[i] == PUT
              || kind[i] == DELETE_TRUE
              || kind[i] == DELETE_ANY
              || kind[i] == CAS_SWAPPED
              || kind[i] == CAS_ANY;
      written[i] =
          kind[i] == PUT ? a[i] : kind[i] == CAS_SWAPPED || kind[i] == CAS_ANY ? b[i] : ABSENT;
    }
    completedCount = done;
    hasPure = anyPure;

    // Entries: calls in op order (ops are sorted by call), returns sorted by time; merged by time,
    // a call before a return at the same instant (ops whose bounds touch are concurrent).
    int[] rets = new int[done];
    long[] retTimes = new long[n];
    int r = 0;
    for (int i = 0; i < n; i++) {
      if (completed[i]) {
        rets[r++] = i;
        retTimes[i] = ops[i].returnMicros();
      }
    }
    sortByTime(rets, retTimes);
    entries = new int[n + done];
    callEntry = new int[n];
    returnEntry = new int[n];
    java.util.Arrays.fill(returnEntry, -1);
    int ci = 0;
    int ri = 0;
    int e = 0;
    while (ci < n || ri < done) {
      boolean takeCall =
          ri >= done || (ci < n && ops[ci].callMicros() <= ops[rets[ri]].returnMicros());
      if (takeCall) {
        callEntry[ci] = e;
        entries[e++] = ci << 1;
        ci++;
      } else {
        returnEntry[rets[ri]] = e;
        entries[e++] = rets[ri] << 1 | 1;
        ri++;
      }
    }
  }

  private void compile(int i, Command command, Result result) {
    if (command instanceof Command.Get) {
      kind[i] = GET;
      if (result instanceof Result.Value v) {
        a[i] = id(v.value());
      } else {
        kind[i] = IMPOSSIBLE;
      }
    } else if (command instanceof Command.Put put) {
      kind[i] = result == null || result instanceof Result.Ok ? PUT : IMPOSSIBLE;
      a[i] = writeId(put.value());
    } else if (command instanceof Command.Append append) {
      appendValue[i] = append.value();
      if (result == null || result instanceof Result.Ok) {
        kind[i] = APPEND;
      } else if (result instanceof Result.Value v
          && v.value() != null
          && v.value().endsWith(append.value())) {
        kind[i] = APPEND_OUT;
        String before = v.value().substring(0, v.value().length() - append.value().length());
        a[i] = before.isEmpty() ? -2 : id(before); // -2: absent or empty
        b[i] = id(v.value());
        c[i] = before.isEmpty() ? id("") : -1;
      } else {
        kind[i] = IMPOSSIBLE;
      }
    } else if (command instanceof Command.Delete) {
      if (result == null) {
        kind[i] = DELETE_ANY;
      } else if (result instanceof Result.Deleted d) {
        kind[i] = d.existed() ? DELETE_TRUE : DELETE_FALSE;
      } else {
        kind[i] = IMPOSSIBLE;
      }
    } else if (command instanceof Command.CompareAndSet cas) {
      a[i] = id(cas.expected());
      b[i] = writeId(cas.update());
      if (result == null) {
        kind[i] = CAS_ANY;
      } else if (result instanceof Result.CasResult cr) {
        boolean matches = Objects.equals(cr.previous(), cas.expected());
        if (cr.swapped() != matches) {
          kind[i] = IMPOSSIBLE; // swapped from a different value, or refused on a match
        } else {
          kind[i] = cr.swapped() ? CAS_SWAPPED : CAS_FAILED;
          c[i] = id(cr.previous());
        }
      } else {
        kind[i] = IMPOSSIBLE;
      }
    } else {
      kind[i] = IMPOSSIBLE;
    }
  }

  /** The state after op {@code i} in state {@code s}, or -1 when the op cannot happen there. */
  int step(int s, int i) {
    switch (kind[i]) {
      case GET:
        return s == a[i] || s == WILD ? a[i] : -1;
      case PUT:
        return a[i];
      case APPEND_OUT:
        if (s == a[i] || s == WILD || (a[i] == -2 && (s == ABSENT || s == c[i]))) {
          return b[i];
        }
        return -1;
      case APPEND:
        return s == WILD || s == DEAD ? s : appendTransition(s, i);
      case DELETE_TRUE:
        return s != ABSENT ? ABSENT : -1;
      case DELETE_FALSE:
        return s == ABSENT || s == WILD ? ABSENT : -1;
      case DELETE_ANY:
        return ABSENT;
      case CAS_SWAPPED:
        return s == a[i] || s == WILD ? b[i] : -1;
      case CAS_FAILED:
        return s == c[i] || s == WILD ? c[i] : -1;
      case CAS_ANY:
        return s == WILD ? WILD : s == a[i] ? b[i] : s;
      default:
        return -1;
    }
  }

  /**
   * Whether a value that only grows by appends can get from state {@code s} to {@code pin} (always
   * true for {@link #NO_PIN} and from the absent value, unless the pin is absent itself).
   */
  boolean canReach(int s, int pin) {
    if (s == pin || pin == NO_PIN || s == WILD) {
      return true;
    }
    if (s == DEAD || pin == ABSENT) {
      return false;
    }
    if (pin == PIN_EMPTY) {
      return s == ABSENT || values.get(s).isEmpty();
    }
    if (s == ABSENT) {
      return true;
    }
    String from = values.get(s);
    String to = values.get(pin);
    return to.length() > from.length() && to.startsWith(from);
  }

  private int appendTransition(int s, int i) {
    long k = (long) s << 32 | i;
    int t = appendTable.get(k);
    if (t < 0) {
      String before = values.get(s);
      t = writeId(before == null ? appendValue[i] : before + appendValue[i]);
      appendTable.put(k, t);
    }
    return t;
  }

  /** The id of a value written: {@link #DEAD} when no op can observe it. */
  int writeId(String value) {
    if (value == null) {
      return ABSENT;
    }
    Integer known = ids.get(value);
    if (known != null) {
      return known; // every interned value is live
    }
    int at = java.util.Arrays.binarySearch(observed, value);
    if (at >= 0) {
      return id(value);
    }
    at = -at - 1;
    return at < observed.length && observed[at].startsWith(value) ? id(value) : DEAD;
  }

  private static String[] observedStrings(HistoryOp[] ops) {
    List<String> seen = new ArrayList<>();
    for (HistoryOp op : ops) {
      Result r = op.result();
      if (r instanceof Result.Value v && v.value() != null) {
        seen.add(v.value());
        if (op.command() instanceof Command.Append append && v.value().endsWith(append.value())) {
          seen.add(v.value().substring(0, v.value().length() - append.value().length()));
        }
      } else if (r instanceof Result.CasResult cr && cr.previous() != null) {
        seen.add(cr.previous());
      }
      if (op.command() instanceof Command.CompareAndSet cas && cas.expected() != null) {
        seen.add(cas.expected());
      }
    }
    String[] sorted = seen.toArray(new String[0]);
    java.util.Arrays.sort(sorted);
    int distinct = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (distinct == 0 || !sorted[i].equals(sorted[distinct - 1])) {
        sorted[distinct++] = sorted[i];
      }
    }
    return java.util.Arrays.copyOf(sorted, distinct);
  }

  int id(String value) {
    if (value == null) {
      return ABSENT;
    }
    Integer known = ids.get(value);
    if (known != null) {
      return known;
    }
    int id = values.size();
    values.add(value);
    ids.put(value, id);
    return id;
  }

  /** A readable rendering of state {@code s}. */
  String describe(int s) {
    if (s == ABSENT) {
      return "(absent)";
    }
    if (s == WILD) {
      return "(unknown)";
    }
    if (s == DEAD) {
      return "(a value nobody reads)";
    }
    String v = values.get(s);
    return "\"" + (v.length() > 80 ? "…" + v.substring(v.length() - 79) : v) + "\"";
  }

  /** Sorts {@code idx} by {@code time[idx]}, ties by index (a stable merge sort on primitives). */
  static void sortByTime(int[] idx, long[] time) {
    int[] tmp = new int[idx.length];
    mergeSort(idx, tmp, 0, idx.length, time);
  }

  private static void mergeSort(int[] x, int[] tmp, int lo, int hi, long[] time) {
    if (hi - lo < 24) {
      for (int i = lo + 1; i < hi; i++) {
        int v = x[i];
        int j = i - 1;
        while (j >= lo && later(x[j], v, time)) {
          x[j + 1] = x[j];
          j--;
        }
        x[j + 1] = v;
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    mergeSort(x, tmp, lo, mid, time);
    mergeSort(x, tmp, mid, hi, time);
    if (!later(x[mid - 1], x[mid], time)) {
      return;
    }
    System.arraycopy(x, lo, tmp, lo, hi - lo);
    int i = lo;
    int j = mid;
    for (int k = lo; k < hi; k++) {
      if (j >= hi || (i < mid && !later(tmp[i], tmp[j], time))) {
        x[k] = tmp[i++];
      } else {
        x[k] = tmp[j++];
      }
    }
  }

  private static boolean later(int p, int q, long[] time) {
    return time[p] > time[q] || (time[p] == time[q] && p > q);
  }
}
