package dev.pbkv.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files named on the command line, checked before any work starts: an output file must be writable
 * before a long run, not after it; an input that cannot be read gets one line that names the file
 * and the reason.
 */
final class FileChecks {
  private FileChecks() {}

  /**
   * Fails with one line, before anything runs, if {@code file} cannot be written: its folder is
   * missing or not writable, or it is a folder itself.
   */
  static void writable(Path file, String option) {
    if (file == null) {
      return;
    }
    String what = option + " " + file;
    if (Files.isDirectory(file)) {
      throw new UserError(what + ": is a folder; give a file name");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new UserError(
          what
              + ": the folder "
              + parent
              + (Files.exists(parent) ? " is not a folder" : " does not exist"));
    }
    if (Files.exists(file)
        ? !Files.isWritable(file)
        : parent != null && !Files.isWritable(parent)) {
      throw new UserError(what + ": not allowed to write there");
    }
  }

  /** Fails with one line if {@code file} is not a readable file. */
  static void readable(Path file) {
    if (Files.isDirectory(file)) {
      throw new UserError(file + ": is a folder, not a file");
    }
    if (!Files.exists(file)) {
      throw new UserError(file + ": no such file");
    }
    if (!Files.isReadable(file)) {
      throw new UserError(file + ": not allowed to read it");
    }
  }

  /** One line for a failed read or write of {@code file}. */
  static UserError failed(Path file, IOException e) {
    if (e instanceof CharacterCodingException) {
      return new UserError(file + ": not UTF-8 text (is it the right file?)");
    }
    if (e instanceof NoSuchFileException) {
      return new UserError(file + ": no such file or folder");
    }
    if (e instanceof AccessDeniedException) {
      return new UserError(file + ": not allowed");
    }
    return new UserError(file + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
  }
}
