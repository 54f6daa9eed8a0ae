package lat.pipeline.bench;

/** One target of the Speed issue: a figure next to its comparison, their ratio and whether it is met. */
final class Target {
  private Target() {}

  /** Prints {@code name: figure / comparison = ratio (target >= min): MET|NOT MET}; higher is better. */
  static void atLeast(String name, double figure, double comparison, double min) {
    double ratio = figure / comparison;
    System.out.printf("  %-58s %9.0f / %9.0f = %5.2fx  (target >= %.2fx): %s%n",
        name, figure, comparison, ratio, min, ratio >= min ? "MET" : "NOT MET");
  }

  /** The same for a figure where lower is better (latency): met when figure <= max * comparison. */
  static void atMost(String name, double figure, double comparison, double max) {
    double ratio = figure / comparison;
    System.out.printf("  %-58s %9.2f / %9.2f = %5.2fx  (target <= %.2fx): %s%n",
        name, figure, comparison, ratio, max, ratio <= max ? "MET" : "NOT MET");
  }

  static void header() {
    System.out.println();
    System.out.println("Targets (issue 'Speed'; figure / comparison = ratio):");
  }
}
