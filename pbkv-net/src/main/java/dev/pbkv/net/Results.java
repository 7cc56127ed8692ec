package dev.pbkv.net;

import dev.pbkv.kv.Result;
import java.util.function.Function;

/** Turns an op's result into what a typed client call returns, or a {@link PbkvException}. */
final class Results {
  private Results() {}

  /**
   * {@code f} applied to {@code r} if it is of the {@code expected} kind.
   *
   * @throws PbkvException if {@code r} is an error or of another kind
   * @throws ResultUnavailableException if the op executed but its result is lost
   */
  static <T> T check(Result r, Class<? extends Result> expected, Function<Result, T> f) {
    if (r instanceof Result.Error error) {
      throw new PbkvException(error.message());
    }
    if (r instanceof Result.Unavailable) {
      throw new ResultUnavailableException(
          "the operation took effect, but its result is no longer available (a retry of a large"
              + " append, after the key was changed by more than appends)");
    }
    if (!expected.isInstance(r)) {
      throw new PbkvException("unexpected result " + r);
    }
    return f.apply(r);
  }
}
