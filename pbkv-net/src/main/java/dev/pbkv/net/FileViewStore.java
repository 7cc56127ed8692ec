package dev.pbkv.net;

import dev.pbkv.node.Address;
import dev.pbkv.view.DurableViewState;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * A {@link ViewStore} in a folder (docs/design.md §2): the state is one small text file, {@code
 * view.state}, replaced atomically on every write (write {@code view.state.tmp}, fsync it, rename
 * it over the old one, fsync the folder). A crash at any moment leaves either the old or the new
 * state, never a mix. The file ends with a CRC-32 of its lines, so a torn or edited file is
 * recognised and refused, not half-read.
 *
 * <p>One process at a time: {@link #open} takes an exclusive lock on {@code lock} in the folder for
 * as long as the process lives. The version check of {@link #compareAndSet} is against the version
 * this process last read or wrote. The file is at most {@value #MAX_FILE_BYTES} bytes.
 */
public final class FileViewStore implements ViewStore {
  /** The state file's name in the data folder. */
  public static final String FILE_NAME = "view.state";

  /** The largest state file read. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  private static final String HEADER = "pbkv-view-state 1";

  private final Path dir;
  private final Path file;
  private final FileChannel lockChannel;
  private long version;
  private DurableViewState state;

  private FileViewStore(Path dir, FileChannel lockChannel, long version, DurableViewState state) {
    this.dir = dir;
    this.file = dir.resolve(FILE_NAME);
    this.lockChannel = lockChannel;
    this.version = version;
    this.state = state;
  }

  /**
   * Opens (creating the folder if needed), locks and reads the store in {@code dir}.
   *
   * @throws IllegalStateException with a one-line reason if the folder cannot be used, another
   *     process holds it, or the state file is unreadable (the file is left as it is)
   */
  public static FileViewStore open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot create the data folder " + dir + ": " + e.getMessage());
    }
    FileChannel lock;
    try {
      lock =
          FileChannel.open(
              dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot use the data folder " + dir + ": " + e.getMessage());
    }
    try {
      FileLock held = lock.tryLock();
      if (held == null) {
        throw new IllegalStateException(
            "the data folder " + dir + " is in use by another view service");
      }
    } catch (IOException | OverlappingFileLockException e) {
      close(lock);
      throw new IllegalStateException(
          "the data folder " + dir + " is in use by another view service");
    } catch (IllegalStateException e) {
      close(lock);
      throw e;
    }
    try {
      Path file = dir.resolve(FILE_NAME);
      Stored stored = readFile(file);
      return new FileViewStore(dir, lock, stored.version(), stored.state());
    } catch (IllegalStateException e) {
      close(lock);
      throw e;
    }
  }

  private static void close(FileChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing more to do
    }
  }

  /** Releases the folder's lock (the process's exit does too). */
  public void close() {
    close(lockChannel);
  }

  @Override
  public synchronized Stored read() {
    return new Stored(version, state);
  }

  @Override
  public synchronized WriteResult compareAndSet(long expectedVersion, DurableViewState next) {
    if (expectedVersion != version) {
      return WriteResult.CONFLICT;
    }
    try {
      writeAtomically(encode(version + 1, next));
    } catch (IOException | UncheckedIOException e) {
      return WriteResult.UNAVAILABLE;
    }
    version++;
    state = next;
    return WriteResult.WRITTEN;
  }

  private void writeAtomically(byte[] bytes) throws IOException {
    Path tmp = dir.resolve(FILE_NAME + ".tmp");
    try (FileChannel c =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        c.write(b);
      }
      c.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system cannot rename atomically", e);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the rename itself is durable
    } catch (IOException e) {
      // some platforms cannot open a folder; the rename is still atomic there
    }
  }

  @Override
  public ViewStore copy() {
    throw new UnsupportedOperationException("a file store cannot be copied");
  }

  @Override
  public String describe() {
    return "file " + file.toAbsolutePath();
  }

  @Override
  public boolean isVolatile() {
    return false;
  }

  // --- the file format ----------------------------------------------------------------------

  /**
   * The state as this file format writes it (also the content of the ZooKeeper store's znode): text
   * lines ending in a CRC-32.
   */
  public static byte[] encode(long version, DurableViewState s) {
    StringBuilder sb = new StringBuilder();
    sb.append(HEADER).append('\n');
    sb.append("version ").append(version).append('\n');
    View v = s.view();
    sb.append("view ").append(v.viewNum()).append('\n');
    sb.append("primary ")
        .append(v.primary() == null ? "-" : name(v.primary()) + " " + v.primaryBootId())
        .append('\n');
    sb.append("backup ")
        .append(v.backup() == null ? "-" : name(v.backup()) + " " + v.backupBootId())
        .append('\n');
    sb.append("acked ").append(s.acked()).append('\n');
    for (Map.Entry<Address, List<Long>> e : s.retired().entrySet()) {
      sb.append("retired ").append(name(e.getKey()));
      for (long id : e.getValue()) {
        sb.append(' ').append(id);
      }
      sb.append('\n');
    }
    CRC32 crc = new CRC32();
    byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
    crc.update(body);
    sb.append("crc32 ").append(String.format(Locale.ROOT, "%08x", crc.getValue())).append('\n');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String name(Address a) {
    String n = a.name();
    if (n.isEmpty() || n.chars().anyMatch(Character::isWhitespace)) {
      throw new UncheckedIOException(
          new IOException("address \"" + n + "\" cannot be stored (blank or with spaces)"));
    }
    return n;
  }

  static Stored readFile(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw unreadable(file, "larger than " + MAX_FILE_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Stored(0, DurableViewState.INITIAL); // nothing written yet
    } catch (IOException e) {
      throw unreadable(file, e.getMessage());
    }
    return decode(file, new String(bytes, StandardCharsets.UTF_8));
  }

  /**
   * Reads what {@link #encode} wrote; {@code source} names where it came from in the error.
   *
   * @throws IllegalStateException naming {@code source} if it is torn, edited or not such a state
   */
  public static Stored decode(String source, byte[] bytes) {
    return decode(source, new String(bytes, StandardCharsets.UTF_8));
  }

  static Stored decode(Path file, String text) {
    return decode(file.toString(), text);
  }

  private static Stored decode(String file, String text) {
    int end = text.lastIndexOf("crc32 ");
    if (!text.startsWith(HEADER + "\n") || end < 0 || !text.endsWith("\n")) {
      throw unreadable(file, "not a pbkv view state file, or cut short");
    }
    String body = text.substring(0, end);
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.UTF_8));
    String expected = String.format(Locale.ROOT, "%08x", crc.getValue());
    if (!text.substring(end + "crc32 ".length()).trim().equals(expected)) {
      throw unreadable(file, "its checksum does not match (a torn write or an edit)");
    }
    long version = -1;
    long viewNum = -1;
    Address primary = null;
    Address backup = null;
    long primaryBoot = 0;
    long backupBoot = 0;
    Boolean acked = null;
    Map<Address, List<Long>> retired = new TreeMap<>();
    String[] lines = body.split("\n");
    try {
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].split(" ");
        switch (f[0]) {
          case "version" -> version = Long.parseLong(f[1]);
          case "view" -> viewNum = Long.parseLong(f[1]);
          case "primary" -> {
            if (!f[1].equals("-")) {
              primary = Address.of(f[1]);
              primaryBoot = Long.parseLong(f[2]);
            }
          }
          case "backup" -> {
            if (!f[1].equals("-")) {
              backup = Address.of(f[1]);
              backupBoot = Long.parseLong(f[2]);
            }
          }
          case "acked" -> acked = Boolean.parseBoolean(f[1]);
          case "retired" -> {
            List<Long> ids = new ArrayList<>();
            for (int k = 2; k < f.length; k++) {
              ids.add(Long.parseLong(f[k]));
            }
            retired.put(Address.of(f[1]), ids);
          }
          default -> throw new IllegalArgumentException("unknown line \"" + lines[i] + "\"");
        }
      }
      if (version < 1 || viewNum < 0 || acked == null) {
        throw new IllegalArgumentException("version, view or acked missing");
      }
      View view = new View(viewNum, primary, backup, primaryBoot, backupBoot);
      return new Stored(version, new DurableViewState(view, acked, retired));
    } catch (RuntimeException e) {
      throw unreadable(file, e.getMessage());
    }
  }

  private static IllegalStateException unreadable(Path file, String why) {
    return unreadable(file.toString(), why);
  }

  private static IllegalStateException unreadable(String file, String why) {
    return new IllegalStateException(
        "cannot read the view service's state " + file + ": " + why + " (it is left as it is)");
  }
}
