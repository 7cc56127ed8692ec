package dev.pbkv.view;

import dev.pbkv.node.Address;

/**
 * A view: who is primary and who is backup. Views are numbered 1, 2, 3… by the view service; view 0
 * is the startup view with neither. {@code backup} may be {@code null}.
 *
 * <p>A view names server <em>incarnations</em>, not just addresses: {@code primaryBootId} and
 * {@code backupBootId} are the boot ids the view service knew when it made the view. A server that
 * restarted at the same address has a new boot id, so it can never mistake a role given to its
 * earlier incarnation (whose state it lost) for its own — not even from a reply that was in flight
 * when it restarted.
 */
public record View(
    long viewNum, Address primary, Address backup, long primaryBootId, long backupBootId) {

  /** The startup view {@code (0, none, none)}. */
  public static final View INITIAL = new View(0, null, null, 0, 0);

  public View {
    if (viewNum < 0) {
      throw new IllegalArgumentException("viewNum must be >= 0, got " + viewNum);
    }
    if (viewNum > 0 && primary == null) {
      throw new IllegalArgumentException("view " + viewNum + " needs a primary");
    }
    if (backup != null && backup.equals(primary)) {
      throw new IllegalArgumentException("primary and backup must differ: " + primary);
    }
    if (backup == null) {
      backupBootId = 0;
    }
  }

  /** A view of first incarnations (boot id 1), as in tests and freshly started clusters. */
  public View(long viewNum, Address primary, Address backup) {
    this(viewNum, primary, backup, primary == null ? 0 : 1, backup == null ? 0 : 1);
  }

  public boolean hasBackup() {
    return backup != null;
  }

  /** True if {@code a} is the primary's address (whatever its incarnation). */
  public boolean isPrimary(Address a) {
    return a.equals(primary);
  }

  /** True if {@code a} is the backup's address (whatever its incarnation). */
  public boolean isBackup(Address a) {
    return a.equals(backup);
  }

  /** True if incarnation {@code bootId} of {@code a} is this view's primary. */
  public boolean isPrimary(Address a, long bootId) {
    return a.equals(primary) && bootId == primaryBootId;
  }

  /** True if incarnation {@code bootId} of {@code a} is this view's backup. */
  public boolean isBackup(Address a, long bootId) {
    return a.equals(backup) && bootId == backupBootId;
  }

  /** True if {@code a} is primary or backup of this view (by address). */
  public boolean isMember(Address a) {
    return isPrimary(a) || isBackup(a);
  }

  @Override
  public String toString() {
    return viewNum
        + ":"
        + (primary == null ? "-" : primary)
        + ","
        + (backup == null ? "-" : backup);
  }
}
