package dev.pbkv.history;

/**
 * What {@link LinearizabilityChecker#check} found: the verdict; for {@link Verdict#ILLEGAL} the
 * first illegal key (in check order: fewest ops first, then by name) and a multi-line explanation
 * (the key, the smallest window of its ops found that cannot be ordered, the longest partial
 * linearization); otherwise {@code key} is null and the explanation is a one-line summary.
 *
 * @param verdict OK, ILLEGAL or UNKNOWN (the budget ran out)
 * @param key the illegal key, or null
 * @param explanation readable text, several lines for ILLEGAL
 * @param elapsedMicros wall-clock time of the check, explanation included
 * @param keys how many distinct keys the history touches
 * @param ops how many ops the history holds (before dropping those that constrain nothing)
 */
public record CheckResult(
    Verdict verdict, String key, String explanation, long elapsedMicros, int keys, int ops) {

  /** True only for {@link Verdict#OK}: an unknown verdict is never a pass. */
  public boolean passed() {
    return verdict == Verdict.OK;
  }

  @Override
  public String toString() {
    return verdict
        + (key == null ? "" : " key=" + key)
        + " ("
        + ops
        + " ops, "
        + keys
        + " keys, "
        + elapsedMicros / 1000.0
        + " ms)\n"
        + explanation;
  }
}
