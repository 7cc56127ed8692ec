package dev.pbkv.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses durations such as {@code 500ms}, {@code 30s}, {@code 2m} into milliseconds. */
final class DurationConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    long factor;
    String number;
    if (v.endsWith("ms")) {
      factor = 1;
      number = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      factor = 1000;
      number = v.substring(0, v.length() - 1);
    } else if (v.endsWith("m")) {
      factor = 60_000;
      number = v.substring(0, v.length() - 1);
    } else {
      throw new TypeConversionException(
          "'" + value + "' is not a duration: expected a number with a unit, e.g. 500ms, 30s, 2m");
    }
    try {
      double amount = Double.parseDouble(number);
      if (!(amount > 0) || Double.isInfinite(amount)) {
        throw new TypeConversionException("'" + value + "' is not a positive duration");
      }
      long millis = Math.round(amount * factor);
      if (millis < 1) {
        throw new TypeConversionException("'" + value + "' is less than 1 ms");
      }
      return millis;
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration: expected a number with a unit, e.g. 500ms, 30s, 2m");
    }
  }
}
