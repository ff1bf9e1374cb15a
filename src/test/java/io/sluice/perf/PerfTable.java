package io.sluice.perf;

import java.util.ArrayList;
import java.util.List;

/**
 * One table of the performance report: written as Markdown into {@code report.md} and as CSV into
 * {@code <slug>.csv}, so the same figures can be read by people and by scripts.
 */
public final class PerfTable {

    private final String slug;
    private final String title;
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public PerfTable(String slug, String title, String... columns) {
        this.slug = slug;
        this.title = title;
        this.columns = List.of(columns);
    }

    public PerfTable row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(slug + ": " + cells.length + " cells for " + columns.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(format(cell));
        }
        rows.add(row);
        return this;
    }

    /** A sentence printed under the table (how it was measured, what a target means). */
    public PerfTable note(String note) {
        notes.add(note);
        return this;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public List<String> columns() {
        return columns;
    }

    public List<List<String>> rows() {
        return rows;
    }

    public String markdown() {
        StringBuilder md = new StringBuilder("### ").append(title).append("\n\n");
        md.append("| ").append(String.join(" | ", columns)).append(" |\n");
        md.append("|").append(" --- |".repeat(columns.size())).append("\n");
        for (List<String> row : rows) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        for (String note : notes) {
            md.append("\n").append(note).append("\n");
        }
        return md.append("\n").toString();
    }

    public String csv() {
        StringBuilder csv = new StringBuilder(csvLine(columns));
        rows.forEach(row -> csv.append(csvLine(row)));
        return csv.toString();
    }

    private static String csvLine(List<String> cells) {
        List<String> quoted = new ArrayList<>();
        for (String cell : cells) {
            quoted.add(cell.contains(",") || cell.contains("\"") ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell);
        }
        return String.join(",", quoted) + "\n";
    }

    /** Doubles with two decimals below 10 and none above: ratios stay readable, rates do not look falsely exact. */
    private static String format(Object cell) {
        if (cell instanceof Double d) {
            if (d.isNaN()) {
                return "n/a";
            }
            return Math.abs(d) >= 100 ? String.format("%.0f", d) : Math.abs(d) >= 10 ? String.format("%.1f", d)
                    : String.format("%.2f", d);
        }
        return String.valueOf(cell);
    }
}
