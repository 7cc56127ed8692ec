package dev.pbkv.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses sizes such as {@code 65536}, {@code 64KiB}, {@code 8MiB}, {@code 1GiB} into bytes. */
final class ByteSizeConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long factor = 1;
    if (v.endsWith("kib")) {
      factor = 1L << 10;
    } else if (v.endsWith("mib")) {
      factor = 1L << 20;
    } else if (v.endsWith("gib")) {
      factor = 1L << 30;
    } else if (v.endsWith("b")) {
      factor = 1;
      v = v.substring(0, v.length() - 1);
    }
    if (factor > 1) {
      v = v.substring(0, v.length() - 3);
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 1 || n > Long.MAX_VALUE / factor) {
        throw new TypeConversionException("'" + value + "' is not a positive size in range");
      }
      return n * factor;
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a size: expected bytes or a number with KiB, MiB or GiB, e.g."
              + " 8MiB");
    }
  }
}
