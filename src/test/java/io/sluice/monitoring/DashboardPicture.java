package io.sluice.monitoring;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;

import javax.imageio.ImageIO;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws dashboard panels, as Prometheus' range API returned their data, into one PNG: a grid of line charts, one per
 * panel, in the dashboard's order, with the panels' threshold lines (Envoy's 200 ms timer, the 144 MiB direct memory).
 */
public final class DashboardPicture {

    /** One line of a chart: its legend and its points (seconds since the start of the run, value). */
    public record Line(String legend, double[] seconds, double[] values) {
    }

    /** One panel's chart. */
    public record Chart(String title, String unit, List<Double> thresholds, List<Line> lines) {
    }

    private static final int WIDTH = 560;
    private static final int HEIGHT = 320;
    private static final int COLUMNS = 3;
    private static final int HEADER = 48;

    private DashboardPicture() {
    }

    public static void write(Path file, String heading, List<Chart> charts) {
        int rows = (charts.size() + COLUMNS - 1) / COLUMNS;
        BufferedImage image = new BufferedImage(WIDTH * COLUMNS, HEADER + HEIGHT * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString(heading, 12, 30);
            for (int i = 0; i < charts.size(); i++) {
                JFreeChart chart = chart(charts.get(i));
                chart.draw(g, new java.awt.Rectangle((i % COLUMNS) * WIDTH, HEADER + (i / COLUMNS) * HEIGHT, WIDTH, HEIGHT));
            }
        } finally {
            g.dispose();
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JFreeChart chart(Chart spec) {
        // Values in the axis' unit, so that the ticks fall on round numbers of it.
        double scale = scale(spec.unit());
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line line : spec.lines()) {
            XYSeries series = new XYSeries(line.legend(), false, true);
            for (int i = 0; i < line.seconds().length; i++) {
                series.add(line.seconds()[i], line.values()[i] * scale);
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(null, "seconds into the run", spec.unit().isEmpty() ? null
                : axisLabel(spec.unit()), data, PlotOrientation.VERTICAL, true, false, false);
        chart.setTitle(new TextTitle(spec.title(), new Font(Font.SANS_SERIF, Font.BOLD, 13)));
        chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(new Color(248, 248, 248));
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            plot.getRenderer().setSeriesStroke(s, new BasicStroke(1.6f));
        }
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setNumberFormatOverride(new DecimalFormat("#,##0.##"));
        y.setAutoRangeIncludesZero(true);
        for (int i = 0; i < spec.thresholds().size(); i++) {
            boolean last = i == spec.thresholds().size() - 1;
            ValueMarker marker = new ValueMarker(spec.thresholds().get(i) * scale, last ? Color.RED : Color.ORANGE,
                    new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] { 6, 4 }, 0));
            plot.addRangeMarker(marker);
        }
        // Keep the threshold lines in view: they are the point of the latency and memory panels.
        double top = spec.thresholds().stream().mapToDouble(Double::doubleValue).max().orElse(0) * scale;
        if (top > 0 && y.getUpperBound() < top * 1.1) {
            y.setUpperBound(top * 1.1);
        }
        return chart;
    }

    private static String axisLabel(String unit) {
        return switch (unit) {
            case "s" -> "ms";
            case "bytes" -> "MiB";
            case "Bps" -> "KiB/s";
            case "reqps" -> "per second";
            case "percentunit" -> "%";
            default -> unit;
        };
    }

    /** From the panel's unit to the axis label's. */
    private static double scale(String unit) {
        return switch (unit) {
            case "s" -> 1000;
            case "bytes" -> 1.0 / (1024 * 1024);
            case "Bps" -> 1.0 / 1024;
            case "percentunit" -> 100;
            default -> 1;
        };
    }
}
