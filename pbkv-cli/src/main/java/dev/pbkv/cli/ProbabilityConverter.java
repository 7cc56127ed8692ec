package dev.pbkv.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses a probability in [0, 1]; also accepts a percentage such as {@code 10%}. */
final class ProbabilityConverter implements ITypeConverter<Double> {
  @Override
  public Double convert(String value) {
    String v = value.trim();
    double p;
    try {
      p =
          v.endsWith("%")
              ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100
              : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a probability: expected 0 to 1, or 0% to 100%");
    }
    if (!(p >= 0 && p <= 1)) {
      throw new TypeConversionException(
          "'" + value + "' is not a probability: expected 0 to 1, or 0% to 100%");
    }
    return p;
  }
}
